/**
 * The usage counters in LevelDB (keys.ts: q:, f:, r:, y:): a record's counter
 * keys, their values ("exchanges,records") and the range reads statistics
 * make. Group values are URI-encoded in keys and decoded here.
 */
import type { Level } from "level";
import { DIMENSIONS, dimensionValue, type CountedRecord, type Dimension } from "../../core/counter-coords.ts";
import type { Count, CounterFilter, CounterGroup, CounterStore } from "../../ports/counters.ts";
import { K } from "./keys.ts";

/**
 * Every counter key one exchange adds to (34: per-day totals and groups per
 * filter, its flow, and the monthly and yearly rollups). The hot path of
 * ingest and reindex: each dimension's value is grouped (NFC) and URI-encoded
 * once, not once per key it appears in.
 */
export function counterKeys(r: CountedRecord): string[] {
  const day = r.occurredAt.slice(0, 10);
  const month = day.slice(0, 7);
  const year = day.slice(0, 4);
  const enc = { d: "", p: "", c: "", u: "" } satisfies Record<Dimension, string>;
  for (const g of DIMENSIONS) enc[g] = encodeURIComponent(dimensionValue(r, g));
  const keys = [
    K.counterEncoded("*", "", "_", day),
    K.flow(day, r.provider, r.consumer),
    K.monthCounterEncoded("_", month),
    K.monthFlow(month, r.provider, r.consumer),
    K.yearCounterEncoded("_", year),
    K.yearFlow(year, r.provider, r.consumer),
  ];
  for (const g of DIMENSIONS)
    keys.push(K.counterEncoded("*", "", g, day, enc[g]), K.monthCounterEncoded(g, month, enc[g]), K.yearCounterEncoded(g, year, enc[g]));
  for (const f of DIMENSIONS) {
    keys.push(K.counterEncoded(f, enc[f], "_", day));
    for (const g of DIMENSIONS) if (g !== f) keys.push(K.counterEncoded(f, enc[f], g, day, enc[g]));
  }
  return keys;
}

/** Key prefixes of the counters (what reindex and audit compare). */
export const COUNTER_PREFIXES = ["f:", "q:", "r:", "y:"] as const;

export const formatCount = (v: Count): string => `${v[0]},${v[1]}`;

export const parseCount = (v: string | undefined): [number, number] => {
  if (v === undefined) return [0, 0];
  const i = v.indexOf(",");
  return [Number(v.slice(0, i)), Number(v.slice(i + 1))];
};

/** The group value after `len` characters of period and one ":" (undefined for the totals). */
const groupAt = (rest: string, len: number, group: CounterGroup): string | undefined => (group === "_" ? undefined : decodeURIComponent(rest.slice(len + 1)));

export class LevelCounters implements CounterStore {
  readonly #db: Level;

  constructor(db: Level) {
    this.#db = db;
  }

  keysOf(r: CountedRecord): readonly string[] {
    return counterKeys(r);
  }

  async read(keys: readonly string[]): Promise<Count[]> {
    if (keys.length === 0) return [];
    return (await this.#db.getMany(keys as string[])).map(parseCount);
  }

  async #scan(prefix: string, from: string, to: string, each: (rest: string, v: Count) => void): Promise<void> {
    for await (const [k, v] of this.#db.iterator({ gte: `${prefix}${from}`, lte: `${prefix}${to}\xff` })) each(k.slice(prefix.length), parseCount(v));
  }

  async days(
    filter: CounterFilter,
    group: CounterGroup,
    from: string,
    to: string,
    each: (day: string, g: string | undefined, v: Count) => void,
  ): Promise<void> {
    const prefix = filter === "*" ? K.counterPrefix("*", "", group) : K.counterPrefix(filter.dim, filter.value, group);
    await this.#scan(prefix, from, to, (rest, v) => each(rest.slice(0, 10), groupAt(rest, 10, group), v));
  }

  async months(group: CounterGroup, from: string, to: string, each: (month: string, g: string | undefined, v: Count) => void): Promise<void> {
    await this.#scan(K.monthCounterPrefix(group), from, to, (rest, v) => each(rest.slice(0, 7), groupAt(rest, 7, group), v));
  }

  async years(group: CounterGroup, from: string, to: string, each: (year: string, g: string | undefined, v: Count) => void): Promise<void> {
    await this.#scan(K.yearCounterPrefix(group), from, to, (rest, v) => each(rest.slice(0, 4), groupAt(rest, 4, group), v));
  }

  async flows(period: "day" | "month" | "year", from: string, to: string, each: (provider: string, consumer: string, v: Count) => void): Promise<void> {
    const [prefix, len] = period === "day" ? [K.flowPrefix, 10] : period === "month" ? [K.monthFlowPrefix, 7] : [K.yearFlowPrefix, 4];
    await this.#scan(prefix, from, to, (rest, v) => {
      const pair = rest.slice(len + 1);
      const i = pair.indexOf(":");
      each(pair.slice(0, i), pair.slice(i + 1), v);
    });
  }
}
