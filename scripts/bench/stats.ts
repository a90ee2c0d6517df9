/**
 * `npm run bench:stats [-- --100m]`: statistics at city-platform scale.
 * Synthetic entries (≈80 departments, ≈2 000 datasets, Zipf-skewed use, three
 * years of days) go through the real append path (the group-committed
 * Appender writing entries, tree nodes, indexes and counters in one batch),
 * at 1 M then 10 M entries (100 M with --100m; BENCH_SIZES=a,b overrides).
 * Printed per size: load rate, LevelDB size per entry (all, and counters
 * alone), and p50/p99 of usage (one filter, one year, groupBy=day), top-10
 * over a year and the flow matrix over a year, next to a LevelDB point read
 * measured in the same run. Signatures are not part of this path (see `npm run bench`).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { Appender } from "../../src/services/appender.ts";
import { StatsService } from "../../src/services/stats.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

const sizes = (process.env.BENCH_SIZES ?? (process.argv.includes("--100m") ? "1000000,10000000,100000000" : "1000000,10000000")).split(",").map(Number);
/** BENCH_LOAD_ONLY=1: only the load (for `npm run profile`). */
const LOAD_ONLY = process.env.BENCH_LOAD_ONLY === "1";
const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const DEPTS = Array.from({ length: 80 }, (_, i) => `dept-${i}`);
const DATASETS = Array.from({ length: 2000 }, (_, i) => `city/ds-${i}`);
const PURPOSES = ["benefit eligibility", "tax assessment", "urban planning", "public health", "education", "policing", "statistics", "audit"];
const START = Date.UTC(2024, 0, 1);
const DAYS = 3 * 365;

// Zipf(1.1)-like skew by inverse transform on a precomputed CDF.
function zipf(n: number, s = 1.1): () => number {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const x of w) cdf.push((acc += x / total));
  return () => {
    const u = Math.random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
const pickDataset = zipf(DATASETS.length);
const pickDept = zipf(DEPTS.length, 0.8);

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

const sig = `0x${"1b".repeat(65)}`;
const dirSize = (d: string): number => readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);
const dir = mkdtempSync(join(tmpdir(), "dxledger-bench-stats-"));
console.log(`dxledger bench:stats — sizes ${sizes.map((s) => fmt(s)).join(", ")}; data in ${dir}`);
try {
  const store = await Store.open(join(dir, "ledger"));
  const appender = await Appender.open(store);
  const stats = new StatsService(store, () => appender.size);
  let n = 0;
  const rows: string[] = [];
  for (const target of sizes) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const start = n;
    const inflight: Array<Promise<unknown>> = [];
    while (n < target) {
      const recs: ExchangeRecord[] = [];
      for (let i = 0; i < 2000 && n < target; i++, n++) {
        const p = pickDept();
        let c = pickDept();
        if (c === p) c = (c + 1) % DEPTS.length;
        const day = Math.floor((n / target) * DAYS * 0.999 + Math.random() * 3) % DAYS;
        recs.push({
          id: `b-${n}`,
          provider: DEPTS[p]!,
          consumer: DEPTS[c]!,
          dataset: DATASETS[pickDataset()]!,
          purpose: PURPOSES[n % PURPOSES.length]!,
          legalBasis: "",
          recordCount: 1 + (n % 997),
          payloadDigest: `0x${(n % 65536).toString(16).padStart(64, "0")}`,
          derivedFrom: [],
          occurredAt: new Date(START + day * 86_400_000 + (n % 86_400) * 1000).toISOString(),
          signature: sig,
        });
      }
      inflight.push(appender.submit(recs));
      if (inflight.length >= 4) await inflight.shift();
      if (process.stdout.isTTY && n % 200_000 === 0) process.stdout.write(`\r  loading ${fmt(n)} / ${fmt(target)}`);
    }
    await Promise.all(inflight);
    if (process.stdout.isTTY) process.stdout.write("\n");
    const loadRate = (n - start) / ((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    const cpuPerEntry = (cpu.user + cpu.system) / (n - start);
    if (LOAD_ONLY) {
      console.log(`  ${fmt(n)} entries loaded at ${fmt(loadRate)}/s, ${fmt(cpuPerEntry)} µs CPU per entry`);
      console.log(`STATS_JSON ${JSON.stringify({ entries: n, loadRate, cpuPerEntry })}`);
      continue;
    }
    // classic-level (under `level` in Node) has these; its types are not re-exported by `level`.
    const db = store.db as unknown as { compactRange(a: string, b: string): Promise<void>; approximateSize(a: string, b: string): Promise<number> };
    await db.compactRange("", "\xff");
    const all = dirSize(join(dir, "ledger"));
    const counters = (await db.approximateSize("q:", "q:\xff")) + (await db.approximateSize("f:", "f:\xff"));

    const year = ["2025-01-01", "2025-12-31"] as const;
    const point = await time(2000, (i) => store.db.get(`e:${String((i * 7919) % n).padStart(16, "0")}`));
    const usage = await time(300, (i) => stats.usage({ from: year[0], to: year[1], filters: { dataset: DATASETS[i % 50]! }, groupBy: "day" }));
    const usageP = await time(300, (i) => stats.usage({ from: year[0], to: year[1], filters: { provider: DEPTS[i % 80]! }, groupBy: "day" }));
    const top = await time(100, () => stats.usage({ from: year[0], to: year[1], filters: {}, groupBy: "dataset" }).then((a) => a.groups.slice(0, 10)));
    const flows = await time(50, () => stats.flows(year[0], year[1]));
    const r = (a: number[]) =>
      `${fmt(pct(a, 50), 2)} / ${fmt(pct(a, 99), 2)} ms (${fmt(pct(a, 50) / pct(point, 50), 0)}× / ${fmt(pct(a, 99) / pct(point, 99), 0)}×)`;
    // One machine-readable line per size, for `npm run bench` (ingest.ts).
    console.log(
      `STATS_JSON ${JSON.stringify({ entries: n, loadRate, cpuPerEntry, pointP99: pct(point, 99), usageP99: pct(usage, 99), usagePP99: pct(usageP, 99), topP99: pct(top, 99), flowsP99: pct(flows, 99) })}`,
    );
    rows.push(
      `| ${fmt(n)} | ${fmt(loadRate)}/s | ${fmt(all / n, 0)} B (${fmt(counters / n, 0)} B) | ${fmt(pct(point, 50), 3)} / ${fmt(pct(point, 99), 3)} ms | ${r(usage)} | ${r(usageP)} | ${r(top)} | ${r(flows)} |`,
    );
    console.log(`  ${fmt(n)} entries loaded at ${fmt(loadRate)}/s, ${fmt(cpuPerEntry)} µs CPU per entry`);
  }
  if (!LOAD_ONLY) {
    console.log("");
    console.log(
      "| entries | load rate | disk per entry (counters) | baseline: LevelDB point read p50 / p99 | usage, dataset filter, 1 year by day p50 / p99 (× baseline) | usage, provider filter | top-10 datasets, 1 year | flow matrix, 1 year |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log("\ntargets at 10 M: usage (one filter, one year) p99 < 10 ms; top-10 over a year p99 < 50 ms");
  }
  await appender.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
