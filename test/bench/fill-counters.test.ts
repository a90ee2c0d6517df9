import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { COUNTER_PREFIXES } from "../../src/adapters/leveldb/counter-store.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { StatsService } from "../../src/services/statistics/stats.ts";
import { cityDays, DATASETS, DAYS } from "../../scripts/bench/city-load.ts";
import { fillCounters } from "../../scripts/bench/fill-counters.ts";

async function counters(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of COUNTER_PREFIXES) for await (const [k, v] of store.db.iterator({ gte: p, lt: `${p}\xff` })) out.set(k, v);
  return out;
}

describe("bench: the statistics fill writes the appender's counters", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const open = async () => {
    const d = mkdtempSync(join(tmpdir(), "dxl-fill-"));
    dirs.push(d);
    return Store.open(join(d, "ledger"));
  };

  it("the same city-shaped records give the same counter keys and values, and the same answers", async () => {
    const total = 4 * DAYS + 17; // every day, month and year of the load; uneven shares
    const viaAppender = await open();
    const viaFill = await open();
    try {
      const appender = await Appender.open(viaAppender);
      for (const day of cityDays(total, 7)) await appender.submit(day);
      await appender.close();
      const wrote = await fillCounters(viaFill, cityDays(total, 7));
      expect(wrote.records).to.equal(total);

      const a = await counters(viaAppender);
      const b = await counters(viaFill);
      expect(a.size).to.be.above(10_000);
      expect(wrote.keys).to.equal(b.size);
      expect([...b].sort()).to.deep.equal([...a].sort());

      const year = { from: "2025-01-01", to: "2025-12-31" };
      const sa = new StatsService(viaAppender, () => total);
      const sb = new StatsService(viaFill, () => total);
      expect(await sb.usage({ ...year, filters: { dataset: DATASETS[0]! }, groupBy: "day" })).to.deep.equal(
        await sa.usage({ ...year, filters: { dataset: DATASETS[0]! }, groupBy: "day" }),
      );
      expect(await sb.usage({ ...year, filters: {}, groupBy: "dataset" })).to.deep.equal(await sa.usage({ ...year, filters: {}, groupBy: "dataset" }));
      expect(await sb.flows(year.from, year.to)).to.deep.equal(await sa.flows(year.from, year.to));
    } finally {
      await viaAppender.close();
      await viaFill.close();
    }
  });

  it("refuses days out of order, and a day given twice (it would overwrite, not add)", async () => {
    const store = await open();
    const days = [...cityDays(3 * DAYS, 1)];
    try {
      for (const wrong of [
        [days[1]!, days[0]!],
        [days[0]!.slice(0, 1), days[0]!.slice(1)],
      ]) {
        const refused = await fillCounters(store, wrong).then(
          () => "taken",
          (e: unknown) => String(e),
        );
        expect(refused).to.match(/one array per day, in day order/);
      }
    } finally {
      await store.close();
    }
  });
});
