/**
 * Usage statistics (services/statistics/stats.ts) over an in-memory counters
 * port that sums a list of records when asked, per day, month or year (the
 * LevelDB counters and their key layout are tested in
 * test/services/stats-counters.test.ts). What is checked is the service's
 * part: grouping, filters, the order of groups, reading whole months and
 * years from rollups, and "as of" an older size subtracting what came since.
 */
import { expect } from "chai";
import { isLedgerError } from "../../src/core/errors.ts";
import { dimensionValue, groupText } from "../../src/core/counter-coords.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import type { Count, CounterFilter, CounterGroup, CounterStore } from "../../src/ports/counters.ts";
import { DIM_OF, StatsService, type FilterName, type GroupBy, type UsageQuery } from "../../src/services/statistics/stats.ts";
import { seededRandom } from "../helpers/seeded.ts";
import { rejection } from "../helpers/fake-ports.ts";

type Rec = Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose" | "occurredAt" | "recordCount">;

const rec = (day: string, provider: string, consumer: string, dataset: string, purpose: string, recordCount: number): Rec => ({
  provider,
  consumer,
  dataset,
  purpose,
  recordCount,
  occurredAt: `${day}T12:00:00Z`,
});

/** Counters computed from the records on each read; `reads` counts range reads by kind. */
class SummingCounters implements CounterStore {
  readonly reads = { days: 0, months: 0, years: 0 };
  readonly recs: Rec[];
  constructor(recs: Rec[]) {
    this.recs = recs;
  }

  keysOf(): readonly string[] {
    throw new Error("not used by the statistics service");
  }
  read(): Promise<Count[]> {
    throw new Error("not used by the statistics service");
  }
  #sum(period: number, from: string, to: string, filter: CounterFilter, group: CounterGroup, each: (p: string, g: string | undefined, v: Count) => void) {
    const sums = new Map<string, [string, string | undefined, number, number]>();
    for (const r of this.recs) {
      const p = r.occurredAt.slice(0, period);
      if (p < from || p > to) continue;
      if (filter !== "*" && dimensionValue(r, filter.dim) !== filter.value) continue;
      const g = group === "_" ? undefined : dimensionValue(r, group);
      const k = `${p}\n${g ?? ""}`;
      const cur = sums.get(k) ?? [p, g, 0, 0];
      sums.set(k, [p, g, cur[2] + 1, cur[3] + r.recordCount]);
    }
    for (const [p, g, e, n] of [...sums.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) each(p, g, [e, n]);
  }
  days(filter: CounterFilter, group: CounterGroup, from: string, to: string, each: (day: string, g: string | undefined, v: Count) => void): Promise<void> {
    this.reads.days++;
    this.#sum(10, from, to, filter, group, each);
    return Promise.resolve();
  }
  months(group: CounterGroup, from: string, to: string, each: (month: string, g: string | undefined, v: Count) => void): Promise<void> {
    this.reads.months++;
    this.#sum(7, from, to, "*", group, each);
    return Promise.resolve();
  }
  years(group: CounterGroup, from: string, to: string, each: (year: string, g: string | undefined, v: Count) => void): Promise<void> {
    this.reads.years++;
    this.#sum(4, from, to, "*", group, each);
    return Promise.resolve();
  }
  flows(period: "day" | "month" | "year", from: string, to: string, each: (provider: string, consumer: string, v: Count) => void): Promise<void> {
    const len = period === "day" ? 10 : period === "month" ? 7 : 4;
    const sums = new Map<string, [number, number]>();
    for (const r of this.recs) {
      const p = r.occurredAt.slice(0, len);
      if (p < from || p > to) continue;
      const k = `${r.provider}:${r.consumer}`;
      const cur = sums.get(k) ?? [0, 0];
      sums.set(k, [cur[0] + 1, cur[1] + r.recordCount]);
    }
    for (const [k, v] of sums) {
      const [provider, consumer] = k.split(":") as [string, string];
      each(provider, consumer, v);
    }
    return Promise.resolve();
  }
}

