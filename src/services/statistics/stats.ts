/**
 * Usage statistics for regulators (SPEC §5), read from the counters alone —
 * never the entries — except for "as of" an older checkpoint, where the
 * entries added since are subtracted. Aggregates only: no record-level content.
 */
import { LedgerError } from "../../core/errors.ts";
import { splitPeriods } from "../../core/periods.ts";
import type { LogEntry } from "../../core/ack.ts";
import { dimensionValue, groupText } from "../../core/counter-coords.ts";
import type { Count, CounterFilter, CounterGroup, CounterStore } from "../../ports/counters.ts";
import type { LogStore } from "../../ports/store.ts";
import {
  DIM_OF,
  type FilterName,
  type Flow,
  type Group,
  type GroupBy,
  type UsageAnswer,
  type UsageQuery,
  type UsageStatistics,
} from "../../ports/api/stats.ts";

export { DIM_OF, type FilterName, type Group, type GroupBy, type UsageAnswer, type UsageQuery } from "../../ports/api/stats.ts";

/** A query that cannot be answered as asked, naming the parameter (as the HTTP layer's parameter errors do). */
function queryError(parameter: string, message: string): LedgerError {
  return new LedgerError("VALIDATION_FAILED", `invalid query parameter ${parameter}: ${message}`, [{ parameter, in: "query", message }]);
}

/** "As of" an old checkpoint costs one read per entry since; past this, refused. */
export const MAX_AS_OF_ENTRIES = 2_000_000;

export class StatsService implements UsageStatistics {
  readonly #counters: CounterStore;
  readonly #store: Pick<LogStore, "entriesFrom">;
  readonly #size: () => number;

  /** The counters, and the entries (read only for "as of" an older checkpoint). */
  constructor(store: Pick<LogStore, "entriesFrom"> & { readonly counters: CounterStore }, size: () => number) {
    this.#counters = store.counters;
    this.#store = store;
    this.#size = size;
  }

  /**
   * Counts per (day, group) for one query. With at most one filter any groupBy
   * works; with two, groupBy must be a time (the second filter is read as the
   * group of the first).
   */
  // eslint-disable-next-line complexity -- one branch per query shape (filter, group, granularity)
  async usage(q: UsageQuery, asOfSize?: number): Promise<UsageAnswer> {
    const size = this.#size();
    // Free text is matched by its NFC form, as the counters are keyed (see dimensionValue).
    // An absent filter may still be a key holding undefined (Partial<…> does not say so to Object.entries).
    const filters = (Object.entries(q.filters) as Array<[FilterName, string | undefined]>)
      .filter((f): f is [FilterName, string] => f[1] !== undefined)
      .map(([name, v]): [FilterName, string] => [name, name === "purpose" ? groupText(v) : v]);
    if (filters.length > 2) throw queryError(filters[2]![0], "at most two filters at once");
    const groupBy = q.groupBy;
    const timeGroup = groupBy === undefined || groupBy === "day" || groupBy === "month";
    if (filters.length === 2 && !timeGroup) throw queryError("groupBy", "with two filters, groupBy must be day or month");
    const filter: CounterFilter = filters[0] ? { dim: DIM_OF[filters[0][0]], value: filters[0][1] } : "*";
    let g: CounterGroup = "_";
    let gmatch: string | undefined;
    if (filters.length === 2) {
      g = DIM_OF[filters[1]![0]];
      gmatch = filters[1]![1];
    } else if (!timeGroup) {
      g = DIM_OF[groupBy];
    }
    const groups = new Map<string, [number, number]>();
    const total: [number, number] = [0, 0];
    const add = (key: string, v: Count) => {
      const cur = groups.get(key) ?? [0, 0];
      groups.set(key, [cur[0] + v[0], cur[1] + v[1]]);
    };
    // Grouping on the filtered dimension gives one group: read the filter's totals.
    const sameDim = g !== "_" && filter !== "*" && g === filter.dim;
    if (sameDim) g = "_";
    const each = (day: string, gval: string | undefined, v: Count) => {
      if (gmatch !== undefined && gval !== gmatch) return;
      total[0] += v[0];
      total[1] += v[1];
      if (groupBy === "day") add(day, v);
      else if (groupBy === "month") add(day.slice(0, 7), v);
      else if (sameDim) add(filters[0]![1], v);
      else if (groupBy !== undefined) add(gval!, v);
    };
    // Unfiltered and not by day: whole years and months come from the rollups (not by year when grouping by month).
    const periods =
      filter === "*" && groupBy !== "day" ? splitPeriods(q.from, q.to) : { days: [[q.from, q.to]] as Array<[string, string]>, months: [], years: null };
    const split =
      periods.years && groupBy === "month"
        ? { days: periods.days, months: [...periods.months, [`${periods.years[0]}-01`, `${periods.years[1]}-12`] as [string, string]], years: null }
        : periods;
    for (const [a, b] of split.days) await this.#counters.days(filter, g, a, b, each);
    for (const [a, b] of split.months) await this.#counters.months(g, a, b, (month, gval, v) => each(`${month}-01`, gval, v));
    if (split.years) await this.#counters.years(g, split.years[0], split.years[1], (year, gval, v) => each(`${year}-01-01`, gval, v));
    if (asOfSize !== undefined && asOfSize < size) {
      await this.#subtractSince(asOfSize, size, q, filters, (key, v) => add(key, v), total, groupBy);
    }
    const out: Group[] = [...groups].filter(([, v]) => v[0] !== 0).map(([key, v]) => ({ key, exchanges: v[0], records: v[1] }));
    if (timeGroup) out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    else out.sort((a, b) => b.exchanges - a.exchanges || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      from: q.from,
      to: q.to,
      filters: Object.fromEntries(filters),
      groupBy: groupBy ?? null,
      total: { exchanges: total[0], records: total[1] },
      groups: out,
      treeSize: asOfSize ?? size,
    };
  }

