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
import type { AnchoredTx, ChainCheckpoint } from "../../core/chain-checkpoint.ts";
import type { Checkpoint, CheckpointStore } from "../../ports/store.ts";
import type { Prover } from "../proofs/prover.ts";
import { isChainError } from "../../core/chain-error.ts";
import { Backlog } from "./backlog.ts";
import type { AnchoringHealth, AnchoringState } from "../../ports/api/ledger.ts";
import type { AnchorMetrics } from "../../ports/metrics.ts";
import { CheckpointBook } from "./checkpoint-book.ts";

export type { AnchoringHealth } from "../../ports/api/ledger.ts";

/** What the anchorer needs from the chain. */
export interface AnchorChain {
  blockNumber(): Promise<number>;
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
  anchor(
    logId: string,
    treeSize: number,
    rootHash: string,
    proof: readonly string[],
    limits?: { signal?: AbortSignal; deadline?: number },
  ): Promise<AnchoredTx>;
  /** The transaction of an adopted checkpoint, when the chain can still say. */
  checkpointTx?(logId: string, index: number, fromBlock: number): Promise<string | undefined>;
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
  /** How often the chain is looked at (default: min(intervalMs, 2000), at least 100). */
  readonly checkMs?: number;
  /** When entry `seq` was received (ms), for the age of a backlog found at start. */
  readonly receivedAt?: (seq: number) => Promise<number>;
  /** Blocks that must hold a checkpoint found on chain before it is adopted (CONFIRMATIONS; default 1). */
  readonly confirmations?: number;
  /** A background anchoring gives up waiting after this long (default 120 s); the next one settles its transaction first. */
  readonly anchorDeadlineMs?: number;
  /** Called with a failure when it differs from the last one reported, or a minute after it. */
  readonly onError?: (e: unknown) => void;
  readonly onAnchored?: (cp: Checkpoint) => void;
  /**
   * Awaited with each checkpoint the chain now holds, before it is published
   * (before its block becomes the registry's freshness mark): the moment the
   * chain is known to answer. A failure is reported (onEvent) and the
   * checkpoint published anyway: the chain holds it.
   */
  readonly beforePublish?: (cp: Checkpoint) => Promise<void>;
  /** Something changed in what the chain holds (lost, re-anchored, adopted, halted): for the log. */
  readonly onEvent?: (msg: string, details: unknown) => void;
  /** Told of each anchoring confirmed or failed (default: none). */
  readonly metrics?: AnchorMetrics;
}

export class Anchorer implements AnchoringState {
  readonly #store: CheckpointStore;
  readonly #prover: Prover;
  readonly #chain: AnchorChain;
  readonly #opts: AnchorerOptions;
  readonly #checkMs: number;
  readonly #book = new CheckpointBook();
  #lock: Promise<unknown> = Promise.resolve();
  #inFlight: Promise<Checkpoint | undefined> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #abort = new AbortController();
  #lastError: AnchoringHealth["lastError"] = null;
  #lastReportedAt = 0;
  #halted: CheckpointMismatchError | undefined;
  #head: number | null = null;
  #checkedAt: number | null = null;
  readonly backlog = new Backlog();

  constructor(store: CheckpointStore, prover: Prover, chain: AnchorChain, opts: AnchorerOptions) {
    this.#store = store;
    this.#prover = prover;
    this.#chain = chain;
    this.#opts = opts;
    this.#checkMs = opts.checkMs ?? Math.max(100, Math.min(opts.intervalMs, 2000));
  }

  /** Checkpoints the chain holds, oldest first (what receipts may use). */
  get checkpoints(): readonly Checkpoint[] {
    return this.#book.served;
  }

  get latest(): Checkpoint | undefined {
    return this.#book.latest;
  }

  /** Number of leaves covered by the latest checkpoint the chain holds. */
  get anchoredSize(): number {
    return this.#book.anchoredSize;
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
    return this.#book.covering(seq);
  }

