/**
 * What verification reads from the chain, cached for the life of the view:
 * one read per checkpoint index, per contract inspection, per department's
 * registry history and per anchoring transaction, however many receipts.
 */
import { Contract, FetchRequest, Interface, JsonRpcProvider, type Provider, type Result } from "ethers";
import type { RegistryEvent } from "../../../src/core/key-history.ts";
import { departmentHistory } from "./history.ts";
import { inspectLedger, type LedgerInspection } from "./inspect.ts";
import { LEDGER_ABI } from "./ledger-abi.ts";

export interface ChainOptions {
  /** The chain's JSON-RPC endpoint (any node of it: the auditor's own, ideally). */
  readonly rpcUrl?: string;
  /** An ethers provider to use instead of `rpcUrl` (it stays the caller's: close() leaves it open). */
  readonly provider?: Provider;
  /** Bound on each RPC request (default 30 000 ms). */
  readonly timeoutMs?: number;
}

export interface OnChainCheckpoint {
  readonly size: number;
  readonly root: string;
  readonly block: number;
}

const iface = new Interface(LEDGER_ABI);

export class ChainView {
  readonly provider: Provider;
  readonly #owned: JsonRpcProvider | undefined;
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(opts: ChainOptions) {
    if (opts.provider) this.provider = opts.provider;
    else if (opts.rpcUrl) {
      const req = new FetchRequest(opts.rpcUrl);
      req.timeout = opts.timeoutMs ?? 30_000;
      this.#owned = new JsonRpcProvider(req, undefined, { staticNetwork: false, batchMaxCount: 10 });
      this.provider = this.#owned;
    } else throw new TypeError("verify: give rpcUrl or provider");
  }

  #once<T>(key: string, f: () => Promise<T>): Promise<T> {
    let p = this.#memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = f();
      this.#memo.set(key, p);
      p.catch(() => this.#memo.delete(key)); // a failed read is not cached
    }
    return p;
  }

  chainId(): Promise<number> {
    return this.#once("chainId", async () => Number((await this.provider.getNetwork()).chainId));
  }

  ledger(contract: string): Contract {
    return new Contract(contract, LEDGER_ABI, this.provider);
  }

  inspect(contract: string): Promise<LedgerInspection> {
    return this.#once(`inspect:${contract}`, async () => inspectLedger(this.provider, contract, await this.chainId()));
  }

  count(contract: string, logId: string): Promise<number> {
    return this.#once(`count:${contract}:${logId}`, async () => Number(await this.ledger(contract).getFunction("checkpointCount")(logId)));
  }

  /** Checkpoint `index` as the chain has it; undefined when the chain has fewer. */
  checkpoint(contract: string, logId: string, index: number): Promise<OnChainCheckpoint | undefined> {
    return this.#once(`cp:${contract}:${logId}:${index}`, async () => {
      if (index >= (await this.count(contract, logId))) return undefined;
      const c = (await this.ledger(contract).getFunction("checkpointAt")(logId, index)) as Result;
      return { size: Number(c[0]), root: String(c[1]).toLowerCase(), block: Number(c[3]) };
    });
  }

  /** The first checkpoint (index ≤ `atMost`, which MUST cover it) whose tree covers `leafIndex`: binary search by tree size. */
  async firstCovering(contract: string, logId: string, leafIndex: number, atMost: number): Promise<number> {
    let lo = 0;
    let hi = atMost;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((await this.checkpoint(contract, logId, mid))!.size > leafIndex) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  history(contract: string, department: string): Promise<RegistryEvent[]> {
    return this.#once(`history:${contract}:${department}`, () => departmentHistory(this.provider, contract, department));
  }

  /**
   * The consistency proof the chain accepted with checkpoint `index`: decoded
   * from the calldata of the transaction that anchored it. Undefined when that
   * transaction did not call `anchor` directly (a multisig or a relayer did).
   */
  anchorProof(contract: string, logId: string, index: number, block: number): Promise<string[] | undefined> {
    return this.#once(`proof:${contract}:${logId}:${index}`, async () => {
      const topic = iface.getEvent("CheckpointAnchored")!.topicHash;
      const idx = `0x${index.toString(16).padStart(64, "0")}`;
      const logs = await this.provider.getLogs({ address: contract, topics: [topic, logId, idx], fromBlock: block, toBlock: block });
      const log = logs[0];
      if (!log) return undefined;
      const tx = await this.provider.getTransaction(log.transactionHash);
      if (!tx || tx.to?.toLowerCase() !== contract.toLowerCase()) return undefined;
      const call = iface.parseTransaction({ data: tx.data });
      if (call?.name !== "anchor" || String(call.args[0]).toLowerCase() !== logId) return undefined;
      return (call.args[3] as string[]).map((h) => h.toLowerCase());
    });
  }

  close(): void {
    this.#owned?.destroy();
  }
}
