/**
 * The append lifecycle in one place: queued submissions are group-committed
 * (one synced LevelDB batch per group), idempotent per provider+id, and each
 * resolves only after its batch is on disk.
 *
 * Contract:
 * - A submission (one record or a batch) is all-or-nothing.
 * - A submission is refused alone: a failure that belongs to it (a conflict,
 *   or a throw while its keys are built) MUST NOT fail the other submissions
 *   committed in the same group. Only a failed write fails a whole group.
 * - A record whose provider+id exists with identical content is a replay: it
 *   gets the original result and writes nothing; other content → ID_CONFLICT.
 * - `submit` MUST NOT resolve before the batch holding its entries is written.
 * - Past `maxQueued` waiting records, `submit` throws OVERLOADED: answer 503
 *   with Retry-After.
 */
import { normalizeRecord, type ExchangeRecord } from "../core/record.ts";
import type { Acknowledgement, LogEntry } from "../core/ack.ts";
import { LedgerError } from "../core/errors.ts";
import { Frontier } from "../core/merkle/frontier.ts";
import { KnownKeys } from "./known-keys.ts";
import { addToTuple, CounterKeyMemo, spreadTuples, StatsCounters } from "./stats-counters.ts";
import { counterTuple } from "../core/counter-coords.ts";
import { allKeys, lookupGroup } from "./append-lookup.ts";
import { prepareSubmission, vetGroup } from "./append-prepare.ts";
import { entryKinds, type AppendResult, type Item, type Known, type Lookup, type Pending, type Prepared } from "./append-types.ts";
import type { AppendStore, AppenderOptions } from "./append-types.ts";
import { NO_METRICS, type AppendMetrics } from "../ports/metrics.ts";
export type { AppendResult, AppendStore, AppenderOptions } from "./append-types.ts";
import { decompose } from "../core/merkle/range.ts";
import { fromHex } from "../core/hex.ts";
import type { LogAppender } from "../ports/api/ledger.ts";

export const DEFAULT_MAX_GROUP = 2000;
export const DEFAULT_MAX_QUEUED = 100_000;

export class Appender implements LogAppender {
  readonly #store: AppendStore;
  #frontier: Frontier;
  #queue: Pending[] = [];
  #queued = 0;
  #running = false;
  #closed = false;
  /** provider:id keys of the group being written (not yet readable from LevelDB). */
  readonly #inflight = new Map<string, Known>();
  #committed: number;
  #lastReceivedAt = "";
  readonly #maxGroup: number;
  readonly #maxQueued: number;
  readonly #onCommit: (size: number) => void;
  readonly #metrics: AppendMetrics;
  readonly #seen: KnownKeys;
  readonly #counters: StatsCounters;
  readonly #keyMemo: CounterKeyMemo;

  private constructor(store: AppendStore, frontier: Frontier, seen: KnownKeys, opts: AppenderOptions) {
    this.#store = store;
    this.#seen = seen;
    this.#keyMemo = new CounterKeyMemo((r) => store.counters.keysOf(r));
    this.#counters = new StatsCounters(store.counters);
    this.#frontier = frontier;
    this.#committed = frontier.size;
    this.#maxGroup = opts.maxGroup ?? DEFAULT_MAX_GROUP;
    this.#maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.#onCommit = opts.onCommit ?? (() => {});
    this.#metrics = opts.metrics ?? NO_METRICS;
  }

  /** Loads the tree's right edge from the stored nodes (O(log n) reads). */
  static async open(store: AppendStore, opts: AppenderOptions = {}): Promise<Appender> {
    const size = await store.size();
    const hashes = (await store.nodes(decompose(0, size))).map(fromHex);
    const a = new Appender(store, new Frontier(size, hashes), await KnownKeys.load(store, size), opts);
    const last = size > 0 ? await store.entry(size - 1) : undefined;
    if (last) a.#lastReceivedAt = (JSON.parse(last) as LogEntry).receivedAt;
    return a;
  }

