/**
 * `npm run bench`: every hot-path figure next to a baseline measured in the
 * same run, with the target it is held to and PASS or MISS.
 *
 *   1. baseline: autocannon POSTs to a bare Express 5 JSON echo → req/s and
 *      CPU per request (same client, same bodies, same connections)
 *   2. single:   signed records, one per POST /v1/exchanges  → new entries/s (counted by the log)
 *   3. batch:    POST /v1/exchanges/batch, 1 000 per request → entries/s
 *   4. fill the log to BENCH_ENTRIES (default 1 000 000) through the store
 *      (fill-log.ts), restart, anchor, then receipt latency p50/p99 over
 *      random entries, next to echo latency.
 *   5. bench:stats (stats.ts): bulk load through the append path with all
 *      statistics counters (entries/s over BENCH_BULK_ENTRIES, default
 *      300 000), then statistics p99 at each of BENCH_STATS_SIZES on a store
 *      holding exactly those entries' counters, next to a LevelDB point read;
 *      "flat" = p99 at the largest size ≤ 2× the smallest.
 *
 * Every signature is checked and every 2xx is durable (synced LevelDB batch).
 * RATE_LIMIT_RPS is raised for the run (the limiter still runs on every
 * request; its default, 5 000/s per token, would cap one bench token).
 * Env: BENCH_ENTRIES, BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50),
 * BENCH_BATCHES (default 100), BENCH_STATS_SIZES (default 1000000,10000000,30000000; "0" skips).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnService } from "./service-process.ts";
import { fillLog } from "./fill-log.ts";
import { ROOT, agent, benchDepartments, cannon, cpuSeconds, fmt, http, latencies, pct, postBatches, startEcho, treeSize } from "./bench-lib.ts";

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const STATS_SIZES = process.env.BENCH_STATS_SIZES ?? "1000000,10000000,30000000";

const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

// eslint-disable-next-line max-lines-per-function -- a benchmark driver's main reads as the run's script
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "dxledger-bench-"));
  console.log(
    `dxledger bench — ${SECONDS}s runs, ${CONNECTIONS} connections, log filled to ${fmt(ENTRIES)} entries; load average ${load()}; data in ${dataDir}`,
  );
  const echo = await startEcho();
  const serviceEnv = {
    DATA_DIR: dataDir,
    ANCHOR_INTERVAL_MS: "5000",
    RATE_LIMIT_RPS: "1000000",
    LOG_LEVEL: "warn",
  };
  let svc = await spawnService(ROOT, serviceEnv);
  const rows: string[] = [];
  try {
    const record = await benchDepartments(svc);

    // 1 + 2: baseline echo and signed single-record ingest, same bodies.
    const singleCount = Math.ceil(Math.max(2_000, 15_000 * SECONDS));
    const t0 = performance.now();
    const singles = Array.from({ length: singleCount }, () => JSON.stringify(record()));
    console.log(`pre-signed ${fmt(singleCount)} records (${fmt(singles[0]!.length)} bytes each) in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    let cpu = cpuSeconds(echo.child.pid);
    const base = await cannon(`${echo.url}/echo`, singles, { seconds: SECONDS, connections: CONNECTIONS });
    const echoCpuUs = ((cpuSeconds(echo.child.pid) - cpu) / (base.rps * SECONDS)) * 1e6;
    const before = await treeSize(svc);
    cpu = cpuSeconds(svc.child.pid);
    const single = await cannon(`${svc.url}/v1/exchanges`, singles, { seconds: SECONDS, connections: CONNECTIONS, token: svc.adminToken });
    const singleEntries = (await treeSize(svc)) - before;
    const singleCpuUs = ((cpuSeconds(svc.child.pid) - cpu) / Math.max(1, singleEntries)) * 1e6;
    const singleRate = singleEntries / SECONDS;
    console.log(
      `single: ${fmt(single.rps)} req/s answered (${single.non2xx} non-2xx, ${single.errors} errors); echo ${base.non2xx} non-2xx, ${base.errors} errors; load ${load()}`,
    );
    rows.push(
      `| single-record ingest, signed + durable | ${fmt(singleRate)} entries/s | echo ${fmt(base.rps)} req/s | ${fmt((100 * singleRate) / base.rps, 1)} % | ≥ 40 % of echo | ${verdict(singleRate >= 0.4 * base.rps)} |`,
    );
    rows.push(
      `| CPU per single request (all threads) | ${fmt(singleCpuUs)} µs | echo ${fmt(echoCpuUs)} µs | ${fmt(singleCpuUs / echoCpuUs, 1)}× | (explains the ratio) | — |`,
    );

    // 3: batch ingest, 1 000 records per request, 4 requests in flight.
    const batches = Array.from({ length: BATCHES }, () => JSON.stringify({ records: Array.from({ length: 1000 }, record) }));
    const before2 = await treeSize(svc);
    const t1 = performance.now();
    await postBatches(svc, batches, 4);
    const batchRate = ((await treeSize(svc)) - before2) / ((performance.now() - t1) / 1000);
    rows.push(
      `| batch ingest (1 000 per request) | ${fmt(batchRate)} entries/s | echo ${fmt(base.rps)} req/s | ${fmt(batchRate / base.rps, 2)}× | ≥ 20 000/s | ${verdict(batchRate >= 20_000)} |`,
    );

    // 4: fill to ENTRIES, anchor, then receipts. The service is stopped and its data dir filled
    //    through the store (fill-log.ts: stored form, no signature check, no counters: what a
    //    receipt reads does not depend on them), then started again on it.
    const t2 = performance.now();
    const template = record();
    await svc.stop();
    const wrote = await fillLog(join(dataDir, "ledger"), template, ENTRIES, (n) => {
      if (process.stdout.isTTY && n % 100_000 === 0) process.stdout.write(`\r  filling: ${fmt(n)} / ${fmt(ENTRIES)}`);
    });
    if (process.stdout.isTTY) process.stdout.write("\n");
    svc = await spawnService(ROOT, serviceEnv);
    console.log(
      `filled the log to ${fmt(await treeSize(svc))} entries (${fmt(wrote)} written through the store) in ${fmt((performance.now() - t2) / 1000, 1)} s, restart included`,
    );
    const cp = JSON.parse((await http("POST", `${svc.url}/v1/anchor`, undefined, svc.adminToken)).text) as { treeSize: number };
    const auditor = (
      JSON.parse((await http("POST", `${svc.url}/v1/tokens`, JSON.stringify({ role: "auditor", label: "bench" }), svc.adminToken)).text) as { token: string }
    ).token;
    const echoLat = await latencies(() => http("POST", `${echo.url}/echo`, singles[0]), 3000);
    // Two rounds of 3 000 random receipts: the first just after the restart (start-up garbage is still being
    // collected), the second in the steady state a running service is in; the target is held to the second.
    let k = 1;
    const receipt = () => http("GET", `${svc.url}/v1/entries/${(k = (k * 48271) % 2147483647) % cp.treeSize}/receipt`, undefined, auditor);
    const firstLat = await latencies(receipt, 3000);
    const recLat = await latencies(receipt, 3000);
    rows.push(
      `| receipt p50 / p99 at ${fmt(cp.treeSize)} entries, first 3 000 after the restart | ${fmt(pct(firstLat, 50), 3)} / ${fmt(pct(firstLat, 99), 3)} ms | echo ${fmt(pct(echoLat, 50), 3)} / ${fmt(pct(echoLat, 99), 3)} ms | ${fmt(pct(firstLat, 99) / pct(echoLat, 99), 2)}× | — | — |`,
    );
    rows.push(
      `| receipt p50 at ${fmt(cp.treeSize)} entries | ${fmt(pct(recLat, 50), 3)} ms | echo ${fmt(pct(echoLat, 50), 3)} ms | ${fmt(pct(recLat, 50) / pct(echoLat, 50), 2)}× | — | — |`,
    );
    rows.push(
      `| receipt p99 at ${fmt(cp.treeSize)} entries (steady: the next 3 000) | ${fmt(pct(recLat, 99), 3)} ms | echo ${fmt(pct(echoLat, 99), 3)} ms | ${fmt(pct(recLat, 99) / pct(echoLat, 99), 2)}× | < 5 ms at ≥ 1 M | ${cp.treeSize >= 1_000_000 ? verdict(pct(recLat, 99) < 5) : "MISS (log < 1 M)"} |`,
    );
  } finally {
    echo.stop();
    await svc.stop();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }

  // 5: bulk with every statistics counter, and statistics latency per size (its own process).
  if (STATS_SIZES !== "0") {
    const r = spawnSync(process.execPath, ["--expose-gc", join(ROOT, "scripts/bench/stats.ts")], {
      encoding: "utf8",
      env: { ...process.env, BENCH_SIZES: STATS_SIZES },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const json = (tag: string) =>
      r.stdout
        .split("\n")
        .filter((l) => l.startsWith(`${tag} `))
        .map((l) => JSON.parse(l.slice(tag.length + 1)) as Record<string, number>);
    const stats = json("STATS_JSON");
    const bulk = json("BULK_JSON")[0];
    if (r.status !== 0 || stats.length === 0 || !bulk) throw new Error(`bench:stats failed (${r.status}):\n${r.stdout}`);
    const first = stats[0]!;
    const lastS = stats[stats.length - 1]!;
    rows.push(
      `| bulk load with all statistics counters (34 keys per entry) | ${fmt(bulk.loadRate!)} entries/s | ${fmt(bulk.cpuPerEntry!)} µs CPU per entry | — | ≥ 10 000/s | ${verdict(bulk.loadRate! >= 10_000)} |`,
    );
    for (const s of stats)
      rows.push(
        `| statistics p99 at ${fmt(s.entries!)}: usage by dataset / top-10 / flows | ${fmt(s.usageP99!, 2)} / ${fmt(s.topP99!, 2)} / ${fmt(s.flowsP99!, 2)} ms | LevelDB point read p99 ${fmt(s.pointP99!, 3)} ms | ${fmt(s.usageP99! / s.pointP99!, 0)}× | — | — |`,
      );
    const flat = ["usageP99", "topP99", "flowsP99"].every((m) => lastS[m]! <= 2 * first[m]!);
    rows.push(
      `| statistics p99 flat, ${fmt(first.entries!)} → ${fmt(lastS.entries!)} entries | ${["usageP99", "topP99", "flowsP99"].map((m) => `${fmt(lastS[m]! / first[m]!, 2)}×`).join(" / ")} | — | — | ≤ 2× from 1 M to 30 M | ${stats.length > 1 ? verdict(flat && lastS.entries! >= 30_000_000) + (lastS.entries! < 30_000_000 ? ` (largest measured ${fmt(lastS.entries!)}; flat so far: ${flat ? "yes" : "no"})` : "") : "MISS (one size only)"} |`,
    );
  }

  console.log("");
  console.log("| measure | dxledger | baseline, same run | ratio | target | verdict |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log(`\nload average at the end: ${load()} (2 cores; other work on the machine lowers every figure — compare ratios, medians of ≥ 3 runs)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
