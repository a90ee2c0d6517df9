/**
 * Departments' registry events as the chain has them, in chain order (block,
 * then log index), for the key-history rule (src/core/key-history.ts). No
 * block timestamps are read: the rule needs none. A rotation made by the
 * time-locked recovery (its SignerRotated log is followed in the same
 * transaction by RecoveryExecuted) is marked `recovery: true`, so a receipt
 * signed with such a key is flagged to the auditor. Ledgers from before
 * recoveries existed simply have no RecoveryExecuted logs.
 * The service's audit reads the same decoding (src/adapters/chain/registry-history.ts).
 */
import { Interface, id as keccakId, type Log, type Provider } from "ethers";
import type { RegistryEvent } from "../../../src/core/key-history.ts";
import { LEDGER_ABI } from "./ledger-abi.ts";

const iface = new Interface(LEDGER_ABI);
const NAMES = ["DepartmentRegistered", "SignerRotated", "DepartmentRevoked", "RecoveryExecuted"] as const;
const TOPICS = NAMES.map((n) => iface.getEvent(n)!.topicHash);
const RECOVERY_EXECUTED = TOPICS[3];

/** Decodes registry logs (any order, any departments) into [department id, event] pairs in chain order. */
export function decodeRegistryLogs(logs: readonly Log[]): Array<[string, RegistryEvent]> {
  const sorted = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const out: Array<[string, RegistryEvent]> = [];
  for (const [i, log] of sorted.entries()) {
    let p;
    try {
      p = iface.parseLog(log);
    } catch {
      continue;
    }
    if (!p) continue;
    const id = String(p.args[1]);
    const at = { block: log.blockNumber, logIndex: log.index };
    if (p.name === "DepartmentRegistered") out.push([id, { kind: "registered", ...at, signer: String(p.args[2]).toLowerCase() }]);
    else if (p.name === "DepartmentRevoked") out.push([id, { kind: "revoked", ...at }]);
    else if (p.name === "SignerRotated") {
      const next = sorted[i + 1];
      const recovery = next?.transactionHash === log.transactionHash && next.index === log.index + 1 && next.topics[0] === RECOVERY_EXECUTED;
      out.push([id, { kind: "rotated", ...at, signer: String(p.args[3]).toLowerCase(), ...(recovery ? { recovery: true } : {}) }]);
    }
  }
  return out;
}

/** One department's events (one getLogs, filtered by its idHash). */
export async function departmentHistory(provider: Provider, contract: string, department: string): Promise<RegistryEvent[]> {
  const logs = await provider.getLogs({ address: contract, topics: [TOPICS, keccakId(department)], fromBlock: 0, toBlock: "latest" });
  return decodeRegistryLogs(logs)
    .filter(([id]) => id === department)
    .map(([, e]) => e);
}

/** Every department's events (one getLogs for the whole contract). */
export async function registryHistories(provider: Provider, contract: string): Promise<Map<string, RegistryEvent[]>> {
  const logs = await provider.getLogs({ address: contract, topics: [TOPICS], fromBlock: 0, toBlock: "latest" });
  const out = new Map<string, RegistryEvent[]>();
  for (const [id, e] of decodeRegistryLogs(logs)) {
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(e);
  }
  return out;
}
