/**
 * Departments' registry events as the chain has them, in chain order (block,
 * then log index), for the key-history rule (core/key-history.ts). No block
 * timestamps are read: the rule needs none.
 *
 * A SignerRotated whose next log (same transaction, log index + 1) is
 * RecoveryExecuted is marked `recovery: true`: the key was changed by a
 * registrar's time-locked recovery, not by the department. Ledgers from before
 * recoveries existed simply have no RecoveryExecuted logs.
 */
import { Interface, id as keccakId, type JsonRpcProvider, type Log } from "ethers";
import { ledgerArtifact } from "./artifact.ts";
import type { RegistryEvent } from "../../core/key-history.ts";

const NAMES = ["DepartmentRegistered", "SignerRotated", "DepartmentRevoked", "RecoveryExecuted"] as const;

let iface: Interface | undefined;
function ledgerInterface(): Interface {
  iface ??= new Interface(ledgerArtifact().abi as never[]);
  return iface;
}

function eventTopics(): string[] {
  return NAMES.map((n) => ledgerInterface().getEvent(n)!.topicHash);
}

/** Decodes registry logs; returns [department id, event] pairs in chain order. */
function decode(logs: readonly Log[]): Array<[string, RegistryEvent]> {
  const out: Array<[string, RegistryEvent]> = [];
  const sorted = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const byRecovery = (i: number): boolean => {
    const [log, next] = [sorted[i]!, sorted[i + 1]];
    return next !== undefined && next.transactionHash === log.transactionHash && next.index === log.index + 1 && ledgerInterface().parseLog(next)?.name === "RecoveryExecuted";
  };
  for (const [i, log] of sorted.entries()) {
    const p = ledgerInterface().parseLog(log);
    const at = { block: log.blockNumber, logIndex: log.index };
    if (p?.name === "DepartmentRegistered") out.push([String(p.args[1]), { kind: "registered", ...at, signer: String(p.args[2]).toLowerCase() }]);
    else if (p?.name === "SignerRotated") out.push([String(p.args[1]), { kind: "rotated", ...at, signer: String(p.args[3]).toLowerCase(), ...(byRecovery(i) ? { recovery: true } : {}) }]);
    else if (p?.name === "DepartmentRevoked") out.push([String(p.args[1]), { kind: "revoked", ...at }]);
  }
  return out;
}

/** One department's events (one getLogs, filtered by its idHash). */
export async function registryHistory(provider: JsonRpcProvider, contract: string, departmentId: string): Promise<RegistryEvent[]> {
  const logs = await provider.getLogs({ address: contract, topics: [eventTopics(), keccakId(departmentId)], fromBlock: 0, toBlock: "latest" });
  return decode(logs).filter(([id]) => id === departmentId).map(([, e]) => e);
}

/** Every department's events (one getLogs for the whole contract). */
export async function registryHistories(provider: JsonRpcProvider, contract: string): Promise<Map<string, RegistryEvent[]>> {
  const logs = await provider.getLogs({ address: contract, topics: [eventTopics()], fromBlock: 0, toBlock: "latest" });
  const out = new Map<string, RegistryEvent[]>();
  for (const [id, e] of decode(logs)) {
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(e);
  }
  return out;
}