  /** Committed log size: every entry below it is on disk. */
  get size(): number {
    return this.#committed;
  }

  get queued(): number {
    return this.#queued;
  }

  submit(records: readonly ExchangeRecord[]): Promise<AppendResult[]> {
    return this.#enqueue(records.map((r) => ({ kind: "exchange", record: normalizeRecord(r) })));
  }

  /** Appends consumers' acknowledgements; `exchangeSeq` MUST be the committed exchange each names. */
  submitAcks(acks: ReadonlyArray<{ ack: Acknowledgement; exchangeSeq: number }>): Promise<AppendResult[]> {
    return this.#enqueue(acks.map((a) => ({ kind: "ack", ack: a.ack, exchangeSeq: a.exchangeSeq })));
  }

  #enqueue(items: Item[]): Promise<AppendResult[]> {
    if (this.#closed) return Promise.reject(new LedgerError("NOT_READY", "the ledger is shutting down"));
    if (this.#queued + items.length > this.#maxQueued) {
      return Promise.reject(new LedgerError("OVERLOADED", "too many records waiting to be written; retry shortly", { retryAfterSeconds: 1 }));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      this.#queued += items.length;
      if (!this.#running) void this.#drain();
    });
  }

  /** Stops taking submissions and waits until every queued one is written. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Group commit, pipelined: while group k is being written, group k+1 is
   * looked up and prepared (its seqs follow k's). Writes stay strictly ordered
   * and a group is answered only after its own write. If a write fails, that
   * group and the one prepared on top of it are refused and the tree goes back.
   */
  async #drain(): Promise<void> {
    this.#running = true;
    let writing: { prep: Prepared; write: Promise<void> } | undefined;
    try {
      while (this.#queue.length > 0 || writing) {
        if (this.#queue.length === 0) {
          await this.#finish(writing!, new Set());
          writing = undefined;
          continue;
        }
        const { group, tupleKeys } = vetGroup(this.#take(), this.#keyMemo);
        let prep: Prepared | undefined;
        try {
          // A throw here is the store's (a read failed): it belongs to the whole group.
          if (group.length > 0)
            prep = this.#prepare(
              group,
              await lookupGroup(
                this.#store,
                this.#seen,
                this.#counters,
                group.flatMap((p) => p.items),
                allKeys(tupleKeys),
              ),
              tupleKeys,
            );
        } catch (e) {
          for (const p of group) p.reject(e);
        }
        if (writing && !(await this.#finish(writing, prep?.counterKeys ?? new Set()))) {
          // The tree went back to before the failed group: `prep` was built on top of it.
          if (prep) for (const a of prep.accepted) a.p.reject(writeFailed("an earlier write failed"));
          prep = undefined;
        }
        writing = undefined;
        if (!prep) continue;
        if (prep.entries.length === 0) {
          this.#settle(prep);
          continue;
        }
        // COMMIT POINT: entries, nodes, id index and size in one synced batch.
        writing = { prep, write: this.#store.append({ entries: prep.entries, nodes: prep.nodes, counters: prep.counters, newSize: prep.newSize }) };
      }
    } finally {
      this.#running = false;
    }
  }

  #take(): Pending[] {
    const group: Pending[] = [];
    let n = 0;
    while (this.#queue.length > 0 && (n === 0 || n + this.#queue[0]!.items.length <= this.#maxGroup)) {
      const p = this.#queue.shift()!;
      group.push(p);
      n += p.items.length;
    }
    this.#queued -= n;
    return group;
  }

