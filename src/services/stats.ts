/**
 * Usage statistics for regulators (SPEC §5), read from the counters alone —
 * never the entries — except for "as of" an older checkpoint, where the
 * entries added since are subtracted. Aggregates only: no record-level content.
 */
import { LedgerError } from "../core/errors.ts";
import { K } from "../adapters/leveldb/keys.ts";
import { splitPeriods } from "../core/periods.ts";
import type { Store } from "../adapters/leveldb/store.ts";
import type { Entry } from "../core/record.ts";
import type { LogEntry } from "../core/ack.ts";
import { dimensionValue, groupText, parseCounter, type Dimension } from "./stats-counters.ts";

export const DIM_OF = { dataset: "d", provider: "p", consumer: "c", purpose: "u" } as const;
export type FilterName = keyof typeof DIM_OF;
export type GroupBy = "day" | "month" | FilterName;

export interface UsageQuery {
  readonly from: string;
  readonly to: string;
  readonly filters: Partial<Record<FilterName, string>>;
  readonly groupBy?: GroupBy;
}

export interface Group {
  key: string;
  exchanges: number;
  records: number;
}

export interface UsageAnswer {
  readonly from: string;
  readonly to: string;
  readonly filters: Partial<Record<FilterName, string>>;
  readonly groupBy: GroupBy | null;
  readonly total: { exchanges: number; records: number };
  readonly groups: Group[];
  /** The log size these figures cover. */
  readonly treeSize: number;
}

/** A query that cannot be answered as asked, naming the parameter (as the HTTP layer's parameter errors do). */
function queryError(parameter: string, message: string): LedgerError {
  return new LedgerError("VALIDATION_FAILED", `invalid query parameter ${parameter}: ${message}`, [{ parameter, in: "query", message }]);
}

/** "As of" an old checkpoint costs one read per entry since; past this, refused. */
export const MAX_AS_OF_ENTRIES = 2_000_000;

export class StatsService {
  readonly #store: Store;
  readonly #size: () => number;

  constructor(store: Store, size: () => number) {
    this.#store = store;
    this.#size = size;
  }

  async #scan(gte: string, lte: string, each: (key: string, v: [number, number]) => void): Promise<void> {
    for await (const [k, v] of this.#store.db.iterator({ gte, lte })) each(k, parseCounter(v));
  }

