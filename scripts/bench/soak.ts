/**
 * Soak: SOAK_CLIENTS (default 200) clients against `dxledger serve` for
 * SOAK_SECONDS (default 120), a city-shaped mix — new signed records, replays,
 * receipts, statistics, and hostile requests (no token, bad parameters) —
 * while the service's RSS is sampled every second from /proc, and every 10 s
 * its live JS heap after a full GC (through the inspector: HeapProfiler.
 * collectGarbage, then process.memoryUsage()). Prints both curves and the
 * bound: the live heap's growth over the second half of the run must stay
 * under SOAK_MAX_MB_PER_S (default 0.1 MB/s). RSS alone also measures V8 and
 * the allocator sizing themselves to the load, which is not a leak.
 *
 * Run: npm run soak   (env: SOAK_SECONDS, SOAK_CLIENTS, SOAK_MAX_MB_PER_S)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon, { type Request as CannonRequest } from "autocannon";
import { Wallet } from "ethers";
import { FastSigner } from "./fast-signer.ts";
import type { Eip712Domain } from "../../src/core/eip712.ts";
import { spawnService } from "./service-process.ts";
import { freeLoopbackPort } from "../../src/adapters/chain/loopback-port.ts";
import { payloadDigest } from "../../src/client/sign.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const MAX_SLOPE = Number(process.env.SOAK_MAX_MB_PER_S ?? 0.1);
// New records the run can add; past them, writes are replays, so the later half measures per-request growth with a log of steady size.
const POOL = Number(process.env.SOAK_NEW_RECORDS ?? 12_000);

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

/** The service's live JS heap (MB) after a full GC, asked through its inspector. */
async function inspector(port: number): Promise<{ sample(): Promise<number>; close(): void }> {
  let targets: Array<{ webSocketDebuggerUrl: string }> = [];
  for (let i = 0; i < 100 && !targets.length; i++) {
    targets = await fetch(`http://127.0.0.1:${port}/json/list`).then(
      (r) => r.json() as Promise<typeof targets>,
      () => [],
    );
    if (!targets.length) await new Promise((r) => setTimeout(r, 100));
  }
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as { id: number; result?: unknown };
    waiting.get(msg.id)?.(msg.result);
    waiting.delete(msg.id);
  };
  const send = (method: string, params: unknown = {}) =>
    new Promise<unknown>((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async sample() {
      await send("HeapProfiler.collectGarbage");
      const r = (await send("Runtime.evaluate", { expression: "process.memoryUsage().heapUsed", returnByValue: true })) as { result: { value: unknown } };
      return Number(r.result.value) / 1024 / 1024;
    },
    close: () => ws.close(),
  };
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den ? num / den : 0;
}

