/**
 * The demo's HTTP: JSON calls to the public API with a bearer token, waiting
 * as told on 429 RATE_LIMITED and 503 (OVERLOADED, ANCHORING_STALLED …) —
 * the service's own backpressure — and a small pool that keeps a few
 * requests in flight so the service's group commit has company.
 */
import { Agent, request } from "node:http";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(`${status} ${code}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

/** Longest the demo waits out the service's backpressure on one call. */
const MAX_RETRY_MS = 60_000;

/** node:http with kept-alive connections: about half the CPU of fetch per call, which counts with 40 000 calls on two cores. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: string | undefined,
): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end(payload);
  });
}

// eslint-disable-next-line complexity -- one branch per answer status the demo handles
export async function call<T>(base: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  const url = new URL(path, base);
  const end = Date.now() + MAX_RETRY_MS;
  for (;;) {
    let res;
    try {
      res = await send(url, method, headers, payload);
    } catch (e) {
      // A kept-alive socket the server closed as idle just as it was reused (more likely with several gateways,
      // whose sockets wait while others are busy): sent again on a fresh one. Every write the demo makes is
      // idempotent (replays answer with the original), so a request that did arrive is not doubled.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === "ECONNRESET" || code === "EPIPE") && Date.now() < end) continue;
      throw e;
    }
    let json: { error?: { code: string; message: string } } | undefined;
    try {
      json = JSON.parse(res.text) as typeof json;
    } catch {
      json = undefined;
    }
    if (res.status >= 200 && res.status < 300) return json as T;
    const code = json?.error?.code ?? "HTTP_ERROR";
    if ((res.status === 429 || res.status === 503) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.min(5, Number(res.retryAfter) || 1) * 1000));
      continue;
    }
    throw new ApiError(res.status, code, `${method} ${path}: ${json?.error?.message ?? `HTTP ${res.status}`}`);
  }
}

/** Lets the process exit once the demo is done with the service. */
export function closeConnections(): void {
  agent.destroy();
}

/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure (after the others settle). */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
}