  /** Awaits a group's write; answers its submissions. False if the write failed (tree restored). */
  async #finish(w: { prep: Prepared; write: Promise<void> }, protect: ReadonlySet<string>): Promise<boolean> {
    try {
      await w.write;
    } catch (e) {
      this.#frontier = w.prep.before;
      this.#inflight.clear();
      this.#counters.clear();
      for (const a of w.prep.accepted) a.p.reject(writeFailed(String(e)));
      return false;
    }
    for (const k of w.prep.keys) this.#inflight.delete(k);
    this.#committed = w.prep.newSize;
    this.#counters.trim(protect);
    try {
      await this.#seen.added(w.prep.keys, this.#committed);
    } catch {
      // The rescan that grows the filter failed; the keys are in the old filter
      // already (it only answers "maybe" more often), and the next commit retries.
    }
    this.#metrics.groupCommitted(entryKinds(w.prep.entries));
    this.#onCommit(w.prep.newSize);
    this.#settle(w.prep);
    return true;
  }

  #settle(prep: Prepared): void {
    for (const a of prep.accepted) a.p.resolve(a.results);
  }

  /** Assigns seqs and tree nodes to the group's new records (synchronous: no other group interleaves). */
  #prepare(group: Pending[], found: Lookup, tupleKeys: ReadonlyMap<string, readonly string[]>): Prepared {
    const before = this.#snapshot();
    // receivedAt never goes back, even if the clock does: entries are in time order.
    const now = new Date().toISOString();
    const receivedAt = now > this.#lastReceivedAt ? now : this.#lastReceivedAt;
    this.#lastReceivedAt = receivedAt;
    const inGroup = new Map<string, Known>();
    const entries: Prepared["entries"] = [];
    const nodes: Prepared["nodes"] = [];
    const accepted: Prepared["accepted"] = [];
    const keys: string[] = [];
    /** Counter tuple → [exchanges, records] of the group's accepted new exchanges. */
    const groupTuples = new Map<string, [number, number]>();
    let k = 0;

    for (const p of group) {
      const mark = { entries: entries.length, nodes: nodes.length, frontier: this.#snapshot(), keys: [] as string[] };
      /** Undoes this submission only: earlier ones in the group stand. */
      const refuse = (e: unknown) => {
        entries.length = mark.entries;
        nodes.length = mark.nodes;
        this.#frontier = mark.frontier;
        for (const key of mark.keys) inGroup.delete(key);
        p.reject(e);
      };
      const first = k;
      k += p.items.length;
      try {
        const outcome = prepareSubmission(p, {
          frontier: this.#frontier,
          inflight: this.#inflight,
          found,
          first,
          receivedAt,
          keys: mark.keys,
          inGroup,
          entries,
          nodes,
        });
        if (outcome.conflict) {
          refuse(outcome.conflict);
          continue;
        }
        // Its sums are built before any is merged, so a throw leaves groupTuples as it was.
        const mine = new Map<string, [number, number]>();
        for (const it of outcome.fresh) if (it.kind === "exchange") addToTuple(mine, counterTuple(it.record), it.record.recordCount);
        for (const [t, [e, r]] of mine) {
          const d = groupTuples.get(t);
          if (d) {
            d[0] += e;
            d[1] += r;
          } else groupTuples.set(t, [e, r]);
        }
        keys.push(...mark.keys);
        accepted.push({ p, results: outcome.results });
      } catch (e) {
        refuse(e);
      }
    }
    let counters: Prepared["counters"];
    const groupDelta = spreadTuples(groupTuples, tupleKeys);
    try {
      counters = this.#counters.apply(groupDelta);
    } catch (e) {
      // A counter not loaded: the group is refused whole; the tree goes back and the cache is re-read.
      this.#frontier = before;
      this.#counters.clear();
      throw e;
    }
    // Until this group is on disk, later groups learn of its keys from here, not from LevelDB.
    for (const key of keys) this.#inflight.set(key, inGroup.get(key)!);
    return { accepted, entries, nodes, counters, counterKeys: new Set(groupDelta.keys()), newSize: this.#frontier.size, before, keys };
  }

  #snapshot(): Frontier {
    return this.#frontier.clone();
  }
}

function writeFailed(cause: string): LedgerError {
  return new LedgerError("INTERNAL", "the log could not be written; nothing of this request was stored", { cause });
}