  /**
   * Counts per (day, group) for one query. With at most one filter any groupBy
   * works; with two, groupBy must be a time (the second filter is read as the
   * group of the first).
   */
  async usage(q: UsageQuery, asOfSize?: number): Promise<UsageAnswer> {
    const size = this.#size();
    // Free text is matched by its NFC form, as the counters are keyed (see dimensionValue).
    const filters = (Object.entries(q.filters).filter(([, v]) => v !== undefined) as Array<[FilterName, string]>).map(
      ([name, v]): [FilterName, string] => [name, name === "purpose" ? groupText(v) : v],
    );
    if (filters.length > 2) throw queryError(filters[2]![0], "at most two filters at once");
    const groupBy = q.groupBy;
    const timeGroup = groupBy === undefined || groupBy === "day" || groupBy === "month";
    if (filters.length === 2 && !timeGroup) throw queryError("groupBy", "with two filters, groupBy must be day or month");
    const [f, fval] = filters[0] ? [DIM_OF[filters[0][0]], filters[0][1]] : ["*", ""];
    let g: string = "_";
    let gmatch: string | undefined;
    if (filters.length === 2) {
      g = DIM_OF[filters[1]![0]];
      gmatch = encodeURIComponent(filters[1]![1]);
    } else if (!timeGroup) {
      g = DIM_OF[groupBy as FilterName];
    }
    const groups = new Map<string, [number, number]>();
    const total: [number, number] = [0, 0];
    const add = (key: string, v: [number, number]) => {
      const cur = groups.get(key) ?? [0, 0];
      groups.set(key, [cur[0] + v[0], cur[1] + v[1]]);
    };
    // Grouping on the filtered dimension gives one group: read the filter's totals.
    const sameDim = g !== "_" && g === f;
    if (sameDim) g = "_";
    const each = (day: string, gval: string | undefined, v: [number, number]) => {
      if (gmatch !== undefined && gval !== gmatch) return;
      total[0] += v[0];
      total[1] += v[1];
      if (groupBy === "day") add(day, v);
      else if (groupBy === "month") add(day.slice(0, 7), v);
      else if (sameDim) add(fval, v);
      else if (groupBy !== undefined) add(decodeURIComponent(gval!), v);
    };
    // Unfiltered and not by day: whole years and months come from the rollups (not by year when grouping by month).
    const periods = f === "*" && groupBy !== "day" ? splitPeriods(q.from, q.to) : { days: [[q.from, q.to]] as Array<[string, string]>, months: [], years: null };
    const split =
      periods.years && groupBy === "month"
        ? { days: periods.days, months: [...periods.months, [`${periods.years[0]}-01`, `${periods.years[1]}-12`] as [string, string]], years: null }
        : periods;
    const prefix = K.counterPrefix(f, fval, g);
    for (const [a, b] of split.days) {
      await this.#scan(`${prefix}${a}`, `${prefix}${b}\xff`, (key, v) => {
        const rest = key.slice(prefix.length);
        each(rest.slice(0, 10), g === "_" ? undefined : rest.slice(11), v);
      });
    }
    const mp = K.monthCounterPrefix(g);
    for (const [a, b] of split.months) {
      await this.#scan(`${mp}${a}`, `${mp}${b}\xff`, (key, v) => {
        const rest = key.slice(mp.length);
        each(`${rest.slice(0, 7)}-01`, g === "_" ? undefined : rest.slice(8), v);
      });
    }
    if (split.years) {
      const yp = K.yearCounterPrefix(g);
      await this.#scan(`${yp}${split.years[0]}`, `${yp}${split.years[1]}\xff`, (key, v) => {
        const rest = key.slice(yp.length);
        each(`${rest.slice(0, 4)}-01-01`, g === "_" ? undefined : rest.slice(5), v);
      });
    }
    if (asOfSize !== undefined && asOfSize < size) {
      await this.#subtractSince(asOfSize, size, q, filters, (key, v) => add(key, v), total, groupBy);
    }
    const out: Group[] = [...groups].filter(([, v]) => v[0] !== 0).map(([key, v]) => ({ key, exchanges: v[0], records: v[1] }));
    if (timeGroup) out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    else out.sort((a, b) => b.exchanges - a.exchanges || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { from: q.from, to: q.to, filters: Object.fromEntries(filters), groupBy: groupBy ?? null, total: { exchanges: total[0], records: total[1] }, groups: out, treeSize: asOfSize ?? size };
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
      const r = (e as Entry).record;
      const day = r.occurredAt.slice(0, 10);
      if (day < q.from || day > q.to) continue;
      if (!filters.every(([name, v]) => dimensionValue(r, DIM_OF[name] as Dimension) === v)) continue;
      const v: [number, number] = [-1, -r.recordCount];
      total[0] += v[0];
      total[1] += v[1];
      if (groupBy === "day") add(day, v);
      else if (groupBy === "month") add(day.slice(0, 7), v);
      else if (groupBy !== undefined) add(dimensionValue(r, DIM_OF[groupBy]), v);
    }
  }

  /** Provider × consumer counts over the days [from, to]. */
  async flows(from: string, to: string, asOfSize?: number): Promise<Array<{ provider: string; consumer: string; exchanges: number; records: number }>> {
    const cells = new Map<string, [number, number]>();
    const add = (pair: string, v: [number, number]) => {
      const cur = cells.get(pair) ?? [0, 0];
      cells.set(pair, [cur[0] + v[0], cur[1] + v[1]]);
    };
    const split = splitPeriods(from, to);
    for (const [a, b] of split.days) {
      await this.#scan(`${K.flowPrefix}${a}`, `${K.flowPrefix}${b}\xff`, (key, v) => add(key.slice(K.flowPrefix.length + 11), v));
    }
    for (const [a, b] of split.months) {
      await this.#scan(`${K.monthFlowPrefix}${a}`, `${K.monthFlowPrefix}${b}\xff`, (key, v) => add(key.slice(K.monthFlowPrefix.length + 8), v));
    }
    if (split.years) {
      await this.#scan(`${K.yearFlowPrefix}${split.years[0]}`, `${K.yearFlowPrefix}${split.years[1]}\xff`, (key, v) => add(key.slice(K.yearFlowPrefix.length + 5), v));
    }
    const size = this.#size();
    if (asOfSize !== undefined && asOfSize < size) {
      if (size - asOfSize > MAX_AS_OF_ENTRIES) throw queryError("asOf", `that checkpoint is ${size - asOfSize} entries old; "as of" reaches back at most ${MAX_AS_OF_ENTRIES}`);
      for await (const [seq, text] of this.#store.entriesFrom(asOfSize)) {
        if (seq >= size) break;
        const e = JSON.parse(text) as LogEntry;
        if (!("record" in e)) continue;
        const r = (e as Entry).record;
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
