/**
 * Every derived index key, rebuilt from the entries alone: the id and
 * acknowledgement indexes, the unacknowledged set, the dataset and lineage
 * index, the department index, and the usage counters. Used by `reindex` (rebuild and prove
 * equality) and `audit` (recompute statistics). Holds the keys in memory.
 */
import type { Level } from "level";
import { isAckEntry, type LogEntry } from "../../core/ack.ts";
import type { CountedRecord } from "../../core/counter-coords.ts";
import { counterKeys } from "./counter-store.ts";
import { departmentKeys, indexKeys, K, prefixEnd } from "./keys.ts";
import type { LogStore } from "../../ports/store.ts";
import type { Entry } from "../../core/record.ts";

type Store = Pick<LogStore, "size" | "entriesFrom"> & { readonly db: Level };

export { COUNTER_PREFIXES } from "./counter-store.ts";

/** Key prefixes of derived data (everything else is entries, tree, checkpoints, tokens, config). */
export const DERIVED_PREFIXES = ["a:", "f:", "p:", "q:", "r:", "u:", "x:", "y:"] as const;

export class DerivedIndexes {
  readonly #plain = new Map<string, string>();
  readonly #counters = new Map<string, [number, number]>();
  readonly #withCounters: boolean;
  readonly #withPlain: boolean;

  constructor(opts: { counters?: boolean; plain?: boolean } = {}) {
    this.#withCounters = opts.counters ?? true;
    this.#withPlain = opts.plain ?? true;
  }