// eslint-disable-next-line max-lines-per-function -- a benchmark driver's main reads as the run's script
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "dxledger-soak-"));
  const inspectPort = await freeLoopbackPort();
  const svc = await spawnService(ROOT, {
    DATA_DIR: dataDir,
    ANCHOR_INTERVAL_MS: "2000",
    LOG_LEVEL: "warn",
    NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
  });
  const pid = svc.child.pid!;
  const liveHeap = await inspector(inspectPort);
  try {
    const info = (await call("GET", `${svc.url}/v1/info`)).json as { eip712: { domain: Eip712Domain } };
    const provider = Wallet.createRandom();
    for (const [id, signer] of [
      ["soak-provider", provider.address],
      ["soak-consumer", Wallet.createRandom().address],
    ] as const) {
      const r = await call("POST", `${svc.url}/v1/departments`, svc.adminToken, { id, name: id, signer });
      if (r.status !== 201) throw new Error(`register ${id}: ${JSON.stringify(r.json)}`);
    }
    const made = await call("POST", `${svc.url}/v1/tokens`, svc.adminToken, { role: "department:soak-provider", label: "soak" });
    if (made.status !== 201) throw new Error(`token: ${JSON.stringify(made.json)}`);
    const dept = (made.json as { token: string }).token;
    const auditor = ((await call("POST", `${svc.url}/v1/tokens`, svc.adminToken, { role: "auditor", label: "soak" })).json as { token: string }).token;
    const regulator = ((await call("POST", `${svc.url}/v1/tokens`, svc.adminToken, { role: "regulator", label: "soak" })).json as { token: string }).token;
    const signer = new FastSigner(provider.privateKey, info.eip712.domain);
    const bodies = Array.from({ length: POOL }, (_, i) =>
      JSON.stringify(
        signer.sign({
          id: `soak-${i}`,
          provider: "soak-provider",
          consumer: "soak-consumer",
          dataset: `city/dataset-${i % 500}`,
          purpose: ["tax assessment", "social benefits", "urban planning", "public health"][i % 4]!,
          legalBasis: "Data Sharing Act s.12",
          recordCount: 1 + (i % 5000),
          payloadDigest: payloadDigest(`payload-${i}`),
          derivedFrom: [],
          occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        }),
      ),
    );
    // Seed some anchored entries so receipts answer.
    const seeded = await call("POST", `${svc.url}/v1/exchanges/batch`, dept, { records: bodies.slice(0, 1000).map((b) => JSON.parse(b) as unknown) });
    if (seeded.status !== 201) throw new Error(`seed: ${JSON.stringify(seeded.json).slice(0, 300)}`);
    await call("POST", `${svc.url}/v1/anchor`, svc.adminToken);

    let w = 1000;
    let r = 0;
    const reqs: CannonRequest[] = [
      {
        method: "POST",
        path: "/v1/exchanges",
        headers: { authorization: `Bearer ${dept}`, "content-type": "application/json" },
        setupRequest: (q) => ({ ...q, body: bodies[w++ % POOL] }),
      },
      {
        method: "GET",
        path: "/v1/entries/0/receipt",
        headers: { authorization: `Bearer ${auditor}` },
        setupRequest: (q) => ({ ...q, path: `/v1/entries/${r++ % 1000}/receipt` }),
      },
      { method: "GET", path: "/v1/stats/usage?from=2026-01-01&to=2026-03-31&groupBy=month", headers: { authorization: `Bearer ${regulator}` } },
      { method: "POST", path: "/v1/exchanges", headers: { "content-type": "application/json" }, body: bodies[0] },
      { method: "GET", path: "/v1/stats/usage?from=2026-13-01&to=2026-02-30", headers: { authorization: `Bearer ${regulator}` } },
      { method: "GET", path: "/v1/exchanges/soak-provider/soak-1", headers: { authorization: "Bearer guess-000000000000000000000000" } },
    ];
    const samples: Array<[number, number]> = [];
    const heap: Array<[number, number]> = [];
    const t0 = Date.now();
    samples.push([0, rssMb(pid)]);
    heap.push([0, await liveHeap.sample()]);
    let tick = 0;
    const timer = setInterval(() => {
      const t = (Date.now() - t0) / 1000;
      samples.push([t, rssMb(pid)]);
      if (++tick % 10 === 0) void liveHeap.sample().then((m) => heap.push([t, m]));
    }, 1000);
    const result = await autocannon({ url: svc.url, connections: CLIENTS, duration: SECONDS, requests: reqs });
    clearInterval(timer);
    heap.push([(Date.now() - t0) / 1000, await liveHeap.sample()]);
    liveHeap.close();
    const after = (await call("GET", `${svc.url}/readyz`)).status;

    console.log(`dxledger soak — ${CLIENTS} clients, ${SECONDS} s, mix of writes, replays, receipts, statistics and hostile requests`);
    console.log(
      `requests: ${Math.round(result.requests.total)} (${Math.round(result.requests.average)}/s), 2xx ${result["2xx"]}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; /readyz after: ${after}`,
    );
    console.log("\n| t (s) | RSS (MB) | live JS heap after GC (MB) |\n|---|---|---|");
    for (const [t, m] of heap) {
      const rss = samples.reduce((best, x) => (Math.abs(x[0] - t) < Math.abs(best[0] - t) ? x : best), samples[0]!)[1];
      console.log(`| ${t.toFixed(0)} | ${rss.toFixed(1)} | ${m.toFixed(1)} |`);
    }
    const second = <T extends [number, number]>(xs: T[]) => xs.filter(([t]) => t >= SECONDS / 2);
    const rssSlope = slope(
      second(samples).map(([t]) => t),
      second(samples).map(([, m]) => m),
    );
    const heapSlope = slope(
      second(heap).map(([t]) => t),
      second(heap).map(([, m]) => m),
    );
    const peak = Math.max(...samples.map(([, m]) => m));
    console.log(
      `\npeak RSS ${peak.toFixed(1)} MB; second half: RSS ${rssSlope.toFixed(3)} MB/s, live heap ${heapSlope.toFixed(3)} MB/s (bound ${MAX_SLOPE} MB/s): ${heapSlope <= MAX_SLOPE ? "HOLDS" : "EXCEEDED"}`,
    );
    if (heapSlope > MAX_SLOPE) process.exitCode = 1;
  } finally {
    await svc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
