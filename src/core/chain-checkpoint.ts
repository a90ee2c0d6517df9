/** Checkpoints: as this log keeps them, as the chain reports them, and where an anchor landed. */

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
