/**
 * The append lifecycle in one place: queued submissions are group-committed
 * (one synced LevelDB batch per group), idempotent per provider+id, and each
 * resolves only after its batch is on disk.
 *
 * Contract:
 * - A submission (one record or a batch) is all-or-nothing.
 * - A record whose provider+id exists with identical content is a replay: it
 *   gets the original result and writes nothing; other content → ID_CONFLICT.
 * - `submit` MUST NOT resolve before the batch holding its entries is written.
 * - Past `maxQueued` waiting records, `submit` throws OVERLOADED: answer 503
 *   with Retry-After.
 */
import { entryText, normalizeRecord, type Entry, type ExchangeRecord } from "../core/record.ts";
import { ackEntryText, logEntryText, type AckEntry, type Acknowledgement, type LogEntry } from "../core/ack.ts";
import { LedgerError } from "../core/errors.ts";
import { Frontier } from "../core/merkle/frontier.ts";
import { KnownKeys } from "./known-keys.ts";
import { addExchange, StatsCounters } from "./stats-counters.ts";
import { lookupGroup } from "./append-lookup.ts";
import { itemKey, itemParty, sameContent, type AppendResult, type Item, type Known, type Lookup, type Pending, type Prepared } from "./append-types.ts";

export type { AppendResult } from "./append-types.ts";
import { hashLeaf } from "../core/merkle/hash.ts";
import { decompose } from "../core/merkle/range.ts";
import { fromHex, toHex } from "../core/hex.ts";
import type { Store } from "../adapters/leveldb/store.ts";

export const DEFAULT_MAX_GROUP = 2000;
export const DEFAULT_MAX_QUEUED = 100_000;

export class Appender {
  readonly #store: Store;
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

  readonly #seen: KnownKeys;
  readonly #counters: StatsCounters;

  private constructor(store: Store, frontier: Frontier, seen: KnownKeys, opts: AppenderOptions) {
    this.#store = store;
    this.#seen = seen;
    this.#counters = new StatsCounters(store);
    this.#frontier = frontier;
    this.#committed = frontier.size;
    this.#maxGroup = opts.maxGroup ?? DEFAULT_MAX_GROUP;
    this.#maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.#onCommit = opts.onCommit ?? (() => {});
  }

  /** Loads the tree's right edge from the stored nodes (O(log n) reads). */
  static async open(store: Store, opts: AppenderOptions = {}): Promise<Appender> {
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
      return Promise.reject(
        new LedgerError("OVERLOADED", "too many records waiting to be written; retry shortly", { retryAfterSeconds: 1 }),
      );
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
        const group = this.#take();
        let prep: Prepared | undefined;
        try {
          prep = this.#prepare(group, await lookupGroup(this.#store, this.#seen, this.#counters, group.flatMap((p) => p.items)));
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
    await this.#seen.added(w.prep.keys, this.#committed);
    this.#onCommit(w.prep.newSize);
    this.#settle(w.prep);
    return true;
  }

  #settle(prep: Prepared): void {
    for (const a of prep.accepted) a.p.resolve(a.results);
  }

  /** Assigns seqs and tree nodes to the group's new records (synchronous: no other group interleaves). */
  #prepare(group: Pending[], found: Lookup): Prepared {
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
    const groupDelta = new Map<string, [number, number]>();
    let k = 0;

    for (const p of group) {
      const results: AppendResult[] = [];
      const mark = { entries: entries.length, nodes: nodes.length, frontier: this.#snapshot(), keys: [] as string[] };
      let conflict: LedgerError | undefined;
      const fresh: Item[] = [];
      for (const it of p.items) {
        const seqHit = found.seqs[k++];
        const key = itemKey(it);
        const { provider, id } = itemParty(it);
        const prior = inGroup.get(key) ?? this.#inflight.get(key);
        if (prior) {
          if (!sameContent(it, prior.item)) conflict ??= conflictError(it);
          else results.push({ ...prior.result, replay: true });
          continue;
        }
        if (seqHit !== undefined) {
          const old = found.entries.get(seqHit)!;
          if (!sameContent(it, old)) {
            conflict ??= conflictError(it);
            continue;
          }
          const leafHash = toHex(hashLeaf(Buffer.from(logEntryText(old), "utf8")));
          const result = { seq: old.seq, provider, id, leafHash, receivedAt: old.receivedAt, replay: true };
          inGroup.set(key, { item: it, result });
          mark.keys.push(key);
          results.push(result);
          continue;
        }
        const seq = this.#frontier.size;
        const leafData =
          it.kind === "ack"
            ? ackEntryText({ v: 1, seq, receivedAt, ack: it.ack } satisfies AckEntry)
            : entryText({ v: 1, seq, receivedAt, record: it.record } satisfies Entry);
        const leaf = hashLeaf(Buffer.from(leafData, "utf8"));
        for (const n of this.#frontier.append(leaf)) nodes.push({ level: n.level, index: n.index, hashHex: toHex(n.hash) });
        entries.push(
          it.kind === "ack"
            ? { kind: "ack", seq, leafData, provider, id, exchangeSeq: it.exchangeSeq }
            : { seq, leafData, provider, id, dataset: it.record.dataset, derivedFrom: it.record.derivedFrom },
        );
        const result = { seq, provider, id, leafHash: toHex(leaf), receivedAt, replay: false };
        fresh.push(it);
        inGroup.set(key, { item: it, result });
        mark.keys.push(key);
        results.push(result);
      }
      if (conflict) {
        // Undo this submission only: earlier ones in the group stand.
        entries.length = mark.entries;
        nodes.length = mark.nodes;
        this.#frontier = mark.frontier;
        for (const key of mark.keys) inGroup.delete(key);
        p.reject(conflict);
        continue;
      }
      keys.push(...mark.keys);
      for (const it of fresh) if (it.kind === "exchange") addExchange(groupDelta, it.record);
      accepted.push({ p, results });
    }
    // Until this group is on disk, later groups learn of its keys from here, not from LevelDB.
    for (const key of keys) this.#inflight.set(key, inGroup.get(key)!);
    const counters = this.#counters.apply(groupDelta);
    return { accepted, entries, nodes, counters, counterKeys: new Set(groupDelta.keys()), newSize: this.#frontier.size, before, keys };
  }

  #snapshot(): Frontier {
    return this.#frontier.clone();
  }
}

function writeFailed(cause: string): LedgerError {
  return new LedgerError("INTERNAL", "the log could not be written; nothing of this request was stored", { cause });
}

export interface AppenderOptions {
  readonly maxGroup?: number;
  readonly maxQueued?: number;
  /** Called after each commit with the new size. */
  readonly onCommit?: (size: number) => void;
}

function conflictError(it: Item): LedgerError {
  const { provider, id, kind } = itemParty(it);
  return new LedgerError(
    "ID_CONFLICT",
    kind === "ack"
      ? `exchange ${id} of provider ${provider} was already acknowledged with other content`
      : `provider ${provider} already recorded id ${id} with other content`,
    { provider, id },
  );
}
