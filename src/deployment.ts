/**
 * Which contract, chain and log a data dir belongs to, found or made at
 * start (composition-root helpers of server.ts): a configured or remembered
 * contract checked for what it is, the embedded chain's deployment, the log a
 * data dir holds, and departments an embedded chain lost.
 */
import type { Config } from "./config.ts";
import type { Store } from "./adapters/leveldb/store.ts";
import { K } from "./adapters/leveldb/keys.ts";
import { LedgerClient } from "./adapters/chain/ledger-client.ts";
import { connectRpc } from "./adapters/chain/rpc.ts";
import { inspectLedger } from "./adapters/chain/contract-check.ts";
import type { Logger } from "./adapters/http/errors.ts";
import { ChainError } from "./core/chain-error.ts";
import type { DepartmentRecord } from "./services/departments/departments.ts";

/** What a data dir anchors to (K.deployment): one contract on one chain, one log. */
export interface Deployment {
  readonly address: string;
  readonly chainId: number;
  readonly deployedAtBlock: number;
  /** Absent in data dirs from before they remembered their log; written at the next start. */
  readonly logName?: string;
  readonly logId?: string;
}

/** Refuses a data dir started under another LOG_NAME than the one it holds; remembers the log otherwise. */
export async function rememberLog(store: Store, config: Config, d: Deployment): Promise<Deployment> {
  if (d.logId && d.logId !== config.logId) {
    throw new Error(
      `this data dir holds log "${d.logName}" (${d.logId}); LOG_NAME is now "${config.logName}" — set LOG_NAME=${d.logName}, or use that log's own DATA_DIR`,
    );
  }
  if (d.logId) return d;
  const withLog = { ...d, logName: config.logName, logId: config.logId };
  await store.putJson(K.deployment, withLog);
  return withLog;
}

/**
 * Finds the contract to use: configured, remembered in the data dir, or
 * (embedded) newly deployed. A data dir remembers the contract and chain it
 * anchors to; pointing it at another one is refused (its checkpoints and
 * receipts belong to the first).
 */
export async function resolveContract(config: Config, rpcUrl: string, store: Store, log: Logger): Promise<Deployment> {
  const { provider, chainId } = await connectRpc(rpcUrl, config.chain.rpcTimeoutMs);
  try {
    const known = await store.getJson<Deployment>(K.deployment);
    if (config.ledgerAddress) {
      if (known && (known.address !== config.ledgerAddress || known.chainId !== chainId)) {
        throw new ChainError(
          "WRONG_CONTRACT",
          `this data dir anchors to ${known.address} on chain ${known.chainId}; LEDGER_ADDRESS/RPC_URL now name ${config.ledgerAddress} on chain ${chainId} (use another DATA_DIR for another ledger)`,
        );
      }
      const found = await inspectLedger(provider, config.ledgerAddress, chainId);
      if (found.kind === "no-code" || found.kind === "not-ledger") throw new ChainError("WRONG_CONTRACT", `LEDGER_ADDRESS: ${found.message}`);
      if (found.kind === "ledger-other-build" || found.kind === "ledger-earlier-build") log.warn(found.message);
      const d = known ?? { address: config.ledgerAddress, chainId, deployedAtBlock: 0 };
      if (!known) await store.putJson(K.deployment, d);
      return d;
    }
    if (known && (await provider.getCode(known.address)) !== "0x") return known;
    if (known) log.warn("the embedded chain lost the ledger contract; deploying it again and re-anchoring", known);
    const { address, blockNumber } = await LedgerClient.deploy(rpcUrl, config.anchorPrivateKey, config.logId);
    const d: Deployment = { address, chainId, deployedAtBlock: blockNumber, ...(known?.logId ? { logName: known.logName, logId: known.logId } : {}) };
    await store.putJson(K.deployment, d);
    log.info("deployed ExchangeLedger", d);
    return d;
  } finally {
    provider.destroy();
  }
}

/** Puts back departments an embedded chain lost (same ids, last known signer and status). */
export async function restoreDepartments(store: Store, client: LedgerClient, log: Logger): Promise<void> {
  for (const d of await store.jsonRange<DepartmentRecord>(K.departmentPrefix)) {
    const onChain = await client.departmentSigner(d.id);
    if (onChain.signer !== "0x0000000000000000000000000000000000000000") continue;
    await client.registerDepartment(d.id, d.signer);
    if (!d.active) await client.revokeDepartment(d.id);
    log.warn("re-registered a department the chain had lost", { id: d.id });
  }
}
