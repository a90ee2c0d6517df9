/**
 * Anchors checkpoints of the log on chain and keeps the service's view of
 * what is anchored true to the chain, live.
 *
 * Schedule: once the oldest pending entry has waited `intervalMs`, at once
 * when `maxLeaves` are pending, or on demand. One anchoring at a time; a
 * checkpoint is stored and served only after the chain holds it with the
 * configured confirmations.
 *
 * Truth (checked at start by `reconcile`, then every `checkMs` and before
 * each anchor by a cheap look at the chain's count and last checkpoint):
 * - the chain lost checkpoints (lost blocks, a reorg, a node restored from a
 *   snapshot) → receipts against them stop at once (409 NOT_YET_ANCHORED) and
 *   they are anchored again, same sizes, roots and indexes, without a restart;
 * - the chain has more (a crash between the transaction and the local write)
 *   → adopted when their roots match the local tree;
 * - any disagreement on a size or root → the anchorer halts with both sides as
 *   evidence; the service stops appending (CHAIN_MISMATCH) and says why.
 */
import type { Checkpoint, Store } from "../adapters/leveldb/store.ts";
import type { Prover } from "./prover.ts";
import { isChainError } from "../core/chain-error.ts";
import { CheckpointMismatchError, type AnchorChain, type AnchorerOptions, type AnchoringHealth } from "./anchor-types.ts";
import { Backlog } from "./backlog.ts";

export { CheckpointMismatchError, type AnchorChain, type AnchorerOptions, type AnchoringHealth } from "./anchor-types.ts";

export class Anchorer {
  readonly #store: Store;
  readonly #prover: Prover;
  readonly #chain: AnchorChain;
  readonly #opts: AnchorerOptions;
  readonly #checkMs: number;
  /** Every checkpoint this log anchored, as stored (the local truth). */
  #stored: Checkpoint[] = [];
  /** The prefix of #stored that the chain holds now: the only ones served. */
  #onChain = 0;
  #lock: Promise<unknown> = Promise.resolve();
  #inFlight: Promise<Checkpoint | undefined> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #abort = new AbortController();
  #lastError: AnchoringHealth["lastError"] = null;
  #halted: CheckpointMismatchError | undefined;
  #head: number | null = null;
  #checkedAt: number | null = null;
  readonly backlog = new Backlog();

  constructor(store: Store, prover: Prover, chain: AnchorChain, opts: AnchorerOptions) {
    this.#store = store;
    this.#prover = prover;
    this.#chain = chain;
    this.#opts = opts;
    this.#checkMs = opts.checkMs ?? Math.max(100, Math.min(opts.intervalMs, 2000));
  }

  /** Checkpoints the chain holds, oldest first (what receipts may use). */
  get checkpoints(): readonly Checkpoint[] {
    return this.#stored.slice(0, this.#onChain);
  }

  get latest(): Checkpoint | undefined {
    return this.#onChain ? this.#stored[this.#onChain - 1] : undefined;
  }

  /** Number of leaves covered by the latest checkpoint the chain holds. */
  get anchoredSize(): number {
    return this.latest?.treeSize ?? 0;
  }

  get lastError(): unknown {
    return this.#lastError;
  }

  /** Set once the chain holds a checkpoint this log cannot back: appending must stop. */
  get halted(): CheckpointMismatchError | undefined {
    return this.#halted;
  }

  /** The earliest checkpoint the chain holds covering `seq`, if any (stable: receipts don't change over time). */
  covering(seq: number): Checkpoint | undefined {
    let lo = 0;
    let hi = this.#onChain;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#stored[mid]!.treeSize > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.#onChain ? this.#stored[lo] : undefined;
  }

  health(): AnchoringHealth {
    const last = this.latest;
    return {
      pending: this.backlog.pending,
      oldestPendingAgeMs: this.backlog.oldestAgeMs(),
      anchoredSize: this.anchoredSize,
      lastCheckpoint: last ? { index: last.index, treeSize: last.treeSize, blockNumber: last.blockNumber, txHash: last.txHash } : null,
      lostCheckpoints: this.#stored.length - this.#onChain,
      chainHead: this.#head,
      chainCheckedAt: this.#checkedAt === null ? null : new Date(this.#checkedAt).toISOString(),
      lastError: this.#lastError,
      halted: this.#halted ? { reason: this.#halted.message, index: this.#halted.index, local: this.#halted.local, chain: this.#halted.chain } : null,
    };
  }

