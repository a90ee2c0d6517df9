/**
 * Watches a log's checkpoints on chain and holds the service to them: for
 * each new checkpoint, the service must know it (same size and root) and must
 * serve a consistency proof from the previous one that verifies. Anything else
 * is an alarm carrying both sides as evidence.
 */
import { verifyConsistency } from "../../core/merkle/verify.ts";
import { fromHex } from "../../core/hex.ts";
import type { ChainCheckpoint } from "../../core/chain-checkpoint.ts";

export interface MonitorChain {
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
}

export interface MonitorService {
  /** The service's checkpoint `index`, or undefined if it has none. */
  checkpoint(index: number): Promise<{ treeSize: number; rootHash: string } | undefined>;
  consistency(from: number, to: number): Promise<string[]>;
}

export type MonitorEvent =
  | { readonly kind: "ok"; readonly index: number; readonly treeSize: number; readonly rootHash: string }
  | { readonly kind: "alarm"; readonly index: number; readonly reason: string; readonly evidence: unknown };

export class Monitor {
  readonly #chain: MonitorChain;
  readonly #service: MonitorService;
  readonly #logId: string;
  #next = 0;
  #prev: ChainCheckpoint | undefined;

  constructor(chain: MonitorChain, service: MonitorService, logId: string, from = 0) {
    this.#chain = chain;
    this.#service = service;
    this.#logId = logId;
    this.#next = from;
  }

  /** Checks every checkpoint anchored since the last call. */
  async poll(): Promise<MonitorEvent[]> {
    const out: MonitorEvent[] = [];
    const count = await this.#chain.checkpointCount(this.#logId);
    if (this.#next > 0 && !this.#prev) this.#prev = await this.#chain.checkpointAt(this.#logId, this.#next - 1);
    for (; this.#next < count; this.#next++) {
      const i = this.#next;
      const c = await this.#chain.checkpointAt(this.#logId, i);
      out.push(await this.#check(i, c));
      this.#prev = c;
    }
    return out;
  }

  async #check(index: number, c: ChainCheckpoint): Promise<MonitorEvent> {
    const chainSide = { treeSize: c.treeSize, rootHash: c.rootHash, blockNumber: c.blockNumber };
    let known: { treeSize: number; rootHash: string } | undefined;
    try {
      known = await this.#service.checkpoint(index);
    } catch (e) {
      return { kind: "alarm", index, reason: "the service did not answer for this checkpoint", evidence: { chain: chainSide, error: String(e) } };
    }
    if (!known) return { kind: "alarm", index, reason: "checkpoint on chain that the service does not know", evidence: { chain: chainSide } };
    if (known.treeSize !== c.treeSize || known.rootHash !== c.rootHash) {
      return { kind: "alarm", index, reason: "the service's checkpoint differs from the chain's", evidence: { chain: chainSide, service: known } };
    }
    const prev = this.#prev;
    if (prev) {
      let proof: string[];
      try {
        proof = await this.#service.consistency(prev.treeSize, c.treeSize);
      } catch (e) {
        return { kind: "alarm", index, reason: "the service refused a consistency proof", evidence: { from: prev.treeSize, to: c.treeSize, error: String(e) } };
      }
      const v = verifyConsistency(prev.treeSize, c.treeSize, proof.map(fromHex), fromHex(prev.rootHash), fromHex(c.rootHash));
      if (!v.ok) {
        return {
          kind: "alarm",
          index,
          reason: "the service's consistency proof does not verify",
          evidence: { previous: { treeSize: prev.treeSize, rootHash: prev.rootHash }, checkpoint: chainSide, proof, failure: v },
        };
      }
    }
    return { kind: "ok", index, treeSize: c.treeSize, rootHash: c.rootHash };
  }
}