  health(): AnchoringHealth {
    const last = this.latest;
    return {
      pending: this.backlog.pending,
      oldestPendingAgeMs: this.backlog.oldestAgeMs(),
      anchoredSize: this.anchoredSize,
      lastCheckpoint: last ? { index: last.index, treeSize: last.treeSize, blockNumber: last.blockNumber, txHash: last.txHash } : null,
      lostCheckpoints: this.#book.lost,
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
      this.anchorNow(this.#background()).catch((e: unknown) => this.#failed(e));
    }
  }

  /** Runs `f` alone: anchoring, reconciling and the live check never overlap. */
  #exclusive<T>(f: () => Promise<T>): Promise<T> {
    const p = this.#lock.then(f, f);
    this.#lock = p.catch(() => undefined);
    return p;
  }

  /** Records a failure; reports it when it differs from the last one, or a minute later (no log flood while the chain is down). */
  #failed(e: unknown): void {
    const kind = e instanceof CheckpointMismatchError ? "HALTED" : isChainError(e) ? e.kind : "INTERNAL";
    const message = String((e as Error | null | undefined)?.message ?? e).slice(0, 500);
    const prev = this.#lastError;
    this.#lastError = { kind, message, at: new Date().toISOString() };
    if (prev?.message !== message || Date.now() - this.#lastReportedAt >= 60_000) {
      this.#lastReportedAt = Date.now();
      this.#opts.onError?.(e);
    }
  }

  /** Full comparison with the chain (at start): adopt, re-anchor, or throw CheckpointMismatchError. */
  async reconcile(): Promise<{ reanchored: number; adopted: number }> {
    this.#book.all = await this.#store.checkpoints();
    const r = await this.#exclusive(() => this.#reconcile(true));
    this.backlog.anchored(this.anchoredSize);
    const size = this.#opts.committedSize();
    if (size > this.anchoredSize) {
      const at = this.#opts.receivedAt ? await this.#opts.receivedAt(this.anchoredSize).catch(() => Date.now()) : Date.now();
      this.backlog.committed(size, at);
    }
    return r;
  }

  #reconcile(checkAll: boolean): Promise<{ reanchored: number; adopted: number }> {
    const ctx = { book: this.#book, backlog: this.backlog, chain: this.#chain, prover: this.#prover, store: this.#store, opts: this.#opts };
    return reconcileWithChain(ctx, checkAll, { signal: this.#abort.signal, ...this.#background() }, (e) => this.#halt(e));
  }

  #halt(e: CheckpointMismatchError): never {
    if (!this.#halted)
      this.#opts.onEvent?.("HALTED: the chain holds a checkpoint this log cannot back; appending stopped", { index: e.index, local: e.local, chain: e.chain });
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
      if (this.#lastError?.kind === "UNAVAILABLE") {
        this.#opts.onEvent?.("the chain answers again", { lastFailureAt: this.#lastError.at, head: this.#head });
        this.#lastError = null;
      }
      const count = await this.#chain.checkpointCount(logId);
      let same = count === this.#book.all.length && this.#book.onChain === count;
      if (same && count > 0) {
        const c = await this.#chain.checkpointAt(logId, count - 1);
        const l = this.#book.all[count - 1]!;
        same = c.treeSize === l.treeSize && c.rootHash === l.rootHash;
        if (same && c.blockNumber !== l.blockNumber) {
          // Re-mined in another block by a reorg: same checkpoint, new place.
          const txHash = (await this.#chain.checkpointTx?.(logId, count - 1, c.blockNumber).catch(() => undefined)) ?? l.txHash;
          const moved: Checkpoint = { ...l, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt, txHash };
          await this.#store.putCheckpoint(moved);
          this.#book.all[count - 1] = moved;
        }
      }
      if (!same) await this.#reconcile(false);
    });
  }

  start(): void {
    // stop() may run while a tick awaits: the flag is read afresh by a call after each await.
    const stopped = (): boolean => this.#stopped;
    const tick = async (): Promise<void> => {
      if (stopped()) return;
      try {
        await this.checkChain();
        const pending = this.#opts.committedSize() - this.anchoredSize;
        if (pending > 0 && (this.backlog.oldestAgeMs() >= this.#opts.intervalMs || pending >= this.#opts.maxLeaves)) await this.anchorNow(this.#background());
      } catch (e) {
        if (!stopped()) this.#failed(e);
      }
      // Halted: nothing more to anchor or check until an operator acts (restart after the incident).
      if (!stopped() && !this.#halted) this.#timer = setTimeout(() => void tick(), this.#checkMs);
    };
    this.#timer = setTimeout(() => void tick(), this.#checkMs);
  }

  /** A background anchoring gives up after `anchorDeadlineMs`, so the live check is never starved by a stuck transaction. */
  #background(): { deadline: number } {
    return { deadline: Date.now() + (this.#opts.anchorDeadlineMs ?? 120_000) };
  }

  /** Anchors what is committed now; returns the new (or latest) checkpoint. Waits for one in flight. */
  async anchorNow(limits: { deadline?: number } = {}): Promise<Checkpoint | undefined> {
    while (this.#inFlight) await this.#inFlight.catch(() => undefined);
    this.#inFlight = this.#exclusive(() => this.#anchor(limits));
    try {
      const cp = await this.#inFlight;
      return cp;
    } catch (e) {
      this.#opts.metrics?.anchorFailed(e instanceof CheckpointMismatchError ? "HALTED" : isChainError(e) ? e.kind : "INTERNAL");
      this.#failed(e);
      throw e;
    } finally {
      this.#inFlight = undefined;
    }
  }

  async #anchor(limits: { deadline?: number }): Promise<Checkpoint | undefined> {
    if (this.#halted) throw this.#halted;
    const logId = this.#opts.logId;
    if ((await this.#chain.checkpointCount(logId)) !== this.#book.all.length || this.#book.onChain !== this.#book.all.length) await this.#reconcile(false);
    const sizeTakenAt = new Date().toISOString();
    const size = this.#opts.committedSize();
    const last = this.latest;
    if (size === 0 || (last && size <= last.treeSize)) {
      this.#lastError = null;
      return last;
    }
    const rootHash = await this.#prover.root(size);
    const proof = last ? await this.#prover.consistencyProof(last.treeSize, size) : [];
    const sentAt = performance.now();
    const tx = await this.#chain.anchor(logId, size, rootHash, proof, { signal: this.#abort.signal, ...limits });
    this.#opts.metrics?.anchored((performance.now() - sentAt) / 1000, size - (last?.treeSize ?? 0));
    if (tx.index !== this.#book.all.length) this.#halt(new CheckpointMismatchError(tx.index, { expectedIndex: this.#book.all.length }, { index: tx.index }));
    const cp: Checkpoint = {
      index: tx.index,
      treeSize: size,
      rootHash,
      txHash: tx.txHash,
      blockNumber: tx.blockNumber,
      anchoredAt: tx.anchoredAt,
      sizeTakenAt,
    };
    await beforePublish(this.#opts, cp, this.#abort.signal);
    await this.#store.putCheckpoint(cp);
    this.#book.all.push(cp);
    this.#book.onChain = this.#book.all.length;
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

/** What a reconciliation reads and changes: the anchorer's parts. */
interface ReconcileContext {
  readonly book: CheckpointBook;
  readonly backlog: Backlog;
  readonly chain: AnchorChain;
  readonly prover: Pick<Prover, "root" | "consistencyProof">;
  readonly store: { putCheckpoint(cp: Checkpoint): Promise<void> };
  readonly opts: AnchorerOptions;
}

/**
 * Brings the log's view of what is anchored in line with the chain (the rules
 * at the top of this file): checks the common checkpoints (all, or only the
 * last), stops serving the ones the chain lost, adopts confirmed ones the chain
 * has beyond ours when our tree backs them, anchors lost ones again with the
 * same index, size and root — and halts on any disagreement.
 *
 * MUST run under the anchorer's lock: it is the only writer of the book then.
 */
// eslint-disable-next-line complexity -- one case per way the chain and the local book can differ, in the order they are decided
async function reconcileWithChain(
  ctx: ReconcileContext,
  checkAll: boolean,
  limits: { signal: AbortSignal; deadline?: number },
  halt: (e: CheckpointMismatchError) => never,
): Promise<{ reanchored: number; adopted: number }> {
  const { book, backlog, chain, prover, store, opts } = ctx;
  const logId = opts.logId;
  const local = book.all;
  const onChain = await chain.checkpointCount(logId);
  const common = Math.min(onChain, local.length);
  for (let i = checkAll ? 0 : Math.max(0, common - 1); i < common; i++) {
    const c = await chain.checkpointAt(logId, i);
    const l = local[i]!;
    if (c.treeSize !== l.treeSize || c.rootHash !== l.rootHash) {
      halt(new CheckpointMismatchError(i, { treeSize: l.treeSize, rootHash: l.rootHash }, c));
    }
  }
  if (common < book.onChain) {
    const lost = book.onChain - common;
    book.onChain = common;
    const since = opts.receivedAt ? await opts.receivedAt(book.anchoredSize).catch(() => Date.now()) : Date.now();
    backlog.unanchored(book.anchoredSize, since);
    opts.onEvent?.("the chain lost anchored checkpoints; receipts against them wait until they are anchored again", {
      lost,
      from: common,
      chainCount: onChain,
    });
  } else book.onChain = common;
  let adopted = 0;
  const size = opts.committedSize();
  const confirmedUpTo = onChain > local.length ? (await chain.blockNumber()) - (opts.confirmations ?? 1) + 1 : 0;
  for (let i = local.length; i < onChain; i++) {
    const c = await chain.checkpointAt(logId, i);
    if (c.blockNumber > confirmedUpTo) break; // adopted only once CONFIRMATIONS blocks hold it
    const root = c.treeSize <= size ? await prover.root(c.treeSize) : undefined;
    if (root !== c.rootHash) halt(new CheckpointMismatchError(i, { treeSize: size, rootHash: root ?? null }, c));
    const txHash = (await chain.checkpointTx?.(logId, i, c.blockNumber).catch(() => undefined)) ?? "";
    const cp: Checkpoint = { index: i, treeSize: c.treeSize, rootHash: c.rootHash, txHash, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt };
    await beforePublish(opts, cp, limits.signal);
    await store.putCheckpoint(cp);
    local.push(cp);
    book.onChain = local.length;
    adopted++;
  }
  let reanchored = 0;
  for (let i = book.onChain; i < local.length; i++) {
    const l = local[i]!;
    const proof = i === 0 ? [] : await prover.consistencyProof(local[i - 1]!.treeSize, l.treeSize);
    const tx = await chain.anchor(logId, l.treeSize, l.rootHash, proof, limits);
    if (tx.index !== i) halt(new CheckpointMismatchError(i, l, { index: tx.index }));
    const cp: Checkpoint = { ...l, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt };
    await beforePublish(opts, cp, limits.signal);
    await store.putCheckpoint(cp);
    local[i] = cp;
    book.onChain = i + 1;
    backlog.anchored(book.anchoredSize);
    opts.onAnchored?.(cp);
    reanchored++;
  }
  if (adopted || reanchored) opts.onEvent?.("checkpoints reconciled with the chain", { adopted, reanchored });
  return { reanchored, adopted };
}

/**
 * Runs `opts.beforePublish`; never throws (see there). Stops waiting when `signal` aborts (stop, or the final
 * anchor's deadline): the checkpoint is published all the same, and the sync, left running, is reported if it fails.
 */
async function beforePublish(opts: AnchorerOptions, cp: Checkpoint, signal: AbortSignal): Promise<void> {
  const report = (e: unknown) => {
    opts.onEvent?.("checkpoint published before the registry reached its block; writes may need the chain until it answers", {
      index: cp.index,
      blockNumber: cp.blockNumber,
      error: String((e as Error | null | undefined)?.message ?? e),
    });
  };
  if (!opts.beforePublish || signal.aborted) return;
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.race([opts.beforePublish(cp).catch(report), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