  /** Called after each commit: counts the backlog, anchors early when `maxLeaves` are pending. */
  notify(size: number): void {
    this.backlog.committed(size);
    if (!this.#stopped && !this.#inFlight && !this.#halted && size - this.anchoredSize >= this.#opts.maxLeaves) {
      this.anchorNow().catch((e) => this.#failed(e));
    }
  }

  /** Runs `f` alone: anchoring, reconciling and the live check never overlap. */
  #exclusive<T>(f: () => Promise<T>): Promise<T> {
    const p = this.#lock.then(f, f);
    this.#lock = p.catch(() => undefined);
    return p;
  }

  #failed(e: unknown): void {
    const kind = isChainError(e) ? e.kind : "INTERNAL";
    this.#lastError = { kind, message: String((e as Error)?.message ?? e).slice(0, 500), at: new Date().toISOString() };
    this.#opts.onError?.(e);
  }

  /** Full comparison with the chain (at start): adopt, re-anchor, or throw CheckpointMismatchError. */
  async reconcile(): Promise<{ reanchored: number; adopted: number }> {
    this.#stored = await this.#store.checkpoints();
    const r = await this.#exclusive(() => this.#reconcile(true));
    this.backlog.anchored(this.anchoredSize);
    const size = this.#opts.committedSize();
    if (size > this.anchoredSize) {
      const at = this.#opts.receivedAt ? await this.#opts.receivedAt(this.anchoredSize).catch(() => Date.now()) : Date.now();
      this.backlog.committed(size, at);
    }
    return r;
  }

  async #reconcile(checkAll: boolean): Promise<{ reanchored: number; adopted: number }> {
    const logId = this.#opts.logId;
    const local = this.#stored;
    const onChain = await this.#chain.checkpointCount(logId);
    const common = Math.min(onChain, local.length);
    for (let i = checkAll ? 0 : Math.max(0, common - 1); i < common; i++) {
      const c = await this.#chain.checkpointAt(logId, i);
      const l = local[i]!;
      if (c.treeSize !== l.treeSize || c.rootHash !== l.rootHash) {
        this.#halt(new CheckpointMismatchError(i, { treeSize: l.treeSize, rootHash: l.rootHash }, c));
      }
    }
    if (common < this.#onChain) {
      const lost = this.#onChain - common;
      this.#onChain = common;
      this.backlog.unanchored(this.anchoredSize, local[common]?.sizeTakenAt ? Date.parse(local[common]!.sizeTakenAt!) : Date.now());
      this.#opts.onEvent?.("the chain lost anchored checkpoints; receipts against them wait until they are anchored again", { lost, from: common, chainCount: onChain });
    } else this.#onChain = common;
    let adopted = 0;
    const size = this.#opts.committedSize();
    for (let i = local.length; i < onChain; i++) {
      const c = await this.#chain.checkpointAt(logId, i);
      const root = c.treeSize <= size ? await this.#prover.root(c.treeSize) : undefined;
      if (root !== c.rootHash) this.#halt(new CheckpointMismatchError(i, { treeSize: size, rootHash: root ?? null }, c));
      const txHash = (await this.#chain.checkpointTx?.(logId, i, c.blockNumber).catch(() => undefined)) ?? "";
      const cp: Checkpoint = { index: i, treeSize: c.treeSize, rootHash: c.rootHash, txHash, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt };
      await this.#store.putCheckpoint(cp);
      local.push(cp);
      this.#onChain = local.length;
      adopted++;
    }
    let reanchored = 0;
    for (let i = this.#onChain; i < local.length; i++) {
      const l = local[i]!;
      const proof = i === 0 ? [] : await this.#prover.consistencyProof(local[i - 1]!.treeSize, l.treeSize);
      const tx = await this.#chain.anchor(logId, l.treeSize, l.rootHash, proof, { signal: this.#abort.signal });
      if (tx.index !== i) this.#halt(new CheckpointMismatchError(i, l, { index: tx.index }));
      const cp: Checkpoint = { ...l, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt };
      await this.#store.putCheckpoint(cp);
      local[i] = cp;
      this.#onChain = i + 1;
      this.backlog.anchored(this.anchoredSize);
      this.#opts.onAnchored?.(cp);
      reanchored++;
    }
    if (adopted || reanchored) this.#opts.onEvent?.("checkpoints reconciled with the chain", { adopted, reanchored });
    return { reanchored, adopted };
  }

  #halt(e: CheckpointMismatchError): never {
    if (!this.#halted) this.#opts.onEvent?.("HALTED: the chain holds a checkpoint this log cannot back; appending stopped", { index: e.index, local: e.local, chain: e.chain });
    this.#halted = e;
    throw e;
  }

  /** The cheap live check: the chain's head, checkpoint count and our last checkpoint; reconciles on any difference. */
  async checkChain(): Promise<void> {
    if (this.#halted) throw this.#halted;
    await this.#exclusive(async () => {
      const logId = this.#opts.logId;
      this.#head = await this.#chain.blockNumber();
      this.#checkedAt = Date.now();
      const count = await this.#chain.checkpointCount(logId);
      let same = count === this.#stored.length && this.#onChain === count;
      if (same && count > 0) {
        const c = await this.#chain.checkpointAt(logId, count - 1);
        const l = this.#stored[count - 1]!;
        same = c.treeSize === l.treeSize && c.rootHash === l.rootHash;
        if (same && c.blockNumber !== l.blockNumber) {
          // Re-mined in another block by a reorg: same checkpoint, new place.
          const txHash = (await this.#chain.checkpointTx?.(logId, count - 1, c.blockNumber).catch(() => undefined)) ?? l.txHash;
          const moved: Checkpoint = { ...l, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt, txHash };
          await this.#store.putCheckpoint(moved);
          this.#stored[count - 1] = moved;
        }
      }
      if (!same) await this.#reconcile(false);
    });
  }

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.#stopped) return;
      try {
        await this.checkChain();
        const pending = this.#opts.committedSize() - this.anchoredSize;
        if (pending > 0 && (this.backlog.oldestAgeMs() >= this.#opts.intervalMs || pending >= this.#opts.maxLeaves)) await this.anchorNow();
      } catch (e) {
        if (!this.#stopped) this.#failed(e);
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void tick(), this.#checkMs);
    };
    this.#timer = setTimeout(() => void tick(), this.#checkMs);
  }

  /** Anchors what is committed now; returns the new (or latest) checkpoint. Waits for one in flight. */
  async anchorNow(limits: { deadline?: number } = {}): Promise<Checkpoint | undefined> {
    while (this.#inFlight) await this.#inFlight.catch(() => undefined);
    this.#inFlight = this.#exclusive(() => this.#anchor(limits));
    try {
      const cp = await this.#inFlight;
      return cp;
    } catch (e) {
      this.#failed(e);
      throw e;
    } finally {
      this.#inFlight = undefined;
    }
  }

  async #anchor(limits: { deadline?: number }): Promise<Checkpoint | undefined> {
    if (this.#halted) throw this.#halted;
    const logId = this.#opts.logId;
    if ((await this.#chain.checkpointCount(logId)) !== this.#stored.length || this.#onChain !== this.#stored.length) await this.#reconcile(false);
    const sizeTakenAt = new Date().toISOString();
    const size = this.#opts.committedSize();
    const last = this.latest;
    if (size === 0 || (last && size <= last.treeSize)) {
      this.#lastError = null;
      return last;
    }
    const rootHash = await this.#prover.root(size);
    const proof = last ? await this.#prover.consistencyProof(last.treeSize, size) : [];
    const tx = await this.#chain.anchor(logId, size, rootHash, proof, { signal: this.#abort.signal, ...limits });
    if (tx.index !== this.#stored.length) this.#halt(new CheckpointMismatchError(tx.index, { expectedIndex: this.#stored.length }, { index: tx.index }));
    const cp: Checkpoint = { index: tx.index, treeSize: size, rootHash, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt, sizeTakenAt };
    await this.#store.putCheckpoint(cp);
    this.#stored.push(cp);
    this.#onChain = this.#stored.length;
    this.backlog.anchored(size);
    this.#lastError = null;
    this.#opts.onAnchored?.(cp);
    return cp;
  }

  /** Stops the timer and any wait for the chain, then waits for an anchoring in flight to give up. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    if (this.#inFlight) await this.#inFlight.catch(() => undefined);
    await this.#lock.catch(() => undefined);
  }

  /**
   * The last anchor at shutdown, bounded by `deadlineMs`. Skipped when the
   * chain was just found unavailable: pending entries are anchored at the next start.
   */
  async finalAnchor(deadlineMs: number): Promise<Checkpoint | undefined | "skipped"> {
    if (this.#halted || this.#lastError?.kind === "UNAVAILABLE") return "skipped";
    this.#abort = new AbortController();
    const timer = setTimeout(() => this.#abort.abort(), deadlineMs);
    try {
      return await this.#exclusive(() => this.#anchor({ deadline: Date.now() + deadlineMs }));
    } finally {
      clearTimeout(timer);
    }
  }
}
