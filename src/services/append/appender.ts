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
 *
 * A group goes through `vetGroup` (each submission's counter keys),
 * `lookupGroup` (stored seqs and counters), `prepareSubmission` for each
 * submission (seqs, leaves, tree nodes), then one write; those functions
 * follow the class, in that order.
 */
import { canonicalJson, entryText, normalizeRecord, type Entry, type ExchangeRecord } from "../../core/record.ts";
import { ackEntryText, logEntryText, type AckEntry, type Acknowledgement, type LogEntry } from "../../core/ack.ts";
import { LedgerError } from "../../core/errors.ts";
import { Frontier } from "../../core/merkle/frontier.ts";
import { hashLeaf } from "../../core/merkle/hash.ts";
import { decompose } from "../../core/merkle/range.ts";
import { fromHex, toHex } from "../../core/hex.ts";
import { counterTuple } from "../../core/counter-coords.ts";
import type { AckWrite, CounterWrite, IndexedEntry, LogStore } from "../../ports/store.ts";
import type { AppendResult, LogAppender } from "../../ports/api/ledger.ts";
import type { CounterStore } from "../../ports/counters.ts";
import { NO_METRICS, type AppendMetrics } from "../../ports/metrics.ts";
import { KnownKeys } from "./known-keys.ts";
import { addToTuple, CounterKeyMemo, spreadTuples, StatsCounters } from "../statistics/counters.ts";

export type { AppendResult } from "../../ports/api/ledger.ts";

export const DEFAULT_MAX_GROUP = 2000;
export const DEFAULT_MAX_QUEUED = 100_000;

/** What the appender reads and writes: the log, and the usage counters it keeps in step. */
export type AppendStore = Pick<LogStore, "size" | "nodes" | "entry" | "entries" | "seqsByProviderId" | "providerIdKeys" | "append"> & {
  readonly counters: CounterStore;
};

export interface AppenderOptions {
  readonly maxGroup?: number;
  readonly maxQueued?: number;
  /** Called after each commit with the new size. */
  readonly onCommit?: (size: number) => void;
  /** Told of every committed group (default: no metrics). */
  readonly metrics?: AppendMetrics;
}

/** What can be appended: an exchange, or a consumer's acknowledgement of one. */
type Item =
  { readonly kind: "exchange"; readonly record: ExchangeRecord } | { readonly kind: "ack"; readonly ack: Acknowledgement; readonly exchangeSeq: number };

/** A submission in the queue, answered once its group is written (or refused alone). */
interface Pending {
  readonly items: readonly Item[];
  readonly resolve: (r: AppendResult[]) => void;
  readonly reject: (e: unknown) => void;
}

/** An idempotency key's item and the result it got, in this group or one in flight. */
interface Known {
  readonly item: Item;
  readonly result: AppendResult;
}

/** What the store holds of a group's items: each one's seq (undefined when new) and those entries. */
interface Lookup {
  readonly seqs: Array<number | undefined>;
  readonly entries: Map<number, LogEntry>;
}

/** A group ready to write: its batch, the submissions it answers, and the tree to go back to. */
interface Prepared {
  readonly accepted: Array<{ p: Pending; results: AppendResult[] }>;
  readonly entries: Array<IndexedEntry | AckWrite>;
  readonly nodes: Array<{ level: number; index: number; hashHex: string }>;
  /** New values of the usage counters this group changes. */
  readonly counters: CounterWrite[];
  readonly counterKeys: ReadonlySet<string>;
  readonly newSize: number;
  /** The tree before this group, to go back to if its write fails. */
  readonly before: Frontier;
  readonly keys: readonly string[];
}

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

/**
 * Before a group is looked up: builds each submission's counter keys (per
 * counter tuple) inside its own try. A submission whose keys cannot be built
 * is refused alone (with its own error, logged by the HTTP layer) and the
 * rest of the group goes on.
 */
function vetGroup(taken: readonly Pending[], memo: CounterKeyMemo): { group: Pending[]; tupleKeys: Map<string, readonly string[]> } {
  const group: Pending[] = [];
  const tupleKeys = new Map<string, readonly string[]>();
  for (const p of taken) {
    try {
      const mine: Array<[string, readonly string[]]> = [];
      for (const it of p.items) {
        if (it.kind !== "exchange") continue;
        const t = counterTuple(it.record);
        mine.push([t, memo.keys(t, it.record)]);
      }
      group.push(p);
      for (const [t, k] of mine) tupleKeys.set(t, k);
    } catch (e) {
      p.reject(e);
    }
  }
  return { group, tupleKeys };
}

/**
 * Before a group is prepared: the stored seqs and entries of its
 * provider+id keys (read only for keys the filter may have seen), and the
 * current values of every usage counter it may change.
 *
 * `counterKeys`: every counter key the items may change, built beforehand per
 * submission (`vetGroup`).
 */
async function lookupGroup(
  store: Pick<LogStore, "seqsByProviderId" | "entries">,
  seen: KnownKeys,
  counters: StatsCounters,
  items: readonly Item[],
  counterKeys: Iterable<string>,
): Promise<Lookup> {
  const counterLoad = counters.load(counterKeys);
  // Awaited below after the lookups; a rejection meanwhile must not go unhandled (the lookups' own failure is the one thrown).
  counterLoad.catch(() => undefined);
  const maybe: number[] = [];
  for (let i = 0; i < items.length; i++) if (seen.mightContain(itemKey(items[i]!))) maybe.push(i);
  const seqs = new Array<number | undefined>(items.length);
  if (maybe.length === 0) {
    await counterLoad;
    return { seqs, entries: new Map() };
  }
  const got = await store.seqsByProviderId(maybe.map((i) => itemParty(items[i]!)));
  maybe.forEach((i, j) => (seqs[i] = got[j]));
  const hitSeqs = [...new Set(seqs.filter((s): s is number => s !== undefined))];
  const raw = await store.entries(hitSeqs);
  await counterLoad;
  return { seqs, entries: new Map(hitSeqs.map((s, i) => [s, JSON.parse(raw[i]!) as LogEntry])) };
}

/** Every counter key of a group, from its keys per counter tuple (repeats included: `load` skips them). */
function* allKeys(tupleKeys: ReadonlyMap<string, readonly string[]>): Generator<string> {
  for (const keys of tupleKeys.values()) yield* keys;
}

/** What `prepareSubmission` works on: the group's lists, appended to in place. */
interface PrepareContext {
  /** The tree, appended to in place. */
  readonly frontier: Frontier;
  /** Keys of groups prepared but not yet on disk. */
  readonly inflight: ReadonlyMap<string, Known>;
  readonly found: Lookup;
  /** Index of this submission's first item in the group's lookup. */
  readonly first: number;
  readonly receivedAt: string;
  /** This submission's new idempotency keys (out). */
  readonly keys: string[];
  readonly inGroup: Map<string, Known>;
  readonly entries: Prepared["entries"];
  readonly nodes: Prepared["nodes"];
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

/**
 * One submission's part of a commit group: idempotency (replay or conflict)
 * against the group, the groups in flight and the store, then seqs, leaf data
 * and tree nodes for its new items, appended to the group's lists.
 *
 * Contract: MAY throw; the caller then undoes this submission alone (its
 * entries, nodes, frontier and keys), never the group.
 */
function prepareSubmission(p: Pick<Pending, "items">, ctx: PrepareContext): { results: AppendResult[]; fresh: Item[]; conflict?: LedgerError } {
  const { frontier, inflight, found, first, receivedAt, keys, inGroup, entries, nodes } = ctx;
  const results: AppendResult[] = [];
  const fresh: Item[] = [];
  let conflict: LedgerError | undefined;
  let k = first;
  for (const it of p.items) {
    const seqHit = found.seqs[k++];
    const key = itemKey(it);
    const { provider, id } = itemParty(it);
    const prior = inGroup.get(key) ?? inflight.get(key);
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
      keys.push(key);
      results.push(result);
      continue;
    }
    const seq = frontier.size;
    const leafData =
      it.kind === "ack"
        ? ackEntryText({ v: 1, seq, receivedAt, ack: it.ack } satisfies AckEntry)
        : entryText({ v: 1, seq, receivedAt, record: it.record } satisfies Entry);
    const leaf = hashLeaf(Buffer.from(leafData, "utf8"));
    for (const n of frontier.append(leaf)) nodes.push({ level: n.level, index: n.index, hashHex: toHex(n.hash) });
    entries.push(
      it.kind === "ack"
        ? { kind: "ack", seq, leafData, provider, id, exchangeSeq: it.exchangeSeq }
        : {
            seq,
            leafData,
            provider,
            id,
            dataset: it.record.dataset,
            derivedFrom: it.record.derivedFrom,
            consumer: it.record.consumer,
            occurredAt: it.record.occurredAt,
          },
    );
    const result = { seq, provider, id, leafHash: toHex(leaf), receivedAt, replay: false };
    fresh.push(it);
    inGroup.set(key, { item: it, result });
    keys.push(key);
    results.push(result);
  }
  return conflict ? { results, fresh, conflict } : { results, fresh };
}

/** The idempotency key: "provider:id" for exchanges, "ack|provider:id" for acknowledgements. */
function itemKey(it: Item): string {
  return it.kind === "ack" ? `ack|${it.ack.provider}:${it.ack.id}` : `${it.record.provider}:${it.record.id}`;
}

function itemParty(it: Item): { provider: string; id: string; kind: "exchange" | "ack" } {
  const r = it.kind === "ack" ? it.ack : it.record;
  return { provider: r.provider, id: r.id, kind: it.kind };
}

/** Same content as what an entry holds (a replay), or not (a conflict). */
function sameContent(it: Item, e: LogEntry | Item): boolean {
  const a = it.kind === "ack" ? it.ack : it.record;
  const b = "kind" in e ? (e.kind === "ack" ? e.ack : e.record) : "ack" in e ? e.ack : e.record;
  return a === b || canonicalJson(a) === canonicalJson(b);
}

/** How many of a group's new entries are exchanges and how many acknowledgements. */
function entryKinds(entries: Prepared["entries"]): { exchanges: number; acks: number } {
  const acks = entries.filter((e) => e.kind === "ack").length;
  return { exchanges: entries.length - acks, acks };
}

function writeFailed(cause: string): LedgerError {
  return new LedgerError("INTERNAL", "the log could not be written; nothing of this request was stored", { cause });
}
