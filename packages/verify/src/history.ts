/**
 * A department's registry events as the chain has them, in chain order, for
 * the key-history rule. A rotation made by the time-locked recovery (its
 * SignerRotated log is followed in the same transaction by RecoveryExecuted)
 * is marked, so a receipt signed with such a key is flagged to the auditor.
 */
import { Interface, id as keccakId, type Log, type Provider } from "ethers";
import type { RegistryEvent } from "../../../src/core/key-history.ts";
import { LEDGER_ABI } from "./ledger-abi.ts";

const iface = new Interface(LEDGER_ABI as never);
const NAMES = ["DepartmentRegistered", "SignerRotated", "DepartmentRevoked", "RecoveryExecuted"];
/** RecoveryExecuted exists only from the build that brought recovery; older ABIs lack it. */
const topics = NAMES.flatMap((n) => {
  const e = iface.getEvent(n);
  return e ? [e.topicHash] : [keccakId("RecoveryExecuted(bytes32,string,address,address)")];
});

export async function departmentHistory(provider: Provider, contract: string, department: string): Promise<RegistryEvent[]> {
  const logs = await provider.getLogs({ address: contract, topics: [[...new Set(topics)], keccakId(department)], fromBlock: 0, toBlock: "latest" });
  return decodeHistory(logs, department);
}

export function decodeHistory(logs: readonly Log[], department: string): RegistryEvent[] {
  const sorted = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const out: RegistryEvent[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const log = sorted[i]!;
    let p;
    try {
      p = iface.parseLog(log);
    } catch {
      continue;
    }
    if (!p || String(p.args[1]) !== department) continue;
    const at = { block: log.blockNumber, logIndex: log.index };
    if (p.name === "DepartmentRegistered") out.push({ kind: "registered", ...at, signer: String(p.args[2]).toLowerCase() });
    else if (p.name === "DepartmentRevoked") out.push({ kind: "revoked", ...at });
    else if (p.name === "SignerRotated") {
      const next = sorted[i + 1];
      const byRecovery = next !== undefined && next.transactionHash === log.transactionHash && next.index === log.index + 1 && next.topics[0] === topics[3];
      out.push({ kind: "rotated", ...at, signer: String(p.args[3]).toLowerCase(), ...(byRecovery ? { recovery: true } : {}) });
    }
  }
  return out;
}
