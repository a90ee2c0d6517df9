/**
 * Usage counters kept exact by construction: each group commit adds its new
 * exchanges' counts to the current values and writes them in the same LevelDB
 * batch as the entries (no second pass that could drift). Current values live
 * in a write-through cache (the appender is the only writer); a miss is read
 * from the store before the group is prepared.
 *
 * Cost: a record's 34 keys depend only on its counter tuple (day, provider,
 * consumer, dataset, purpose). A group sums its records per tuple (one map
 * update per record), then adds each distinct tuple's sums to its keys, which
 * are built once per tuple and remembered (CounterKeyMemo).
 */
import { K } from "../adapters/leveldb/keys.ts";
import type { Store } from "../adapters/leveldb/store.ts";
import type { ExchangeRecord } from "../core/record.ts";

export const DIMENSIONS = ["d", "p", "c", "u"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * The group key of a record in one dimension. Free text (`purpose`) is
 * grouped by its NFC form, so canonically equivalent spellings (precomposed
 * "é" and "e" + U+0301) count as one group; the signed record keeps the bytes
 * as sent. Identifiers are ASCII and used as they are. The appender, reindex,
 * audit and "as of" queries all key counters through here: they MUST agree.
 */
export function dimensionValue(r: Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose">, d: Dimension): string {
  return d === "d" ? r.dataset : d === "p" ? r.provider : d === "c" ? r.consumer : groupText(r.purpose);
}

/** The form free text is grouped and filtered by: NFC. Requires well-formed text (the record schema checks it). */
export const groupText = (s: string): string => s.normalize("NFC");

/** Every counter key one exchange adds to (34: per-day totals and groups per filter, its flow, and the monthly and yearly rollups). */
export function counterKeys(r: Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose" | "occurredAt">): string[] {
  const day = r.occurredAt.slice(0, 10);
  const month = day.slice(0, 7);
  const year = day.slice(0, 4);
  const keys = [
    K.counter("*", "", "_", day), K.flow(day, r.provider, r.consumer),
    K.monthCounter("_", month), K.monthFlow(month, r.provider, r.consumer),
    K.yearCounter("_", year), K.yearFlow(year, r.provider, r.consumer),
  ];
  for (const g of DIMENSIONS) {
    keys.push(K.counter("*", "", g, day, dimensionValue(r, g)));
    keys.push(K.monthCounter(g, month, dimensionValue(r, g)));
    keys.push(K.yearCounter(g, year, dimensionValue(r, g)));
  }
  for (const f of DIMENSIONS) {
    const fval = dimensionValue(r, f);
    keys.push(K.counter(f, fval, "_", day));
    for (const g of DIMENSIONS) if (g !== f) keys.push(K.counter(f, fval, g, day, dimensionValue(r, g)));
  }
  return keys;
}

export const parseCounter = (v: string | undefined): [number, number] => {
  if (v === undefined) return [0, 0];
  const i = v.indexOf(",");
  return [Number(v.slice(0, i)), Number(v.slice(i + 1))];
};

/** Most counter values kept in memory; past it, the least recently written are forgotten between groups. */
export const DEFAULT_CACHE_MAX = 500_000;

export class StatsCounters {
  readonly #store: Store;
  readonly #cache = new Map<string, [number, number]>();
  readonly #max: number;

  constructor(store: Store, max = DEFAULT_CACHE_MAX) {
    this.#store = store;
    this.#max = max;
  }

  /** Reads the keys the cache does not hold. */
  async load(keys: Iterable<string>): Promise<void> {
    const want = new Set<string>();
    for (const k of keys) if (!this.#cache.has(k)) want.add(k);
    if (want.size === 0) return;
    const missing = [...want];
    const vals = await this.#store.db.getMany(missing);
    missing.forEach((k, i) => {
      if (!this.#cache.has(k)) this.#cache.set(k, parseCounter(vals[i]));
    });
  }

  /** Adds a group's deltas; returns the new values to write. Every key MUST have been loaded. */
  apply(deltas: Map<string, [number, number]>): Array<{ key: string; value: string }> {
    const out: Array<{ key: string; value: string }> = [];
    for (const [k, [e, r]] of deltas) {
      const cur = this.#cache.get(k);
      if (!cur) throw new Error(`stats: counter ${k} was not loaded`);
      const next: [number, number] = [cur[0] + e, cur[1] + r];
      // Re-inserted: the Map's order is least recently written first (what trim forgets).
      this.#cache.delete(k);
      this.#cache.set(k, next);
      out.push({ key: k, value: `${next[0]},${next[1]}` });
    }
    return out;
  }

  /** After a failed write: forget everything (the store has the truth). */
  clear(): void {
    this.#cache.clear();
  }

  /**
   * Between groups: past the limit, forgets the least recently written values
   * down to 3/4 of it, never one of `protect` (keys of a group not yet written).
   * Counters are keyed by day, month and year: the cold ones are old periods.
   */
  trim(protect: ReadonlySet<string>): void {
    if (this.#cache.size <= this.#max) return;
    const target = Math.floor((this.#max * 3) / 4);
    for (const k of this.#cache.keys()) {
      if (this.#cache.size <= target) break;
      if (!protect.has(k)) this.#cache.delete(k);
    }
  }
}

/**
 * The coordinates a record's counter keys depend on, as one string: two
 * records with the same tuple add to exactly the same keys. "\n" cannot occur
 * in an id or a date, and the purpose (which refuses control characters) is last.
 */
export function counterTuple(r: Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose" | "occurredAt">): string {
  return `${r.occurredAt.slice(0, 10)}\n${r.provider}\n${r.consumer}\n${r.dataset}\n${r.purpose}`;
}

/** Most tuples whose keys are remembered; past it, the memo is emptied. */
export const DEFAULT_KEY_MEMO_MAX = 20_000;

/** counterKeys per counter tuple, remembered (tuples repeat: the same flows and datasets, day after day). */
export class CounterKeyMemo {
  readonly #memo = new Map<string, readonly string[]>();
  readonly #max: number;

  constructor(max = DEFAULT_KEY_MEMO_MAX) {
    this.#max = max;
  }

  /** `tuple` MUST be `counterTuple(r)`. Throws what counterKeys throws. */
  keys(tuple: string, r: ExchangeRecord): readonly string[] {
    let k = this.#memo.get(tuple);
    if (k === undefined) {
      k = counterKeys(r);
      if (this.#memo.size >= this.#max) this.#memo.clear();
      this.#memo.set(tuple, k);
    }
    return k;
  }
}

/** Adds one exchange to a per-tuple sum (exchanges, records). */
export function addToTuple(sums: Map<string, [number, number]>, tuple: string, recordCount: number): void {
  const d = sums.get(tuple);
  if (d) {
    d[0] += 1;
    d[1] += recordCount;
  } else sums.set(tuple, [1, recordCount]);
}

/** Spreads per-tuple sums over their counter keys; `keysOf` MUST know every tuple of `sums`. */
export function spreadTuples(sums: ReadonlyMap<string, readonly [number, number]>, keysOf: ReadonlyMap<string, readonly string[]>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const [tuple, [e, n]] of sums) {
    for (const k of keysOf.get(tuple)!) {
      const d = out.get(k);
      if (d) {
        d[0] += e;
        d[1] += n;
      } else out.set(k, [e, n]);
    }
  }
  return out;
}
