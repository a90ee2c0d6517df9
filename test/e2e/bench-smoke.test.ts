import { expect } from "chai";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** Runs a bench script to the end; resolves with its exit code and stdout. */
function run(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
    child.on("exit", (code) => done({ code, out, err }));
  });
}

// A smoke of the benchmarks at tiny sizes: they run to the end and print their lines. No figure is asserted.
describe("benchmarks: a short smoke (sizes of seconds; speed is not tested)", function () {
  this.timeout(600_000);

  it("npm run bench prints every target with its baseline and a PASS or MISS", async () => {
    const r = await run("scripts/bench/ingest.ts", {
      BENCH_ENTRIES: "3000",
      BENCH_SECONDS: "1",
      BENCH_CONNECTIONS: "4",
      BENCH_BATCHES: "2",
      BENCH_STATS_SIZES: "2000,4000",
    });
    expect(r.code, r.err).to.equal(0);
    for (const line of [
      /\| single-record ingest, signed \+ durable \| [\d,]+ entries\/s \| echo [\d,]+ req\/s \| [\d.]+ % \| ≥ 40 % of echo \| (PASS|MISS) \|/,
      /\| CPU per single request \(all threads\) \| [\d,]+ µs \| echo [\d,]+ µs \|/,
      /\| batch ingest \(1 000 per request\) \| [\d,]+ entries\/s \|.*\| ≥ 20 000\/s \| (PASS|MISS) \|/,
      /\| receipt p50 \/ p99 at [\d,]+ entries, first 3 000 after the restart \| [\d.]+ \/ [\d.]+ ms \| echo [\d.]+ \/ [\d.]+ ms \|/,
      /\| receipt p99 at [\d,]+ entries \(steady: the next 3 000\) \| [\d.]+ ms \| echo [\d.]+ ms \|.*\| < 5 ms at ≥ 1 M \| (PASS|MISS)/,
      /\| bulk load with all statistics counters \(34 keys per entry\) \| [\d,]+ entries\/s \|.*\| ≥ 10 000\/s \| (PASS|MISS) \|/,
      /\| statistics p99 at 4,000: usage by dataset \/ top-10 \/ flows \|/,
      /\| statistics p99 flat, 2,000 → 4,000 entries \|.*\| (PASS|MISS)/,
      /load average at the end: /,
    ])
      expect(r.out).to.match(line);
  });

  it("npm run profile prints a per-stage table for every path", async () => {
    const r = await run("scripts/bench/profile.ts", { PROFILE_SECONDS: "1", PROFILE_ENTRIES: "2000" });
    expect(r.code, r.err).to.equal(0);
    for (const path of ["single", "batch", "receipt", "bulk"]) expect(r.out).to.match(new RegExp(`## ${path}: `));
    expect(r.out).to.match(/\| signature recovery \(libsecp256k1\) \| \d+ \|/);
    expect(r.out).to.match(/\| statistics counters \| \d+ \|/);
  });
});
