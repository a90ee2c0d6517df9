/**
 * Usage counters kept exact by construction: each group commit adds its new
 * exchanges' counts to the current values and writes them in the same LevelDB
 * batch as the entries (no second pass that could drift). Current values live
 * in a write-through cache (the appender is the only writer); a miss is read
 * from the store before the group is prepared.
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

/** Most counter values kept in memory; past it, the cache is emptied between groups. */
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
    const missing = [...new Set([...keys].filter((k) => !this.#cache.has(k)))];
    if (missing.length === 0) return;
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
      this.#cache.set(k, next);
      out.push({ key: k, value: `${next[0]},${next[1]}` });
    }
    return out;
  }

  /** After a failed write: forget everything (the store has the truth). */
  clear(): void {
    this.#cache.clear();
  }

  /** Between groups: past the limit, keeps only `protect` (keys of a group not yet written). */
  trim(protect: ReadonlySet<string>): void {
    if (this.#cache.size <= this.#max) return;
    for (const k of this.#cache.keys()) if (!protect.has(k)) this.#cache.delete(k);
  }
}

/** Adds one exchange to a delta map. */
export function addExchange(deltas: Map<string, [number, number]>, r: ExchangeRecord): void {
  for (const k of counterKeys(r)) {
    const d = deltas.get(k);
    if (d) {
      d[0] += 1;
      d[1] += r.recordCount;
    } else deltas.set(k, [1, r.recordCount]);
  }
}
