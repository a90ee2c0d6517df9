/** Shared by the bench drivers: keep-alive HTTP, the echo baseline, autocannon, a bench department and its signed records. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { Wallet } from "ethers";
import { FastSigner } from "./fast-signer.ts";
import type { ServiceProcess } from "./service-process.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import type { Eip712Domain } from "../../src/core/eip712.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request on a keep-alive socket; retried once if the server had just closed that idle socket. */
export async function http(method: string, url: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
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
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

/** The bare Express 5 JSON echo (echo-server.ts) as a child process. */
export async function startEcho(middleware: readonly string[] = []): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const env = { ...process.env, ECHO_MIDDLEWARE: middleware.join(",") };
  const child = spawn(process.execPath, [join(ROOT, "scripts/bench/echo-server.ts")], { stdio: ["ignore", "pipe", "inherit"], env });
  const url = await new Promise<string>((res) => {
    child.stdout.on("data", (d) => {
      const m = /LISTENING (\S+)/.exec(String(d));
      if (m) res(m[1]!);
    });
  });
  return { url, child, stop: () => child.kill("SIGTERM") };
}

/** autocannon POSTs of `bodies` (round robin) for `seconds`. */
export async function cannon(
  url: string,
  bodies: string[],
  opts: { seconds: number; connections: number; token?: string },
): Promise<{ rps: number; non2xx: number; errors: number }> {
  let i = 0;
  const r = await autocannon({
    url,
    method: "POST",
    connections: opts.connections,
    duration: opts.seconds,
    headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return { rps: r.requests.average, non2xx: r.non2xx, errors: r.errors };
}

/** Registers bench-provider and bench-consumer; returns a generator of records signed by bench-provider. */
export async function benchDepartments(svc: ServiceProcess, prefix = "bench"): Promise<() => ExchangeRecord> {
  const info = JSON.parse((await http("GET", `${svc.url}/v1/info`)).text) as { eip712: { domain: Eip712Domain } };
  const provider = Wallet.createRandom();
  for (const [id, signer] of [
    ["bench-provider", provider.address],
    ["bench-consumer", Wallet.createRandom().address],
  ] as const) {
    const r = await http("POST", `${svc.url}/v1/departments`, JSON.stringify({ id, name: id, signer }), svc.adminToken);
    if (r.status !== 201) throw new Error(`register ${id}: ${r.text}`);
  }
  const signer = new FastSigner(provider.privateKey, info.eip712.domain);
  let n = 0;
  return () =>
    signer.sign({
      id: `${prefix}-${++n}`,
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
}

/** The committed log size. */
export const treeSize = async (svc: ServiceProcess): Promise<number> =>
  (JSON.parse((await http("GET", `${svc.url}/v1/info`)).text) as { treeSize: number }).treeSize;

/** POSTs `batches` with `parallel` requests in flight; throws on anything but 201. */
export async function postBatches(svc: ServiceProcess, batches: string[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const body = batches[next++]!;
      const r = await http("POST", `${svc.url}/v1/exchanges/batch`, body, svc.adminToken);
      if (r.status !== 201) throw new Error(`batch: ${r.status} ${r.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Sorted latencies (ms) of `count` sequential calls, after 100 unrecorded warm-up calls. */
export async function latencies(fn: (i: number) => Promise<{ status: number }>, count: number): Promise<number[]> {
  for (let i = 0; i < 100; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    const r = await fn(i);
    out.push(performance.now() - s);
    if (r.status !== 200 && r.status !== 201) throw new Error(`latency probe got ${r.status}`);
  }
  return out.sort((a, b) => a - b);
}

/** CPU seconds (user + system, all threads) a process has used so far; Linux only (/proc), else NaN. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
