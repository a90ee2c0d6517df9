/**
 * The one way dxledger opens a JSON-RPC connection: every call bounded by
 * `timeoutMs` (RPC_TIMEOUT_MS), the network fixed (no chain-id probing on each
 * call, and no endless "cannot detect network" retries when the node is
 * down), no response cache.
 */
import { FetchRequest, JsonRpcProvider, Network, type FetchGetUrlFunc } from "ethers";
import { ChainError } from "../../core/chain-error.ts";

/** Default RPC_TIMEOUT_MS. */
export const DEFAULT_RPC_TIMEOUT_MS = 5000;

/**
 * ethers' own Node transport only stops *waiting* on a timeout; the request
 * stays open, so a frozen node keeps sockets (and the process) alive. This one
 * aborts the request itself when the timeout passes.
 */
const abortingGetUrl: FetchGetUrlFunc = async (req, signal) => {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), req.timeout);
  signal?.addListener(() => ctl.abort());
  const { url, authorization } = withoutCredentials(req.url);
  try {
    const res = await fetch(url, {
      method: req.method,
      headers: { ...Object.fromEntries(Object.entries(req.headers)), ...(authorization ? { authorization } : {}) },
      body: req.body ? Buffer.from(req.body) : undefined,
      signal: ctl.signal,
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    return { statusCode: res.status, statusMessage: res.statusText, headers, body };
  } catch (e) {
    if (ctl.signal.aborted) throw Object.assign(new Error(`request timeout after ${req.timeout} ms`), { code: "TIMEOUT" });
    throw e;
  } finally {
    clearTimeout(timer);
  }
};

/**
 * fetch() refuses URLs carrying `user:password@`; RPC providers hand out such
 * URLs, so the credentials move to a Basic Authorization header.
 */
export function withoutCredentials(rpcUrl: string): { url: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(rpcUrl);
  } catch {
    return { url: rpcUrl };
  }
  if (!u.username && !u.password) return { url: rpcUrl };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}`;
  u.username = "";
  u.password = "";
  return { url: u.toString(), authorization };
}

/** A provider for `rpcUrl`; with `chainId` known, it never probes the network. */
export function makeProvider(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS, chainId?: number): JsonRpcProvider {
  const req = new FetchRequest(rpcUrl);
  req.timeout = timeoutMs;
  req.getUrlFunc = abortingGetUrl;
  const opts = { pollingInterval: 250, cacheTimeout: -1, batchMaxCount: 1 };
  if (chainId === undefined) return new JsonRpcProvider(req, undefined, { ...opts, staticNetwork: true });
  const network = Network.from(chainId);
  return new JsonRpcProvider(req, network, { ...opts, staticNetwork: network });
}

/** Asks `rpcUrl` for its chain id with one bounded request; a ChainError UNAVAILABLE when it does not answer. */
export async function rpcChainId(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS): Promise<number> {
  let res: Response;
  const { url, authorization } = withoutCredentials(rpcUrl);
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    // fetch rejects with an Error: a DOMException named TimeoutError on the timeout, else a TypeError whose cause (an Error) says why.
    const err = e as Error;
    const why = err.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : err.cause instanceof Error ? String(err.cause) : err.message;
    throw new ChainError("UNAVAILABLE", `the chain's RPC does not answer (${why})`);
  }
  const body = (await res.json().catch(() => undefined)) as { result?: string } | undefined;
  if (!res.ok || typeof body?.result !== "string") throw new ChainError("UNAVAILABLE", `the RPC answered eth_chainId with HTTP ${res.status} and no chain id`);
  return Number(BigInt(body.result));
}

/** A provider whose chain id was asked once, bounded. */
export async function connectRpc(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  const chainId = await rpcChainId(rpcUrl, timeoutMs);
  return { provider: makeProvider(rpcUrl, timeoutMs, chainId), chainId };
}
