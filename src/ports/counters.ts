/**
 * The usage counters as the statistics services see them (SPEC §5): opaque
 * counter keys, their (exchanges, records) values, and range reads by day,
 * month and year. The LevelDB adapter owns the key layout; a key from
 * `keysOf` is only compared, cached and handed back.
 */
import type { CountedRecord, Dimension } from "../core/counter-coords.ts";

/** (exchanges, records). */
export type Count = readonly [number, number];

/** A filter: one dimension's value, or none ("*"). */
export type CounterFilter = { readonly dim: Dimension; readonly value: string } | "*";
/** What a range read groups by: a dimension, or nothing ("_": the totals). */
export type CounterGroup = Dimension | "_";

export interface CounterStore {
  /** Every counter one exchange adds to (per-day totals and groups per filter, its flow, monthly and yearly rollups). */
  keysOf(r: CountedRecord): readonly string[];
  /** Current values; a counter never written is (0, 0). */
  read(keys: readonly string[]): Promise<Count[]>;
  /** Per-day counters under `filter`, by `group`, for days [from, to] ("YYYY-MM-DD"). `groupValue` is undefined for "_". */
  days(
    filter: CounterFilter,
    group: CounterGroup,
    from: string,
    to: string,
    each: (day: string, groupValue: string | undefined, v: Count) => void,
  ): Promise<void>;
  /** Unfiltered monthly rollups for months [from, to] ("YYYY-MM"). */
  months(group: CounterGroup, from: string, to: string, each: (month: string, groupValue: string | undefined, v: Count) => void): Promise<void>;
  /** Unfiltered yearly rollups for years [from, to] ("YYYY"). */
  years(group: CounterGroup, from: string, to: string, each: (year: string, groupValue: string | undefined, v: Count) => void): Promise<void>;
  /** Provider → consumer counts per day, month or year over [from, to] in that period's form. */
  flows(period: "day" | "month" | "year", from: string, to: string, each: (provider: string, consumer: string, v: Count) => void): Promise<void>;
}
