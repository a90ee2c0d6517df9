/**
 * A service on an external chain, as an operator runs it: a standalone Anvil
 * (its own process, loopback port, any extra flags), a ledger deployed by the
 * dev account with the log bound to the anchoring account, and the service
 * started with RPC_URL / LEDGER_ADDRESS like on a consortium chain.
 */
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../src/adapters/chain/anvil.ts";
import { rpc, startAnvilNode, startNode, type EvmNode } from "./evm.ts";
import { LedgerClient, type LedgerDelays } from "../../src/adapters/chain/ledger-client.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { logIdOf } from "../../src/config.ts";
import { start } from "./service.ts";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export interface Node extends EvmNode {
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

const withRpc = (n: EvmNode): Node => Object.assign(n, { rpc: <T>(method: string, params: unknown[] = []) => rpc<T>(n.rpcUrl, method, params) });

/** A standalone Anvil on a free loopback port (`port`: bring one back on the same port). */
export async function anvilNode(extra: string[] = [], port?: number): Promise<Node> {
  return withRpc(await startAnvilNode(extra, port === undefined ? {} : { port }));
}

/** A node of either EVM implementation, with no extra flags. */
export async function evmNode(kind: "anvil" | "hardhat"): Promise<Node> {
  return withRpc(await startNode(kind));
}

/** Tests' delays: admin handover at once, recoveries after a minute (move the chain's clock with evm_increaseTime). */
export const TEST_DELAYS: LedgerDelays = { adminDelay: 0, recoveryDelay: 60 };

/**
 * Deploys a ledger with the dev account as admin, binds LOG_NAME's log to
 * `anchorer` (default: the dev account) and lets it register departments.
 */
export async function deployLedger(rpcUrl: string, anchorer?: string, logName = "default", delays: LedgerDelays = TEST_DELAYS): Promise<string> {
  const logId = logIdOf(logName);
  const { address } = await LedgerClient.deploy(rpcUrl, ANVIL_DEV_KEY, logId, delays);
  if (anchorer) {
    const p = new JsonRpcProvider(rpcUrl);
    try {
      const dev = new Wallet(ANVIL_DEV_KEY, p);
      const c = new Contract(address, ledgerArtifact().abi as never[], dev);
      let nonce = await p.getTransactionCount(dev.address, "latest");
      await (await c.getFunction("bindLog")(logId, anchorer, { nonce: nonce++ })).wait();
      await (await c.getFunction("grantRole")(await c.getFunction("REGISTRAR_ROLE")(), anchorer, { nonce: nonce++ })).wait();
    } finally {
      p.destroy();
    }
  }
  return address;
}

/** The service on `rpcUrl` (in this process), with a short RPC timeout unless `env` says otherwise. */
export function serviceOn(dir: string, rpcUrl: string, ledger: string, env: Record<string, string> = {}) {
  return start(dir, {
    RPC_URL: rpcUrl,
    LEDGER_ADDRESS: ledger,
    ANCHOR_PRIVATE_KEY: ANVIL_DEV_KEY,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    RPC_TIMEOUT_MS: "1000",
    ...env,
  });
}

export { until } from "./service.ts";
