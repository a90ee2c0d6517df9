/**
 * ethers v6 client of the `ExchangeLedger` contract. All transactions from the
 * service's account go through one queue, so nonces never collide.
 */
import { Contract, ContractFactory, JsonRpcProvider, Wallet, type Log, type TransactionReceipt } from "ethers";
import { ledgerArtifact } from "./artifact.ts";

export interface ChainCheckpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly anchoredAt: number;
  readonly blockNumber: number;
}

export interface AnchoredTx {
  readonly index: number;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: number;
}

export interface DepartmentOnChain {
  readonly signer: string;
  readonly active: boolean;
}

export class LedgerClient {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet | undefined;
  readonly address: string;
  readonly contract: Contract;
  readonly chainId: number;
  readonly confirmations: number;
  #txQueue: Promise<unknown> = Promise.resolve();

  private constructor(provider: JsonRpcProvider, wallet: Wallet | undefined, address: string, chainId: number, confirmations: number) {
    this.provider = provider;
    this.wallet = wallet;
    this.address = address;
    this.chainId = chainId;
    this.confirmations = confirmations;
    this.contract = new Contract(address, ledgerArtifact().abi as never[], wallet ?? provider);
  }

  /** Connects to `rpcUrl`; fails clearly if no `ExchangeLedger` code is at `address`. */
  static async connect(opts: {
    rpcUrl: string;
    address: string;
    privateKey?: string;
    confirmations?: number;
  }): Promise<LedgerClient> {
    const provider = makeProvider(opts.rpcUrl);
    const net = await provider.getNetwork();
    const code = await provider.getCode(opts.address);
    if (code === "0x") throw new Error(`no contract code at ${opts.address} on chain ${net.chainId}`);
    const wallet = opts.privateKey ? new Wallet(opts.privateKey, provider) : undefined;
    return new LedgerClient(provider, wallet, opts.address.toLowerCase(), Number(net.chainId), opts.confirmations ?? 1);
  }

  /** Deploys a new ledger whose admin and registrar is the wallet, and binds `logId` to it. */
  static async deploy(rpcUrl: string, privateKey: string, logId: string): Promise<{ address: string; blockNumber: number }> {
    const provider = makeProvider(rpcUrl);
    const wallet = new Wallet(privateKey, provider);
    const { abi, bytecode } = ledgerArtifact();
    const factory = new ContractFactory(abi as never[], bytecode, wallet);
    const c = await factory.deploy(wallet.address);
    const rc = await c.deploymentTransaction()!.wait();
    const address = (await c.getAddress()).toLowerCase();
    const bound = await (c as unknown as Contract).getFunction("bindLog")(logId, wallet.address);
    await bound.wait();
    provider.destroy();
    return { address, blockNumber: rc!.blockNumber };
  }

  async close(): Promise<void> {
    this.provider.destroy();
  }

  async blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  async checkpointCount(logId: string): Promise<number> {
    return Number(await this.contract.getFunction("checkpointCount")(logId));
  }

  async checkpointAt(logId: string, index: number): Promise<ChainCheckpoint> {
    const r = await this.contract.getFunction("checkpointAt")(logId, index);
    return { treeSize: Number(r[0]), rootHash: String(r[1]).toLowerCase(), anchoredAt: Number(r[2]), blockNumber: Number(r[3]) };
  }

  async departmentSigner(id: string): Promise<DepartmentOnChain> {
    const r = await this.contract.getFunction("departmentSigner")(id);
    return { signer: String(r[0]).toLowerCase(), active: Boolean(r[1]) };
  }

  async anchorerOf(logId: string): Promise<string> {
    return String(await this.contract.getFunction("anchorerOf")(logId)).toLowerCase();
  }

  /** Sends `anchor` and waits for `confirmations`; returns where it landed. */
  async anchor(logId: string, treeSize: number, rootHash: string, proof: readonly string[]): Promise<AnchoredTx> {
    const rc = await this.#send("anchor", [logId, treeSize, rootHash, proof]);
    const ev = this.#event(rc, "CheckpointAnchored");
    const block = await this.provider.getBlock(rc.blockNumber);
    return { index: Number(ev.args[1]), txHash: rc.hash.toLowerCase(), blockNumber: rc.blockNumber, anchoredAt: block?.timestamp ?? 0 };
  }

  async registerDepartment(id: string, signer: string): Promise<string> {
    return (await this.#send("registerDepartment", [id, signer])).hash.toLowerCase();
  }

  async rotateSigner(id: string, signer: string): Promise<string> {
    return (await this.#send("rotateSigner", [id, signer])).hash.toLowerCase();
  }

  async revokeDepartment(id: string): Promise<string> {
    return (await this.#send("revokeDepartment", [id])).hash.toLowerCase();
  }

  /** Registry events after `fromBlock` up to `toBlock`, decoded, in chain order. */
  async registryEvents(fromBlock: number, toBlock: number): Promise<Array<{ name: string; id: string; signer: string | null }>> {
    const logs = await this.provider.getLogs({ address: this.address, fromBlock, toBlock });
    const out: Array<{ name: string; id: string; signer: string | null }> = [];
    for (const log of logs) {
      const parsed = this.contract.interface.parseLog(log as Log);
      if (!parsed) continue;
      if (parsed.name === "DepartmentRegistered") out.push({ name: parsed.name, id: parsed.args[1], signer: String(parsed.args[2]).toLowerCase() });
      else if (parsed.name === "SignerRotated") out.push({ name: parsed.name, id: parsed.args[1], signer: String(parsed.args[3]).toLowerCase() });
      else if (parsed.name === "DepartmentRevoked") out.push({ name: parsed.name, id: parsed.args[1], signer: null });
    }
    return out;
  }

  /** Revert reason of a failed call as the contract's custom error name, if any. */
  decodeError(e: unknown): string | undefined {
    const data = (e as { data?: string; info?: { error?: { data?: string } } })?.data ?? (e as { info?: { error?: { data?: string } } })?.info?.error?.data;
    if (typeof data !== "string") return undefined;
    try {
      return this.contract.interface.parseError(data)?.name;
    } catch {
      return undefined;
    }
  }

  #send(method: string, args: unknown[]): Promise<TransactionReceipt> {
    if (!this.wallet) return Promise.reject(new Error("this chain client has no signing key"));
    const run = async (): Promise<TransactionReceipt> => {
      const tx = await this.contract.getFunction(method)(...args);
      const rc = (await tx.wait(this.confirmations)) as TransactionReceipt | null;
      if (!rc || rc.status !== 1) throw new Error(`${method} transaction failed`);
      return rc;
    };
    const p = this.#txQueue.then(run, run);
    this.#txQueue = p.catch(() => undefined);
    return p;
  }

  #event(rc: TransactionReceipt, name: string) {
    for (const log of rc.logs) {
      const parsed = this.contract.interface.parseLog(log);
      if (parsed?.name === name) return parsed;
    }
    throw new Error(`${name} event missing from transaction ${rc.hash}`);
  }
}

export function makeProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1 });
}
