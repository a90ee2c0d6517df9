/**
 * The chain a CLI command talks to (SPEC §6): `--rpc`, else RPC_URL, else the
 * embedded chain — the running one on CHAIN_PORT, or, with the service
 * stopped, one brought up read-only from the state under DATA_DIR.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { rpcReady, startAnvilReadOnly } from "../adapters/chain/anvil.ts";
import { nonEmpty } from "./non-empty.ts";

export interface CliChain {
  readonly rpcUrl: string;
  /** What was chosen, when it was not given explicitly. */
  readonly note?: string;
  stop(): Promise<void>;
}

export async function chainForCli(rpc: string | undefined, env: NodeJS.ProcessEnv): Promise<CliChain> {
  const none = async () => {};
  if (rpc) return { rpcUrl: rpc, stop: none };
  if (env.RPC_URL) return { rpcUrl: env.RPC_URL, stop: none };
  const local = `http://127.0.0.1:${nonEmpty(env.CHAIN_PORT) ?? "8545"}`;
  if (await rpcReady(local)) return { rpcUrl: local, note: `using the embedded chain at ${local}`, stop: none };
  const stateFile = join(resolve(nonEmpty(env.DATA_DIR) ?? "./data"), "chain", "anvil-state.json");
  if (!existsSync(stateFile)) {
    throw new Error(`no chain: give --rpc or RPC_URL, or run where DATA_DIR holds the embedded chain (${stateFile} not found, nothing answers on ${local})`);
  }
  const chain = await startAnvilReadOnly(stateFile);
  return { rpcUrl: chain.rpcUrl, note: `service stopped: brought up the embedded chain from ${stateFile} (read-only)`, stop: () => chain.stop() };
}
