/**
 * `npm run profile`: where the time goes on each hot path, from V8 CPU
 * profiles (`node --cpu-prof`, every thread: the main thread and each signer
 * worker), summarised per stage by profile-summary.ts.
 *
 *   single   signed records, one per POST /v1/exchanges (autocannon)
 *   batch    POST /v1/exchanges/batch, 1 000 records per request
 *   receipt  GET /v1/entries/:seq/receipt over a filled, anchored log
 *            (filled by one service, profiled in a second on the same data dir)
 *   bulk     the Appender alone with all statistics counters (as bench:stats)
 *
 * Env: PROFILE_SECONDS (default 8), PROFILE_ENTRIES (receipt log, default 100 000),
 * PROFILE_PATHS (default single,batch,receipt,bulk), PROFILE_DIR (kept; default a temp dir, removed).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { spawnService, type ServiceProcess } from "./service-process.ts";
import { ROOT, agent, benchDepartments, cannon, fmt, http, latencies, pct, postBatches, treeSize } from "./bench-lib.ts";

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8);
const ENTRIES = Number(process.env.PROFILE_ENTRIES ?? 100_000);
const PATHS = (process.env.PROFILE_PATHS ?? "single,batch,receipt,bulk").split(",");
const keep = process.env.PROFILE_DIR !== undefined;
const out = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "dxledger-profile-"));

function env(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    ANCHOR_INTERVAL_MS: "5000",
    RATE_LIMIT_RPS: "1000000",
    LOG_LEVEL: "warn",
  };
}
const prof = (name: string) => {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  return ["--cpu-prof", "--cpu-prof-dir", dir];
};

async function withService<T>(name: string | undefined, dataDir: string, f: (svc: ServiceProcess) => Promise<T>): Promise<T> {
  const svc = await spawnService(ROOT, env(dataDir), name ? prof(name) : []);
  try {
    return await f(svc);
  } finally {
    await svc.stop();
  }
}

function summarise(name: string, what: string): void {
  console.log(`\n## ${name}: ${what}`);
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/bench/profile-summary.ts"), join(out, name)], { encoding: "utf8" });
  process.stdout.write(r.stdout + r.stderr);
}

async function main(): Promise<void> {
  console.log(`dxledger profile — ${SECONDS}s per path; profiles in ${out}`);
  if (PATHS.includes("single")) {
    const res = await withService("single", join(out, "data-single"), async (svc) => {
      const record = await benchDepartments(svc);
      const bodies = Array.from({ length: Math.max(20_000, 8_000 * SECONDS) }, () => JSON.stringify(record()));
      const before = await treeSize(svc);
      await cannon(`${svc.url}/v1/exchanges`, bodies, { seconds: SECONDS, connections: 50, token: svc.adminToken });
      return ((await treeSize(svc)) - before) / SECONDS;
    });
    summarise("single", `${fmt(res)} entries/s while profiled`);
  }
  if (PATHS.includes("batch")) {
    const res = await withService("batch", join(out, "data-batch"), async (svc) => {
      const record = await benchDepartments(svc);
      const batches = Array.from({ length: Math.max(20, 15 * SECONDS) }, () => JSON.stringify({ records: Array.from({ length: 1000 }, record) }));
      const t = performance.now();
      await postBatches(svc, batches, 4);
      return (batches.length * 1000) / ((performance.now() - t) / 1000);
    });
    summarise("batch", `${fmt(res)} entries/s while profiled`);
  }
  if (PATHS.includes("receipt")) {
    const dataDir = join(out, "data-receipt");
    await withService(undefined, dataDir, async (svc) => {
      const record = await benchDepartments(svc);
      for (let done = 0; done < ENTRIES; done += 20_000) {
        await postBatches(
          svc,
          Array.from({ length: Math.min(20, Math.ceil((ENTRIES - done) / 1000)) }, () => JSON.stringify({ records: Array.from({ length: 1000 }, record) })),
          2,
        );
      }
      await http("POST", `${svc.url}/v1/anchor`, undefined, svc.adminToken);
    });
    const p = await withService("receipt", dataDir, async (svc) => {
      const size = await treeSize(svc);
      const auditor = (
        JSON.parse((await http("POST", `${svc.url}/v1/tokens`, JSON.stringify({ role: "auditor", label: "profile" }), svc.adminToken)).text) as {
          token: string;
        }
      ).token;
      let k = 1;
      const lat = await latencies(
        () => http("GET", `${svc.url}/v1/entries/${(k = (k * 48271) % 2147483647) % size}/receipt`, undefined, auditor),
        500 * SECONDS,
      );
      return { size, p50: pct(lat, 50), p99: pct(lat, 99) };
    });
    summarise("receipt", `${fmt(p.size)} entries, p50 ${fmt(p.p50, 3)} ms, p99 ${fmt(p.p99, 3)} ms while profiled`);
  }
  if (PATHS.includes("bulk")) {
    mkdirSync(join(out, "bulk"), { recursive: true });
    const r = spawnSync(process.execPath, [...prof("bulk"), join(ROOT, "scripts/bench/stats.ts")], {
      encoding: "utf8",
      env: {
        ...process.env,
        BENCH_SIZES: String(Math.max(5_000, 12_000 * SECONDS)),
        BENCH_BULK_ENTRIES: String(Math.max(5_000, 12_000 * SECONDS)),
        BENCH_LOAD_ONLY: "1",
      },
    });
    summarise("bulk", (/append path at (\S+)\/s/.exec(r.stdout)?.[1] ?? "?") + " entries/s while profiled (Appender + counters, no HTTP, no signatures)");
  }
  agent.destroy();
  if (!keep) rmSync(out, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