/**
 * A log of `recs` (seq = index, an acknowledgement after every third) whose
 * counters hold all of it; `size` is the log size.
 */
function ledger(recs: Rec[]) {
  const texts: string[] = [];
  for (const r of recs) {
    texts.push(JSON.stringify({ v: 1, seq: texts.length, receivedAt: "2025-01-01T00:00:00Z", record: r }));
    if (texts.length % 3 === 2)
      texts.push(JSON.stringify({ v: 1, seq: texts.length, receivedAt: "2025-01-01T00:00:00Z", ack: { provider: r.provider, id: "x" } }));
  }
  const counters = new SummingCounters(recs);
  const store = {
    counters,
    async *entriesFrom(seq: number): AsyncIterable<[number, string]> {
      for (let i = seq; i < texts.length; i++) yield await Promise.resolve([i, texts[i]!] as [number, string]);
    },
  };
  return { stats: new StatsService(store, () => texts.length), counters, size: texts.length, texts };
}

/** The log size just before the record `i` was appended. */
const sizeBefore = (texts: string[], i: number) => texts.findIndex((t) => (JSON.parse(t) as { record?: unknown }).record !== undefined && --i < 0);

/** The answer worked out from the records one by one. */
function reference(recs: Rec[], q: UsageQuery) {
  const groups = new Map<string, { key: string; exchanges: number; records: number }>();
  const total = { exchanges: 0, records: 0 };
  for (const r of recs) {
    const day = r.occurredAt.slice(0, 10);
    if (day < q.from || day > q.to) continue;
    const filters = Object.entries(q.filters) as Array<[FilterName, string]>;
    if (!filters.every(([f, v]) => dimensionValue(r, DIM_OF[f]) === (f === "purpose" ? groupText(v) : v))) continue;
    total.exchanges++;
    total.records += r.recordCount;
    if (q.groupBy === undefined) continue;
    const key = q.groupBy === "day" ? day : q.groupBy === "month" ? day.slice(0, 7) : dimensionValue(r, DIM_OF[q.groupBy]);
    const g = groups.get(key) ?? { key, exchanges: 0, records: 0 };
    g.exchanges++;
    g.records += r.recordCount;
    groups.set(key, g);
  }
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const timed = q.groupBy === undefined || q.groupBy === "day" || q.groupBy === "month";
  return { total, groups: [...groups.values()].sort((a, b) => (timed ? byKey(a, b) : b.exchanges - a.exchanges || byKey(a, b))) };
}

const RECS: Rec[] = [
  rec("2025-01-03", "tax", "city", "income", "planning", 10),
  rec("2025-01-03", "tax", "health", "income", "audit", 4),
  rec("2025-01-20", "city", "tax", "parcels", "planning", 2),
  rec("2025-02-01", "tax", "city", "income", "caf\u00e9", 1),
  rec("2025-02-14", "health", "city", "visits", "cafe\u0301", 7),
  rec("2025-03-31", "tax", "city", "income", "planning", 3),
];