  /** Removes the contribution of entries [from, to) (added after an "as of" checkpoint). */
  async #subtractSince(
    from: number,
    to: number,
    q: UsageQuery,
    filters: Array<[FilterName, string]>,
    add: (key: string, v: [number, number]) => void,
    total: [number, number],
    groupBy: GroupBy | undefined,
  ): Promise<void> {
    if (to - from > MAX_AS_OF_ENTRIES) {
      throw queryError("asOf", `that checkpoint is ${to - from} entries old; "as of" reaches back at most ${MAX_AS_OF_ENTRIES}`);
    }
    for await (const [, text] of this.#store.entriesFrom(from)) {
      const e = JSON.parse(text) as LogEntry;
      if (e.seq >= to) break;
      if (!("record" in e)) continue;
      const r = e.record;
      const day = r.occurredAt.slice(0, 10);
      if (day < q.from || day > q.to) continue;
      if (!filters.every(([name, v]) => dimensionValue(r, DIM_OF[name]) === v)) continue;
      const v: [number, number] = [-1, -r.recordCount];
      total[0] += v[0];
      total[1] += v[1];
      if (groupBy === "day") add(day, v);
      else if (groupBy === "month") add(day.slice(0, 7), v);
      else if (groupBy !== undefined) add(dimensionValue(r, DIM_OF[groupBy]), v);
    }
  }

  /** Provider × consumer counts over the days [from, to]. */
  async flows(from: string, to: string, asOfSize?: number): Promise<Flow[]> {
    const cells = new Map<string, [number, number]>();
    const add = (pair: string, v: Count) => {
      const cur = cells.get(pair) ?? [0, 0];
      cells.set(pair, [cur[0] + v[0], cur[1] + v[1]]);
    };
    const split = splitPeriods(from, to);
    const pair = (provider: string, consumer: string, v: Count) => add(`${provider}:${consumer}`, v);
    for (const [a, b] of split.days) await this.#counters.flows("day", a, b, pair);
    for (const [a, b] of split.months) await this.#counters.flows("month", a, b, pair);
    if (split.years) await this.#counters.flows("year", split.years[0], split.years[1], pair);
    const size = this.#size();
    if (asOfSize !== undefined && asOfSize < size) {
      if (size - asOfSize > MAX_AS_OF_ENTRIES)
        throw queryError("asOf", `that checkpoint is ${size - asOfSize} entries old; "as of" reaches back at most ${MAX_AS_OF_ENTRIES}`);
      for await (const [seq, text] of this.#store.entriesFrom(asOfSize)) {
        if (seq >= size) break;
        const e = JSON.parse(text) as LogEntry;
        if (!("record" in e)) continue;
        const r = e.record;
        const day = r.occurredAt.slice(0, 10);
        if (day >= from && day <= to) add(`${r.provider}:${r.consumer}`, [-1, -r.recordCount]);
      }
    }
    return [...cells]
      .filter(([, v]) => v[0] !== 0)
      .map(([pair, v]) => {
        const [provider, consumer] = pair.split(":") as [string, string];
        return { provider, consumer, exchanges: v[0], records: v[1] };
      })
      .sort((a, b) => b.exchanges - a.exchanges || (a.provider + a.consumer < b.provider + b.consumer ? -1 : 1));
  }
}