  /** Entries MUST come in seq order (an acknowledgement removes its exchange from u:). */
  add(e: LogEntry): void {
    if (isAckEntry(e)) {
      if (!this.#withPlain) return;
      this.#plain.set(K.ackOf(e.ack.provider, e.ack.id), String(e.seq));
      const target = this.#plain.get(K.byProvider(e.ack.provider, e.ack.id));
      if (target !== undefined) this.#plain.delete(K.unacknowledged(Number(target)));
      return;
    }
    const r = e.record;
    if (this.#withPlain) {
      this.#plain.set(K.byProvider(r.provider, r.id), String(e.seq));
      this.#plain.set(K.unacknowledged(e.seq), "");
      for (const k of indexKeys({ seq: e.seq, dataset: r.dataset, derivedFrom: r.derivedFrom })) this.#plain.set(k, "");
      for (const k of departmentKeys({ seq: e.seq, provider: r.provider, consumer: r.consumer, occurredAt: r.occurredAt })) this.#plain.set(k, "");
    }
    if (this.#withCounters) this.addCounts(r);
  }

  /** Adds one exchange to the counters (the entry's other indexes aside). */
  addCounts(r: CountedRecord & { readonly recordCount: number }): void {
    for (const k of counterKeys(r)) {
      const c = this.#counters.get(k);
      if (c) {
        c[0] += 1;
        c[1] += r.recordCount;
      } else this.#counters.set(k, [1, r.recordCount]);
    }
  }

  /** key → value of every derived key. */
  get(key: string): string | undefined {
    const c = this.#counters.get(key);
    return c ? `${c[0]},${c[1]}` : this.#plain.get(key);
  }

  *keys(): Generator<string> {
    yield* this.#plain.keys();
    yield* this.#counters.keys();
  }

  get size(): number {
    return this.#plain.size + this.#counters.size;
  }
}

export interface DerivedDiff {
  readonly key: string;
  readonly live: string | null;
  readonly rebuilt: string | null;
}

/** Differences between the live keys under `prefixes` and the rebuilt ones. */
export async function compareDerived(
  store: { readonly db: Level },
  d: DerivedIndexes,
  prefixes: readonly string[],
  max = 1000,
): Promise<{ diffs: DerivedDiff[]; total: number; compared: number }> {
  const diffs: DerivedDiff[] = [];
  const seen = new Set<string>();
  let total = 0;
  let compared = 0;
  for (const prefix of prefixes) {
    for await (const [k, v] of store.db.iterator({ gte: prefix, lt: prefixEnd(prefix) })) {
      compared++;
      seen.add(k);
      const want = d.get(k);
      if (want !== v) {
        total++;
        if (diffs.length < max) diffs.push({ key: k, live: v, rebuilt: want ?? null });
      }
    }
  }
  for (const k of d.keys()) {
    if (seen.has(k) || !prefixes.some((p) => k.startsWith(p))) continue;
    total++;
    if (diffs.length < max) diffs.push({ key: k, live: null, rebuilt: d.get(k)! });
  }
  return { diffs, total, compared };
}

/** Rebuilds from every entry in the store. */
export async function deriveFromStore(store: Store, opts?: { counters?: boolean; plain?: boolean }, progress?: (n: number) => void): Promise<DerivedIndexes> {
  const d = new DerivedIndexes(opts);
  const size = await store.size();
  let n = 0;
  for await (const [seq, text] of store.entriesFrom(0)) {
    if (seq >= size) break;
    d.add(JSON.parse(text) as LogEntry);
    if (++n % 10_000 === 0) progress?.(n);
  }
  return d;
}

/** Replaces every live derived key with the rebuilt set (batches of 10 000 operations). */
export async function writeDerived(store: Store, d: DerivedIndexes): Promise<void> {
  let ops: Array<{ type: "put"; key: string; value: string } | { type: "del"; key: string }> = [];
  const flush = async () => {
    if (ops.length) await store.db.batch(ops, { sync: true });
    ops = [];
  };
  for (const prefix of DERIVED_PREFIXES) {
    for await (const k of store.db.keys({ gte: prefix, lt: prefixEnd(prefix) })) {
      if (d.get(k) === undefined) ops.push({ type: "del", key: k });
      if (ops.length >= 10_000) await flush();
    }
  }
  for (const k of d.keys()) {
    ops.push({ type: "put", key: k, value: d.get(k)! });
    if (ops.length >= 10_000) await flush();
  }
  await flush();
}

/** level types get as always finding the key; it answers undefined for a missing one (see Store#read). */
const valueAt = (db: Level, key: string): Promise<string | undefined> => db.get(key);

/** The record of an exchange entry; undefined for an acknowledgement, or for a damaged entry (the audit reports those). */
function exchangeOf(text: string): { provider: string; consumer: string; occurredAt: string } | undefined {
  try {
    const e = JSON.parse(text) as LogEntry;
    const r = isAckEntry(e) ? undefined : (e.record as Partial<Entry["record"]> | undefined);
    return typeof r?.provider === "string" && typeof r.consumer === "string" && typeof r.occurredAt === "string"
      ? { provider: r.provider, consumer: r.consumer, occurredAt: r.occurredAt }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the department index (x:p:, x:c:) of a data dir written before it
 * existed, from the entries, once: the marker key K.departmentIndexDone says
 * it is complete (appends write these keys from then on). A new data dir is
 * marked at once. Idempotent: an interrupted build is redone at the next open.
 */
export async function ensureDepartmentIndex(store: Pick<LogStore, "size" | "entriesFrom"> & { readonly db: Level }): Promise<void> {
  if ((await valueAt(store.db, K.departmentIndexDone)) !== undefined) return;
  const size = await store.size();
  let ops: Array<{ type: "put"; key: string; value: string }> = [];
  for await (const [seq, text] of store.entriesFrom(0)) {
    if (seq >= size) break;
    const r = exchangeOf(text);
    if (r)
      for (const key of departmentKeys({ seq, provider: r.provider, consumer: r.consumer, occurredAt: r.occurredAt }))
        ops.push({ type: "put", key, value: "" });
    if (ops.length >= 10_000) {
      await store.db.batch(ops, { sync: true });
      ops = [];
    }
  }
  ops.push({ type: "put", key: K.departmentIndexDone, value: "1" });
  await store.db.batch(ops, { sync: true });
}