describe("usage statistics: grouping, filters and order over the counters", () => {
  it("no groupBy: the totals over the days asked, no groups, at the current size", async () => {
    const { stats, size } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-01", to: "2025-01-31", filters: {} });
    expect(a.total).to.deep.equal({ exchanges: 3, records: 16 });
    expect(a.groups).to.deep.equal([]);
    expect(a.groupBy).to.equal(null);
    expect(a.treeSize).to.equal(size);
  });

  it("by day: one group per day that had exchanges, in date order; the range's ends are inclusive", async () => {
    const { stats } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-03", to: "2025-02-14", filters: {}, groupBy: "day" });
    expect(a.groups).to.deep.equal([
      { key: "2025-01-03", exchanges: 2, records: 14 },
      { key: "2025-01-20", exchanges: 1, records: 2 },
      { key: "2025-02-01", exchanges: 1, records: 1 },
      { key: "2025-02-14", exchanges: 1, records: 7 },
    ]);
  });

  it("by month over whole months: read from the monthly rollups, not day by day", async () => {
    const { stats, counters } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-01", to: "2025-03-31", filters: {}, groupBy: "month" });
    expect(a.groups).to.deep.equal([
      { key: "2025-01", exchanges: 3, records: 16 },
      { key: "2025-02", exchanges: 2, records: 8 },
      { key: "2025-03", exchanges: 1, records: 3 },
    ]);
    expect(counters.reads).to.deep.equal({ days: 0, months: 1, years: 0 });
  });

  it("by dimension: most exchanges first, ties by name; purposes spelled differently but equivalent are one group", async () => {
    const { stats } = ledger(RECS);
    const byProvider = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: {}, groupBy: "provider" });
    expect(byProvider.groups.map((g) => [g.key, g.exchanges])).to.deep.equal([
      ["tax", 4],
      ["city", 1],
      ["health", 1],
    ]);
    const byPurpose = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: {}, groupBy: "purpose" });
    expect(byPurpose.groups).to.deep.equal([
      { key: "planning", exchanges: 3, records: 15 },
      { key: "caf\u00e9", exchanges: 2, records: 8 },
      { key: "audit", exchanges: 1, records: 4 },
    ]);
  });

  it("a filter keeps only the matching exchanges; a purpose filter matches every equivalent spelling", async () => {
    const { stats } = ledger(RECS);
    const tax = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { provider: "tax" }, groupBy: "consumer" });
    expect(tax.total).to.deep.equal({ exchanges: 4, records: 18 });
    expect(tax.groups).to.deep.equal([
      { key: "city", exchanges: 3, records: 14 },
      { key: "health", exchanges: 1, records: 4 },
    ]);
    const cafe = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { purpose: "cafe\u0301" }, groupBy: "day" });
    expect(cafe.total).to.deep.equal({ exchanges: 2, records: 8 });
    expect(cafe.filters).to.deep.equal({ purpose: "caf\u00e9" });
  });

  it("two filters, grouped by month: only exchanges matching both", async () => {
    const { stats } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { provider: "tax", consumer: "city" }, groupBy: "month" });
    expect(a.groups).to.deep.equal([
      { key: "2025-01", exchanges: 1, records: 10 },
      { key: "2025-02", exchanges: 1, records: 1 },
      { key: "2025-03", exchanges: 1, records: 3 },
    ]);
  });

  it("grouping by the filtered dimension gives one group, named by the filter's value", async () => {
    const { stats } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { dataset: "income" }, groupBy: "dataset" });
    expect(a.groups).to.deep.equal([{ key: "income", exchanges: 4, records: 18 }]);
  });

  it("a filter nobody matches: zero totals and no groups", async () => {
    const { stats } = ledger(RECS);
    const a = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { dataset: "nothing" }, groupBy: "provider" });
    expect(a.total).to.deep.equal({ exchanges: 0, records: 0 });
    expect(a.groups).to.deep.equal([]);
  });

  it("refused with VALIDATION_FAILED: three filters, or two filters grouped by a dimension", async () => {
    const { stats } = ledger(RECS);
    const three = await rejection(stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { provider: "tax", consumer: "city", dataset: "income" } }));
    expect(isLedgerError(three, "VALIDATION_FAILED")).to.equal(true);
    const grouped = await rejection(stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: { provider: "tax", consumer: "city" }, groupBy: "dataset" }));
    expect(isLedgerError(grouped, "VALIDATION_FAILED")).to.equal(true);
    expect((grouped as Error).message).to.include("groupBy");
  });

  it("any query over several years agrees with the records counted one by one (seeded)", async () => {
    const rnd = seededRandom(19);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const day = () => {
      const d = new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 3 * 366) * 86_400_000);
      return d.toISOString().slice(0, 10);
    };
    const depts = ["tax", "city", "health", "police"];
    const recs = Array.from({ length: 300 }, () => {
      const provider = pick(depts);
      return rec(
        day(),
        provider,
        pick(depts.filter((d) => d !== provider)),
        pick(["income", "parcels", "visits"]),
        pick(["planning", "audit", "caf\u00e9", "cafe\u0301"]),
        1 + Math.floor(rnd() * 9),
      );
    });
    const { stats } = ledger(recs);
    const groupBys: Array<GroupBy | undefined> = [undefined, "day", "month", "provider", "consumer", "dataset", "purpose"];
    const filterSets: Array<UsageQuery["filters"]> = [{}, { provider: "tax" }, { purpose: "cafe\u0301" }, { dataset: "visits", consumer: "city" }];
    let asked = 0;
    for (let i = 0; i < 120; i++) {
      const [from, to] = [day(), day()].sort() as [string, string];
      const filters = pick(filterSets);
      const groupBy = Object.keys(filters).length === 2 ? pick([undefined, "day", "month"] as const) : pick(groupBys);
      const q: UsageQuery = { from, to, filters, ...(groupBy ? { groupBy } : {}) };
      const a = await stats.usage(q);
      const want = reference(recs, q);
      expect({ total: a.total, groups: a.groups }).to.deep.equal(want, JSON.stringify(q));
      asked++;
    }
    expect(asked).to.equal(120);
  });
});

