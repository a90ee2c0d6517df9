/**
 * Asks another gateway how it is (the GatewayProbe port of
 * ports/federation.ts): GET <url>/readyz and GET <url>/v1/info in
 * parallel, each bounded by the timeout, no redirects followed. Resolves,
 * never rejects: a gateway that cannot be asked is `reachable: false` with
 * the reason.
 */
import type { GatewayAnchoring, GatewayHealth, GatewayProbe } from "../../ports/federation.ts";

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
}

async function getJson(url: string, timeoutMs: number): Promise<Answer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error", headers: { accept: "application/json" } });
  const text = await res.text();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    body = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

function why(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null | undefined;
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  return String(err?.cause?.code ?? err?.cause?.message ?? err?.message ?? e).slice(0, 200);
}

function anchoringOf(x: unknown): GatewayAnchoring | null {
  if (!x || typeof x !== "object") return null;
  const a = x as Record<string, unknown>;
  return typeof a.pending === "number" && typeof a.oldestPendingAgeMs === "number" ? (a as GatewayAnchoring) : null;
}

export class HttpGatewayProbe implements GatewayProbe {
  // eslint-disable-next-line complexity -- one check per field of a gateway's answer, in the order they are reported
  async probe(url: string, timeoutMs: number): Promise<GatewayHealth> {
    let base: string;
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
      base = url.replace(/\/+$/, "");
    } catch {
      return { reachable: false, ready: false, anchoring: null, logId: null, error: `not an http(s) URL: ${url.slice(0, 200)}` };
    }
    const [ready, info] = await Promise.allSettled([getJson(`${base}/readyz`, timeoutMs), getJson(`${base}/v1/info`, timeoutMs)]);
    if (ready.status === "rejected" && info.status === "rejected")
      return { reachable: false, ready: false, anchoring: null, logId: null, error: why(ready.reason, timeoutMs) };
    const r = ready.status === "fulfilled" ? ready.value : undefined;
    const i = info.status === "fulfilled" && info.value.status === 200 ? info.value.body : undefined;
    const isReady = r?.status === 200;
    const logId = typeof i?.logId === "string" ? i.logId.toLowerCase() : null;
    const anchoring = anchoringOf(i?.anchoring) ?? anchoringOf(r?.body?.anchoring);
    let error: string | null = null;
    if (!r) error = `GET /readyz: ${why((ready as PromiseRejectedResult).reason, timeoutMs)}`;
    else if (!isReady) error = `GET /readyz answered ${r.status}${r.body?.checks ? `: ${JSON.stringify(r.body.checks).slice(0, 300)}` : ""}`;
    else if (!i) error = info.status === "rejected" ? `GET /v1/info: ${why(info.reason, timeoutMs)}` : `GET /v1/info answered ${info.value.status}`;
    return { reachable: true, ready: isReady, anchoring, logId, error };
  }
}
