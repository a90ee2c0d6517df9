/**
 * `npm run bench:stats [-- --100m]`: statistics at city-platform scale.
 *
 *   1. bulk load: city-shaped records (scripts/bench/city-load.ts: ≈80
 *      departments, ≈2 000 datasets, Zipf-skewed use, three years of days)
 *      through the real append path (the group-committed Appender writing
 *      entries, tree nodes, indexes and all 34 counter keys per entry in one
 *      synced batch): entries/s and CPU per entry over BENCH_BULK_ENTRIES
 *      (default 300 000, at most the smallest size).
 *   2. statistics latency at each size (default 1 M, 10 M, 30 M; 100 M with
 *      --100m; BENCH_SIZES=a,b overrides): a fresh store whose counters are
 *      filled with exactly what the appender writes for that many records
 *      (fill-counters.ts; test/bench/fill-counters.test.ts holds the two
 *      equal), compacted, then p50/p99 of usage (one filter, one year,
 *      groupBy=day), top-10 datasets over a year and the flow matrix over a
 *      year, next to a LevelDB point read measured on the same store.
 *      Statistics read the counters alone (SPEC §5), so the fill skips the
 *      entries and tree: 30 M entries fill in minutes, not the hour and a
 *      half the append path would take.
 * Signatures are not part of either path (see `npm run bench`).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { K } from "../../src/adapters/leveldb/keys.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { StatsService } from "../../src/services/statistics/stats.ts";
import { cityDays, DATASETS, DEPTS } from "./city-load.ts";
import { fillCounters } from "./fill-counters.ts";

const sizes = (process.env.BENCH_SIZES ?? (process.argv.includes("--100m") ? "1000000,10000000,100000000" : "1000000,10000000,30000000"))
  .split(",")
  .map(Number);
const BULK = Math.min(Number(process.env.BENCH_BULK_ENTRIES ?? 300_000), sizes[0]!);
/** BENCH_LOAD_ONLY=1: only the bulk load (for `npm run profile`). */
const LOAD_ONLY = process.env.BENCH_LOAD_ONLY === "1";
const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
async function time(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await f(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

const dirSize = (d: string): number => readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);
const compactable = (store: Store) =>
  // classic-level (under `level` in Node) has these; its types are not re-exported by `level`.
  store.db as unknown as { compactRange(a: string, b: string): Promise<void>; approximateSize(a: string, b: string): Promise<number> };

/** 1: the append path with every counter, in groups of 2 000 with 4 in flight. */
async function bulkLoad(dir: string): Promise<void> {
  const store = await Store.open(join(dir, "bulk"));
  const appender = await Appender.open(store);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const inflight: Array<Promise<unknown>> = [];
  let n = 0;
  for (const day of cityDays(BULK, 1)) {
    for (let i = 0; i < day.length; i += 2000) {
      inflight.push(appender.submit(day.slice(i, i + 2000)));
      if (inflight.length >= 4) await inflight.shift();
    }
    n += day.length;
    if (process.stdout.isTTY && n % 50_000 < day.length) process.stdout.write(`\r  bulk load ${fmt(n)} / ${fmt(BULK)}`);
  }
  await Promise.all(inflight);
  if (process.stdout.isTTY) process.stdout.write("\n");
  const loadRate = n / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const cpuPerEntry = (cpu.user + cpu.system) / n;
  await appender.close();
  await compactable(store).compactRange("", "\xff");
  const disk = dirSize(join(dir, "bulk"));
  await store.close();
  rmSync(join(dir, "bulk"), { recursive: true, force: true });
  console.log(
    `  bulk: ${fmt(n)} entries through the append path at ${fmt(loadRate)}/s, ${fmt(cpuPerEntry)} µs CPU per entry, ${fmt(disk / n)} B on disk per entry`,
  );
  // One machine-readable line, for `npm run bench` (ingest.ts) and `npm run profile`.
  console.log(`BULK_JSON ${JSON.stringify({ entries: n, loadRate, cpuPerEntry, diskPerEntry: disk / n })}`);
}

/** 2: a store holding the counters of `size` records; statistics latency on it. */
async function measure(dir: string, size: number): Promise<string> {
  const at = join(dir, `stats-${size}`);
  const store = await Store.open(at);
  const t0 = performance.now();
  const fill = await fillCounters(store, cityDays(size, 1), (n) => {
    if (process.stdout.isTTY && n % 1_000_000 < 30_000) process.stdout.write(`\r  filling counters ${fmt(n)} / ${fmt(size)}`);
  });
  if (process.stdout.isTTY) process.stdout.write("\n");
  const fillS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await compactable(store).compactRange("", "\xff");
  const compactS = (performance.now() - t1) / 1000;
  const counters = dirSize(at);
  console.log(
    `  ${fmt(size)}: ${fmt(fill.keys)} counter keys (${fmt(fill.keys / size, 2)} per entry, ${fmt(counters / size)} B per entry) filled in ${fmt(fillS)} s, compacted in ${fmt(compactS)} s`,
  );
  const stats = new StatsService(store, () => size);
  const year = ["2025-01-01", "2025-12-31"] as const;
  const sample = fill.sampleKeys.length > 0 ? fill.sampleKeys : [K.counterEncoded("*", "", "_", "2025-01-01")];
  // The fill's garbage is collected before timing (`node --expose-gc`, as npm run bench:stats runs it), so
  // a major collection of the fill's maps does not land in one size's p99 and not in another's.
  (globalThis as { gc?: () => void }).gc?.();
  const point = await time(5000, (i) => store.db.get(sample[(i * 7919) % sample.length]!));
  const usage = await time(1000, (i) => stats.usage({ from: year[0], to: year[1], filters: { dataset: DATASETS[i % 50]! }, groupBy: "day" }));
  const usageP = await time(1000, (i) => stats.usage({ from: year[0], to: year[1], filters: { provider: DEPTS[i % 80]! }, groupBy: "day" }));
  const top = await time(300, () => stats.usage({ from: year[0], to: year[1], filters: {}, groupBy: "dataset" }).then((a) => a.groups.slice(0, 10)));
  const flows = await time(200, () => stats.flows(year[0], year[1]));
  await store.close();
  rmSync(at, { recursive: true, force: true });
  const r = (a: number[]) =>
    `${fmt(pct(a, 50), 2)} / ${fmt(pct(a, 99), 2)} ms (${fmt(pct(a, 50) / pct(point, 50), 0)}× / ${fmt(pct(a, 99) / pct(point, 99), 0)}×)`;
  // One machine-readable line per size, for `npm run bench` (ingest.ts).
  console.log(
    `STATS_JSON ${JSON.stringify({ entries: size, counterKeys: fill.keys, fillS, pointP99: pct(point, 99), usageP99: pct(usage, 99), usagePP99: pct(usageP, 99), topP99: pct(top, 99), flowsP99: pct(flows, 99) })}`,
  );
  return `| ${fmt(size)} | ${fmt(fill.keys)} (${fmt(counters / size)} B per entry) | ${fmt(pct(point, 50), 3)} / ${fmt(pct(point, 99), 3)} ms | ${r(usage)} | ${r(usageP)} | ${r(top)} | ${r(flows)} |`;
}

const dir = mkdtempSync(join(tmpdir(), "dxledger-bench-stats-"));
console.log(`dxledger bench:stats — bulk ${fmt(BULK)} entries; statistics at ${sizes.map((s) => fmt(s)).join(", ")}; data in ${dir}`);
try {
  await bulkLoad(dir);
  if (!LOAD_ONLY) {
    const rows: string[] = [];
    for (const size of sizes) rows.push(await measure(dir, size));
    console.log("");
    console.log(
      "| entries | counter keys (disk per entry) | baseline: LevelDB point read of a counter p50 / p99 | usage, dataset filter, 1 year by day p50 / p99 (× baseline) | usage, provider filter | top-10 datasets, 1 year | flow matrix, 1 year |",
    );
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
