/**
 * LedgerView over the chain: checkpoints through the service's LedgerClient
 * (read-only, the contract inspected at connect), the federation directory
 * through its view functions (logCount, logAt, logInfo). A contract without
 * the directory reverts on logCount: that is "no directory", not an error.
 */
import { Contract } from "ethers";
import { LedgerClient } from "../../adapters/chain/ledger-client.ts";
import type { ChainCheckpoint, LedgerView, LogRef } from "../ports.ts";

const DIRECTORY_ABI = [
  "function logCount() view returns (uint256)",
  "function logAt(uint256 i) view returns (bytes32)",
  "function logInfo(bytes32 logId) view returns (string name, string url, string operator, address anchorer)",
];

export class ChainLedgerView implements LedgerView {
  readonly #client: LedgerClient;
  readonly #directory: Contract;
  readonly chainId: number;
  readonly contract: string;

  private constructor(client: LedgerClient) {
    this.#client = client;
    this.chainId = client.chainId;
    this.contract = client.address;
    this.#directory = new Contract(client.address, DIRECTORY_ABI, client.provider);
  }

  static async connect(rpcUrl: string, address: string, rpcTimeoutMs: number): Promise<ChainLedgerView> {
    return new ChainLedgerView(await LedgerClient.connect({ rpcUrl, address, rpcTimeoutMs }));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  checkpointCount(logId: string): Promise<number> {
    return this.#client.checkpointCount(logId);
  }

  async checkpointAt(logId: string, index: number): Promise<ChainCheckpoint | undefined> {
    if (index >= (await this.#client.checkpointCount(logId))) return undefined;
    return this.#client.checkpointAt(logId, index);
  }

  async directory(): Promise<LogRef[] | undefined> {
    let count: bigint;
    try {
      count = (await this.#directory.getFunction("logCount")()) as bigint;
    } catch (e) {
      if ((e as { code?: string }).code === "CALL_EXCEPTION" || (e as { code?: string }).code === "BAD_DATA") return undefined;
      throw e;
    }
    const ids = await Promise.all(Array.from({ length: Number(count) }, (_, i) => this.#directory.getFunction("logAt")(i) as Promise<string>));
    return Promise.all(
      ids.map(async (logId) => {
        // logInfo(bytes32) returns (name, url, operator).
        const r = (await this.#directory.getFunction("logInfo")(logId)) as readonly [unknown, unknown, unknown];
        return { logId: logId.toLowerCase(), name: String(r[0]) || null, url: String(r[1]), operator: String(r[2]) || null };
      }),
    );
  }
}
