/**
 * The one way dxledger opens a JSON-RPC connection: every call bounded by
 * `timeoutMs` (RPC_TIMEOUT_MS), the network fixed (no chain-id probing on each
 * call, and no endless "cannot detect network" retries when the node is
 * down), no response cache.
 */
import { FetchRequest, JsonRpcProvider, Network } from "ethers";
import { ChainError } from "../../core/chain-error.ts";

/** Default RPC_TIMEOUT_MS. */
export const DEFAULT_RPC_TIMEOUT_MS = 5000;

/** A provider for `rpcUrl`; with `chainId` known, it never probes the network. */
export function makeProvider(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS, chainId?: number): JsonRpcProvider {
  const req = new FetchRequest(rpcUrl);
  req.timeout = timeoutMs;
  const opts = { pollingInterval: 250, cacheTimeout: -1, batchMaxCount: 1 };
  if (chainId === undefined) return new JsonRpcProvider(req, undefined, { ...opts, staticNetwork: true });
  const network = Network.from(chainId);
  return new JsonRpcProvider(req, network, { ...opts, staticNetwork: network });
}

/** Asks `rpcUrl` for its chain id with one bounded request; a ChainError UNAVAILABLE when it does not answer. */
export async function rpcChainId(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS): Promise<number> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const why = (e as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String((e as Error).cause ?? (e as Error).message);
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
