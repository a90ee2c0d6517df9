/** A department's registry events as the chain has them, with block times (for key history). */
import { Contract, id as keccakId, type JsonRpcProvider } from "ethers";
import { ledgerArtifact } from "./artifact.ts";
import type { RegistryEvent } from "../../core/key-history.ts";

export async function registryHistory(provider: JsonRpcProvider, contract: string, departmentId: string): Promise<RegistryEvent[]> {
  const iface = new Contract(contract, ledgerArtifact().abi as never[]).interface;
  const topics = ["DepartmentRegistered", "SignerRotated", "DepartmentRevoked"].map((n) => iface.getEvent(n)!.topicHash);
  const logs = await provider.getLogs({ address: contract, topics: [topics, keccakId(departmentId)], fromBlock: 0, toBlock: "latest" });
  const times = new Map<number, number>();
  for (const bn of new Set(logs.map((l) => l.blockNumber))) times.set(bn, (await provider.getBlock(bn))!.timestamp);
  const out: RegistryEvent[] = [];
  for (const log of logs) {
    const p = iface.parseLog(log);
    const timestamp = times.get(log.blockNumber)!;
    if (p?.name === "DepartmentRegistered") out.push({ kind: "registered", timestamp, signer: String(p.args[2]).toLowerCase() });
    else if (p?.name === "SignerRotated") out.push({ kind: "rotated", timestamp, signer: String(p.args[3]).toLowerCase() });
    else if (p?.name === "DepartmentRevoked") out.push({ kind: "revoked", timestamp });
  }
  return out;
}
