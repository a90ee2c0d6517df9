/**
 * `npm run bench`: ingest and receipt figures next to a baseline measured in
 * the same run (a bare Express 5 JSON echo, same client, same body size).
 *
 *   1. baseline: autocannon POSTs to the echo server        → req/s
 *   2. single:   signed records, one per POST /v1/exchanges  → new entries/s (counted by the log)
 *   3. batch:    POST /v1/exchanges/batch, 1 000 per request → entries/s
 *   4. fill the log to BENCH_ENTRIES (default 1 000 000), anchor, then
 *      receipt latency p50/p99 over random entries, next to echo latency.
 *
 * Every signature is checked and every 2xx is durable (synced LevelDB batch).
 * Env: BENCH_ENTRIES, BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { Wallet } from "ethers";
import { FastSigner } from "./fast-signer.ts";
import { spawnService } from "./service-process.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request on a keep-alive socket; retried once if the server had just closed that idle socket. */
async function http(method: string, url: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
  try {
    return await http1(method, url, body, token);
  } catch (e) {
    if ((e as { code?: string }).code !== "ECONNRESET") throw e;
    return http1(method, url, body, token);
  }
}

function http1(method: string, url: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function startEcho(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(ROOT, "scripts/bench/echo-server.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((res) => {
    child.stdout!.on("data", (d) => {
      const m = /LISTENING (\S+)/.exec(String(d));
      if (m) res(m[1]!);
    });
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

async function cannon(url: string, bodies: string[], token?: string): Promise<{ rps: number; non2xx: number; errors: number }> {
  let i = 0;
  const r = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    requests: [{ setupRequest: (req: any) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  } as any);
  return { rps: r.requests.average, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "dxledger-bench-"));
  console.log(`dxledger bench — ${SECONDS}s runs, ${CONNECTIONS} connections, log filled to ${fmt(ENTRIES)} entries; data in ${dataDir}`);
  const echo = await startEcho();
  const svc = await spawnService(ROOT, {
    DATA_DIR: dataDir,
    CHAIN_PORT: String(20000 + Math.floor(Math.random() * 20000)),
    ANCHOR_INTERVAL_MS: "5000",
  });
  try {
    const info = JSON.parse((await http("GET", `${svc.url}/v1/info`)).text);
    const provider = Wallet.createRandom();
    for (const [id, signer] of [["bench-provider", provider.address], ["bench-consumer", Wallet.createRandom().address]] as const) {
      const r = await http("POST", `${svc.url}/v1/departments`, JSON.stringify({ id, name: id, signer }), svc.adminToken);
      if (r.status !== 201) throw new Error(`register ${id}: ${r.text}`);
    }
    const signer = new FastSigner(provider.privateKey, info.eip712.domain);
    let n = 0;
    const record = (): ExchangeRecord =>
      signer.sign({
        id: `bench-${++n}`,
        provider: "bench-provider",
        consumer: "bench-consumer",
        dataset: `city/dataset-${n % 2000}`,
        purpose: ["tax assessment", "social benefits", "urban planning", "public health"][n % 4]!,
        legalBasis: "Data Sharing Act s.12",
        recordCount: 1 + (n % 5000),
        payloadDigest: payloadDigest(`payload-${n}`),
        derivedFrom: [],
        occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      });
    const size = async () => JSON.parse((await http("GET", `${svc.url}/v1/info`)).text).treeSize as number;

    // 1 + 2: baseline echo and signed single-record ingest, same bodies.
    const singleCount = Math.ceil(Math.max(20_000, 15_000 * SECONDS));
    const t0 = performance.now();
    const singles = Array.from({ length: singleCount }, () => JSON.stringify(record()));
    const signMs = performance.now() - t0;
    console.log(`pre-signed ${fmt(singleCount)} records (${fmt(singles[0]!.length)} bytes each) in ${fmt(signMs / 1000, 1)} s`);
    const base = await cannon(`${echo.url}/echo`, singles);
    const before = await size();
    const single = await cannon(`${svc.url}/v1/exchanges`, singles, svc.adminToken);
    const singleEntries = (await size()) - before;
    const singleRate = singleEntries / SECONDS;

    // 3: batch ingest, 1 000 records per request, 4 requests in flight.
    const batches: string[] = [];
    for (let b = 0; b < 100; b++) batches.push(JSON.stringify({ records: Array.from({ length: 1000 }, record) }));
    const before2 = await size();
    const t1 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const body = batches[next++]!;
        const r = await http("POST", `${svc.url}/v1/exchanges/batch`, body, svc.adminToken);
        if (r.status !== 201) throw new Error(`batch: ${r.status} ${r.text.slice(0, 300)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const batchSecs = (performance.now() - t1) / 1000;
    const batchRate = ((await size()) - before2) / batchSecs;

    // 4: fill to ENTRIES (signing pipelined with sending), anchor, then receipts.
    const t2 = performance.now();
    let inflight: Promise<unknown> = Promise.resolve();
    let last = 0;
    while (n < ENTRIES + singleCount) {
      const cur = await size();
      if (cur >= ENTRIES) break;
      const k = Math.min(1000, ENTRIES - cur);
      const body = JSON.stringify({ records: Array.from({ length: k }, record) });
      await inflight;
      inflight = http("POST", `${svc.url}/v1/exchanges/batch`, body, svc.adminToken).then((r) => {
        if (r.status !== 201) throw new Error(`fill: ${r.status} ${r.text.slice(0, 300)}`);
      });
      if (process.stdout.isTTY && cur - last >= 50_000) {
        process.stdout.write(`\r  filling: ${fmt(cur)} / ${fmt(ENTRIES)}`);
        last = cur;
      }
    }
    await inflight;
    const total = await size();
    if (process.stdout.isTTY) process.stdout.write("\n");
    console.log(`filled the log to ${fmt(total)} entries in ${fmt((performance.now() - t2) / 1000, 1)} s (signing included)`);
    const cp = JSON.parse((await http("POST", `${svc.url}/v1/anchor`, undefined, svc.adminToken)).text);
    const auditor = JSON.parse((await http("POST", `${svc.url}/v1/tokens`, JSON.stringify({ role: "auditor", label: "bench" }), svc.adminToken)).text).token;

    const lat = async (fn: (i: number) => Promise<{ status: number }>, count: number) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const s = performance.now();
        const r = await fn(i);
        out.push(performance.now() - s);
        if (r.status !== 200 && r.status !== 201) throw new Error(`latency probe got ${r.status}`);
      }
      return out.sort((a, b) => a - b);
    };
    const small = singles[0]!;
    await lat(() => http("POST", `${echo.url}/echo`, small), 200);
    const echoLat = await lat(() => http("POST", `${echo.url}/echo`, small), 3000);
    const rnd = () => Math.floor(Math.random() * cp.treeSize);
    await lat(() => http("GET", `${svc.url}/v1/entries/${rnd()}/receipt`, undefined, auditor), 200);
    const recLat = await lat(() => http("GET", `${svc.url}/v1/entries/${rnd()}/receipt`, undefined, auditor), 3000);

    const pass = (ok: boolean) => (ok ? "meets target" : "BELOW TARGET");
    console.log("");
    console.log("| measure | dxledger | baseline (bare Express echo) | ratio | target |");
    console.log("|---|---|---|---|---|");
    console.log(`| single-record ingest, signed + durable | ${fmt(singleRate)} entries/s | ${fmt(base.rps)} req/s | ${fmt((100 * singleRate) / base.rps, 1)} % | ≥ 8 000/s and ≥ 40 %: ${pass(singleRate >= 8000 && singleRate >= 0.4 * base.rps)} |`);
    console.log(`| batch ingest (1 000 per request) | ${fmt(batchRate)} entries/s | ${fmt(base.rps)} req/s | ${fmt(batchRate / base.rps, 2)}× | ≥ 20 000/s: ${pass(batchRate >= 20000)} |`);
    console.log(`| receipt p50 at ${fmt(cp.treeSize)} entries | ${fmt(pct(recLat, 50), 3)} ms | ${fmt(pct(echoLat, 50), 3)} ms | ${fmt(pct(recLat, 50) / pct(echoLat, 50), 2)}× | < 2 ms: ${pass(pct(recLat, 50) < 2)} |`);
    console.log(`| receipt p99 at ${fmt(cp.treeSize)} entries | ${fmt(pct(recLat, 99), 3)} ms | ${fmt(pct(echoLat, 99), 3)} ms | ${fmt(pct(recLat, 99) / pct(echoLat, 99), 2)}× | < 5 ms: ${pass(pct(recLat, 99) < 5)} |`);
    console.log("");
    console.log(`single run: ${fmt(single.rps)} req/s answered (${single.non2xx} non-2xx, ${single.errors} errors); baseline ${base.non2xx} non-2xx, ${base.errors} errors`);
  } finally {
    echo.stop();
    await svc.stop();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
