/** Checkpoints: as this log keeps them, as the chain reports them, and where an anchor (or another transaction) landed. */

/** A checkpoint this log anchored, as stored and served in receipts. */
export interface Checkpoint {
  readonly index: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly txHash: string;
  readonly blockNumber: number;
  /** Block timestamp, seconds. */
  readonly anchoredAt: number;
  /** When the anchorer read the log size (entries after it were received about then or later). */
  readonly sizeTakenAt?: string;
}

export interface ChainCheckpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  /** Block timestamp, seconds. */
  readonly anchoredAt: number;
  readonly blockNumber: number;
}

export interface AnchoredTx {
  readonly index: number;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: number;
}

/** A transaction the chain mined: its hash and the block it is in (what orders it against events read from the chain). */
export interface MinedTx {
  readonly txHash: string;
  readonly blockNumber: number;
}

/**
 * Index of the first of `count` checkpoints whose tree covers leaf `seq`
 * (treeSize > seq), or `count` when none does. Precondition: tree sizes grow
 * with the index, as the contract enforces.
 */
export function firstCovering(count: number, treeSizeAt: (i: number) => number, seq: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (treeSizeAt(mid) > seq) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
