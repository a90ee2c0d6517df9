/**
 * The one way dxledger opens a JSON-RPC connection: every call bounded by
 * `timeoutMs` (RPC_TIMEOUT_MS), the network fixed (no chain-id probing on each
 * call), no response cache.
 */
import { FetchRequest, JsonRpcProvider } from "ethers";

/** Default RPC_TIMEOUT_MS. */
export const DEFAULT_RPC_TIMEOUT_MS = 5000;

export function makeProvider(rpcUrl: string, timeoutMs: number = DEFAULT_RPC_TIMEOUT_MS): JsonRpcProvider {
  const req = new FetchRequest(rpcUrl);
  req.timeout = timeoutMs;
  return new JsonRpcProvider(req, undefined, { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1, batchMaxCount: 1 });
}
