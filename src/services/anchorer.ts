/**
 * Anchors checkpoints of the log on chain: at least every `intervalMs` while
 * entries are pending, at once when `maxLeaves` are pending, or on demand.
 * One anchoring at a time. A checkpoint is stored locally only after the chain
 * has it with the configured confirmations.
 *
 * On start, `reconcile` compares local checkpoints with the chain's:
 * - the chain lost some (its last blocks after a hard kill) → they are anchored
 *   again, same sizes and roots, same indexes, so earlier receipts still verify;
 * - the chain has more (a crash between the tx and the local write) → adopted
 *   when their roots match the local tree;
 * - any disagreement on a size or root → an error with both sides as evidence.
 */
import type { Checkpoint, Store } from "../adapters/leveldb/store.ts";
import type { Prover } from "./prover.ts";
import type { AnchoredTx, ChainCheckpoint } from "../adapters/chain/ledger-client.ts";

export interface AnchorChain {
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
  anchor(logId: string, treeSize: number, rootHash: string, proof: readonly string[]): Promise<AnchoredTx>;
}

export class CheckpointMismatchError extends Error {
  readonly index: number;
  readonly local: unknown;
  readonly chain: unknown;
  constructor(index: number, local: unknown, chain: unknown) {
    super(`checkpoint ${index} differs between this data dir and the chain: local ${JSON.stringify(local)}, chain ${JSON.stringify(chain)}`);
    this.index = index;
    this.local = local;
    this.chain = chain;
  }
}

export interface AnchorerOptions {
  readonly logId: string;
  readonly intervalMs: number;
  readonly maxLeaves: number;
  readonly committedSize: () => number;
  readonly onError?: (e: unknown) => void;
}

export class Anchorer {
  readonly #store: Store;
  readonly #prover: Prover;
  readonly #chain: AnchorChain;
  readonly #opts: AnchorerOptions;
  #checkpoints: Checkpoint[] = [];
  #inFlight: Promise<Checkpoint | undefined> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastError: unknown;

  constructor(store: Store, prover: Prover, chain: AnchorChain, opts: AnchorerOptions) {
    this.#store = store;
    this.#prover = prover;
    this.#chain = chain;
    this.#opts = opts;
  }

  get checkpoints(): readonly Checkpoint[] {
    return this.#checkpoints;
  }

  get latest(): Checkpoint | undefined {
    return this.#checkpoints[this.#checkpoints.length - 1];
  }

  /** Number of leaves covered by the latest anchored checkpoint. */
  get anchoredSize(): number {
    return this.latest?.treeSize ?? 0;
  }

  get lastError(): unknown {
    return this.#lastError;
  }

  /** The earliest checkpoint covering `seq`, if any (stable: receipts don't change over time). */
  covering(seq: number): Checkpoint | undefined {
    const cps = this.#checkpoints;
    let lo = 0;
    let hi = cps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cps[mid]!.treeSize > seq) hi = mid;
      else lo = mid + 1;
    }
    return cps[lo];
  }

  async reconcile(): Promise<{ reanchored: number; adopted: number }> {
    const logId = this.#opts.logId;
    const local = await this.#store.checkpoints();
    const onChain = await this.#chain.checkpointCount(logId);
    const common = Math.min(onChain, local.length);
    for (let i = 0; i < common; i++) {
      const c = await this.#chain.checkpointAt(logId, i);
      const l = local[i]!;
      if (c.treeSize !== l.treeSize || c.rootHash !== l.rootHash) {
        throw new CheckpointMismatchError(i, { treeSize: l.treeSize, rootHash: l.rootHash }, c);
      }
    }
    let adopted = 0;
    const size = this.#opts.committedSize();
    for (let i = local.length; i < onChain; i++) {
      const c = await this.#chain.checkpointAt(logId, i);
      const root = c.treeSize <= size ? await this.#prover.root(c.treeSize) : undefined;
      if (root !== c.rootHash) throw new CheckpointMismatchError(i, { treeSize: size, rootHash: root ?? null }, c);
      const cp: Checkpoint = { index: i, treeSize: c.treeSize, rootHash: c.rootHash, txHash: "", blockNumber: c.blockNumber, anchoredAt: c.anchoredAt };
      await this.#store.putCheckpoint(cp);
      local.push(cp);
      adopted++;
    }
    let reanchored = 0;
    for (let i = onChain; i < local.length; i++) {
      const l = local[i]!;
      const proof = i === 0 ? [] : await this.#prover.consistencyProof(local[i - 1]!.treeSize, l.treeSize);
      const tx = await this.#chain.anchor(logId, l.treeSize, l.rootHash, proof);
      if (tx.index !== i) throw new CheckpointMismatchError(i, l, { index: tx.index });
      const cp: Checkpoint = { ...l, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt };
      await this.#store.putCheckpoint(cp);
      local[i] = cp;
      reanchored++;
    }
    this.#checkpoints = local;
    return { reanchored, adopted };
  }

  start(): void {
    const tick = (): void => {
      if (this.#stopped) return;
      this.anchorNow()
        .catch((e) => {
          this.#lastError = e;
          this.#opts.onError?.(e);
        })
        .finally(() => {
          if (this.#stopped) return;
          this.#timer = setTimeout(tick, this.#opts.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, this.#opts.intervalMs);
  }

  /** Called after each commit: anchors early when `maxLeaves` are pending. */
  notify(size: number): void {
    if (!this.#stopped && !this.#inFlight && size - this.anchoredSize >= this.#opts.maxLeaves) {
      this.anchorNow().catch((e) => {
        this.#lastError = e;
        this.#opts.onError?.(e);
      });
    }
  }

  /** Anchors what is committed now; returns the new (or latest) checkpoint. Waits for one in flight. */
  async anchorNow(): Promise<Checkpoint | undefined> {
    while (this.#inFlight) await this.#inFlight.catch(() => undefined);
    this.#inFlight = this.#anchor();
    try {
      return await this.#inFlight;
    } finally {
      this.#inFlight = undefined;
    }
  }

  async #anchor(): Promise<Checkpoint | undefined> {
    const sizeTakenAt = new Date().toISOString();
    const size = this.#opts.committedSize();
    const last = this.latest;
    if (size === 0 || (last && size <= last.treeSize)) return last;
    const rootHash = await this.#prover.root(size);
    const proof = last ? await this.#prover.consistencyProof(last.treeSize, size) : [];
    const tx = await this.#chain.anchor(this.#opts.logId, size, rootHash, proof);
    const cp: Checkpoint = { index: tx.index, treeSize: size, rootHash, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt, sizeTakenAt };
    await this.#store.putCheckpoint(cp);
    this.#checkpoints.push(cp);
    this.#lastError = undefined;
    return cp;
  }

  /** Stops the timer and waits for an anchoring in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#inFlight) await this.#inFlight.catch(() => undefined);
  }
}