describe("usage statistics: as of an older log size", () => {
  it("subtracts the exchanges added since, and reports that size", async () => {
    const { stats, texts } = ledger(RECS);
    const asOf = sizeBefore(texts, 3); // the first three records
    const a = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: {}, groupBy: "month" }, asOf);
    expect(a.treeSize).to.equal(asOf);
    expect(a.total).to.deep.equal({ exchanges: 3, records: 16 });
    expect(a.groups).to.deep.equal([{ key: "2025-01", exchanges: 3, records: 16 }]); // February and March had nothing then: no group
  });

  it("as of a size, filtered and grouped, equals the answer over the records that were in the log then", async () => {
    const { stats, texts } = ledger(RECS);
    for (let n = 0; n <= RECS.length; n++) {
      const asOf = n === RECS.length ? texts.length : sizeBefore(texts, n);
      for (const q of [
        { from: "2025-01-01", to: "2025-12-31", filters: { provider: "tax" }, groupBy: "consumer" },
        { from: "2025-01-03", to: "2025-02-13", filters: {}, groupBy: "day" },
        { from: "2025-01-01", to: "2025-12-31", filters: { purpose: "caf\u00e9" } },
      ] as UsageQuery[]) {
        const a = await stats.usage(q, asOf);
        const want = reference(RECS.slice(0, n), q);
        expect({ total: a.total, groups: a.groups }).to.deep.equal(want, `${n} ${JSON.stringify(q)}`);
      }
    }
  });

  it("as of the current size nothing is subtracted", async () => {
    const { stats, size } = ledger(RECS);
    const now = await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: {} });
    expect((await stats.usage({ from: "2025-01-01", to: "2025-12-31", filters: {} }, size)).total).to.deep.equal(now.total);
    expect(now.total).to.deep.equal({ exchanges: 6, records: 27 });
  });
});

describe("usage statistics: flows between departments", () => {
  it("provider → consumer counts, most exchanges first", async () => {
    const { stats } = ledger(RECS);
    expect(await stats.flows("2025-01-01", "2025-12-31")).to.deep.equal([
      { provider: "tax", consumer: "city", exchanges: 3, records: 14 },
      { provider: "city", consumer: "tax", exchanges: 1, records: 2 },
      { provider: "health", consumer: "city", exchanges: 1, records: 7 },
      { provider: "tax", consumer: "health", exchanges: 1, records: 4 },
    ]);
  });

  it("as of an older size: flows added since are subtracted, and a pair with none left is not shown", async () => {
    const { stats, texts } = ledger(RECS);
    expect(await stats.flows("2025-01-01", "2025-12-31", sizeBefore(texts, 2))).to.deep.equal([
      { provider: "tax", consumer: "city", exchanges: 1, records: 10 },
      { provider: "tax", consumer: "health", exchanges: 1, records: 4 },
    ]);
  });
});
