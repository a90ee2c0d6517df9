/**
 * ethers v6 client of the `ExchangeLedger` contract. Every read is bounded by
 * RPC_TIMEOUT_MS and every failure is a ChainError (src/core/chain-error.ts).
 * All transactions from the service's account go through one queue and one
 * TxSender, so nonces never collide and a stuck transaction is replaced, not
 * duplicated.
 */
import { Wallet, type JsonRpcProvider, type TransactionReceipt } from "ethers";
import { ChainError, isChainError } from "../../core/chain-error.ts";
import { NO_METRICS, type ChainMetrics } from "../../ports/metrics.ts";
import { ledgerArtifact } from "./artifact.ts";
import { LEDGER_ABI, ledgerContract, type LedgerArgs, type LedgerContract, type LedgerWrite } from "./ledger-contract.ts";
import { deployData } from "./typed-contract.ts";
import { inspectLedger } from "./contract-check.ts";
import { ANCHOR_GAS, DEFAULT_FEES, feeProblem, feesFor, pricePerGas, type FeeSettings } from "./fees.ts";
import { connectRpc, DEFAULT_RPC_TIMEOUT_MS } from "./rpc.ts";
import { toChainError } from "./to-chain-error.ts";
import { TxSender, type SendLimits, type SenderStatus } from "./tx-sender.ts";

export { makeProvider } from "./rpc.ts";

import type { AnchoredTx, ChainCheckpoint, MinedTx } from "../../core/chain-checkpoint.ts";

export type { AnchoredTx, ChainCheckpoint, MinedTx } from "../../core/chain-checkpoint.ts";

/** A department as the contract holds it (`departmentSigner`): its current signer, and false once revoked or if unknown. */
export interface DepartmentOnChain {
  readonly signer: string;
  readonly active: boolean;
}

/** The delays a new ledger is deployed with (constructor arguments). */
export interface LedgerDelays {
  /** Seconds a DEFAULT_ADMIN_ROLE handover waits between its two steps. */
  readonly adminDelay: number;
  /** Seconds between a recovery's proposal and its earliest execution. */
  readonly recoveryDelay: number;
}

/** The embedded development chain: admin handover at once, recoveries after a minute (docs/departments.md "Department keys"). */
export const DEV_DELAYS: LedgerDelays = Object.freeze({ adminDelay: 0, recoveryDelay: 60 });

/** What the chain would make of the anchoring account's next transaction. */
export interface FeeReport {
  readonly mode: "legacy" | "eip1559";
  readonly pricePerGas: string;
  readonly baseFee: string | null;
  readonly balance: string;
  /** Why an anchor would be refused now (fee below base fee, balance too low), if it would. */
  readonly problem: string | undefined;
}

/** What the client is opened with (`LedgerClient.connect`). */
export interface ConnectOptions {
  readonly rpcUrl: string;
  readonly address: string;
  readonly privateKey?: string;
  readonly confirmations?: number;
  readonly fees?: FeeSettings;
  readonly rpcTimeoutMs?: number;
  readonly replaceAfterMs?: number;
  /** Refuse unless the RPC serves this chain id. */
  readonly expectChainId?: number;
  /** Told of every failed call (by ChainError kind) and every confirmed transaction (default: none). */
  readonly metrics?: ChainMetrics;
}

/** What a sent transaction's receipt tells the services: its hash and block. */
const mined = (rc: TransactionReceipt): MinedTx => ({ txHash: rc.hash.toLowerCase(), blockNumber: rc.blockNumber });

export class LedgerClient {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet | undefined;
  readonly address: string;
  /** The ledger, typed from its ABI (ledger-contract.ts); reads through the provider. */
  readonly contract: LedgerContract;
  readonly chainId: number;
  readonly confirmations: number;
  readonly rpcTimeoutMs: number;
  readonly #fees: FeeSettings;
  readonly #sender: TxSender | undefined;
  readonly #metrics: ChainMetrics;
  #txQueue: Promise<unknown> = Promise.resolve();

  private constructor(provider: JsonRpcProvider, wallet: Wallet | undefined, address: string, chainId: number, opts: ConnectOptions) {
    this.provider = provider;
    this.wallet = wallet;
    this.address = address;
    this.chainId = chainId;
    this.confirmations = opts.confirmations ?? 1;
    this.rpcTimeoutMs = opts.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    this.#fees = opts.fees ?? DEFAULT_FEES;
    this.#metrics = opts.metrics ?? NO_METRICS;
    this.contract = ledgerContract(address, wallet ?? provider);
    this.#sender = wallet
      ? new TxSender(wallet, provider, chainId, {
          fees: this.#fees,
          confirmations: this.confirmations,
          ...(opts.replaceAfterMs !== undefined ? { replaceAfterMs: opts.replaceAfterMs } : {}),
        })
      : undefined;
  }

  /**
   * Connects to `rpcUrl`; fails with one clear ChainError when the chain does
   * not answer (UNAVAILABLE), serves another chain id, or holds no
   * ExchangeLedger at `address` (WRONG_CONTRACT).
   */
  static async connect(opts: ConnectOptions): Promise<LedgerClient> {
    const timeout = opts.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    const { provider, chainId } = await connectRpc(opts.rpcUrl, timeout);
    try {
      if (opts.expectChainId !== undefined && chainId !== opts.expectChainId) {
        throw new ChainError("WRONG_CONTRACT", `the RPC serves chain ${chainId}, but this ledger is on chain ${opts.expectChainId}`);
      }
      const found = await inspectLedger(provider, opts.address, chainId).catch((e: unknown) => {
        throw toChainError(e, "reading the ledger contract");
      });
      if (found.kind === "no-code" || found.kind === "not-ledger") throw new ChainError("WRONG_CONTRACT", found.message);
      const wallet = opts.privateKey ? new Wallet(opts.privateKey, provider) : undefined;
      return new LedgerClient(provider, wallet, opts.address.toLowerCase(), chainId, opts);
    } catch (e) {
      provider.destroy();
      throw e;
    }
  }

  /** Deploys a new ledger whose admin and registrar is the wallet, and binds `logId` to it (the embedded chain). */
  static async deploy(rpcUrl: string, privateKey: string, logId: string, delays: LedgerDelays = DEV_DELAYS): Promise<{ address: string; blockNumber: number }> {
    const { provider } = await connectRpc(rpcUrl);
    try {
      const wallet = new Wallet(privateKey, provider);
      const deployed = await (
        await wallet.sendTransaction({ data: deployData(LEDGER_ABI, ledgerArtifact().bytecode, delays.adminDelay, wallet.address, delays.recoveryDelay) })
      ).wait();
      if (!deployed?.contractAddress) throw new ChainError("OTHER", "the ledger's deployment left no contract address in its receipt");
      const address = deployed.contractAddress.toLowerCase();
      const ledger = ledgerContract(address, wallet);
      await (await wallet.sendTransaction({ to: address, data: ledger.encode("bindLog", [logId, wallet.address]) })).wait();
      return { address, blockNumber: deployed.blockNumber };
    } finally {
      provider.destroy();
    }
  }

  /** Synchronous underneath; a Promise so that callers close every resource alike. */
  close(): Promise<void> {
    this.provider.destroy();
    return Promise.resolve();
  }

  /** The transaction the service is waiting for, if any. */
  get pendingTx(): SenderStatus | undefined {
    return this.#sender?.status;
  }

  async #read<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const err = toChainError(e, what, this.contract.interface);
      this.#metrics.chainError(err.kind, what);
      throw err;
    }
  }

  async blockNumber(): Promise<number> {
    return this.#read("eth_blockNumber", () => this.provider.getBlockNumber());
  }

  async checkpointCount(logId: string): Promise<number> {
    return this.#read("checkpointCount", async () => Number(await this.contract.read("checkpointCount", logId)));
  }

  async checkpointAt(logId: string, index: number): Promise<ChainCheckpoint> {
    const r = await this.#read("checkpointAt", () => this.contract.read("checkpointAt", logId, index));
    return { treeSize: Number(r.treeSize), rootHash: r.rootHash.toLowerCase(), anchoredAt: Number(r.anchoredAt), blockNumber: Number(r.blockNumber) };
  }

  /** The transaction that anchored checkpoint `index` of `logId` (from its event), if the chain has it. */
  async checkpointTx(logId: string, index: number, fromBlock: number): Promise<string | undefined> {
    const topic = this.contract.topic("CheckpointAnchored");
    const idx = `0x${index.toString(16).padStart(64, "0")}`;
    const logs = await this.#read("eth_getLogs", () =>
      this.provider.getLogs({ address: this.address, topics: [topic, logId, idx], fromBlock, toBlock: "latest" }),
    );
    return logs.at(-1)?.transactionHash.toLowerCase();
  }

  async departmentSigner(id: string): Promise<DepartmentOnChain> {
    const r = await this.#read("departmentSigner", () => this.contract.read("departmentSigner", id));
    return { signer: r.signer.toLowerCase(), active: r.active };
  }

  async anchorerOf(logId: string): Promise<string> {
    return this.#read("anchorerOf", async () => (await this.contract.read("anchorerOf", logId)).toLowerCase());
  }

  /** The fee the next transaction would offer, the account's balance, and why the chain would refuse it, if it would. */
  async feeReport(): Promise<FeeReport> {
    const { fees, baseFee } = await this.#read("fees", () => feesFor(this.provider, this.#fees));
    const who = this.wallet?.address;
    const balance = who ? await this.#read("eth_getBalance", () => this.provider.getBalance(who)) : 0n;
    const price = pricePerGas(fees);
    let problem = feeProblem(fees, baseFee);
    const need = price * ANCHOR_GAS;
    if (!problem && who && balance < need) {
      problem = `the anchoring account ${who} holds ${balance} wei; an anchor needs about ${need} wei at ${price} wei per gas (fund it, or on a free-gas network set GAS_PRICE=0)`;
    }
    return {
      mode: fees.type === 0 ? "legacy" : "eip1559",
      pricePerGas: price.toString(),
      baseFee: baseFee === undefined ? null : baseFee.toString(),
      balance: balance.toString(),
      problem,
    };
  }

  /** Sends `anchor` and waits for `confirmations`; returns where it landed. */
  async anchor(logId: string, treeSize: number, rootHash: string, proof: readonly string[], limits: SendLimits = {}): Promise<AnchoredTx> {
    const rc = await this.#send("anchor", [logId, treeSize, rootHash, proof], limits);
    const ev = this.#anchoredEvent(rc);
    const block = await this.#read("eth_getBlockByNumber", () => this.provider.getBlock(rc.blockNumber));
    return { index: Number(ev.index), txHash: rc.hash.toLowerCase(), blockNumber: rc.blockNumber, anchoredAt: block?.timestamp ?? 0 };
  }

  async registerDepartment(id: string, signer: string, limits: SendLimits = {}): Promise<MinedTx> {
    return mined(await this.#send("registerDepartment", [id, signer], limits));
  }

  /** Relays a department's own EIP-712 authorization to rotate its signer. */
  async rotateSignerWithAuthorization(id: string, signer: string, deadline: number, signature: string, limits: SendLimits = {}): Promise<MinedTx> {
    return mined(await this.#send("rotateSignerWithAuthorization", [id, signer, deadline, signature], limits));
  }

  /** Proposes a time-locked recovery (REGISTRAR_ROLE). */
  async proposeRecovery(id: string, signer: string, limits: SendLimits = {}): Promise<string> {
    return (await this.#send("proposeRecovery", [id, signer], limits)).hash.toLowerCase();
  }

  async executeRecovery(id: string, limits: SendLimits = {}): Promise<MinedTx> {
    return mined(await this.#send("executeRecovery", [id], limits));
  }

  /** Relays a department's EIP-712 authorization to cancel the pending recovery. */
  async cancelRecoveryWithAuthorization(id: string, deadline: number, signature: string, limits: SendLimits = {}): Promise<string> {
    return (await this.#send("cancelRecoveryWithAuthorization", [id, deadline, signature], limits)).hash.toLowerCase();
  }

  /** Sets the log's directory entry (the anchorer may, for its own log): docs/federation.md "Adding a gateway". */
  async setLogInfo(logId: string, name: string, url: string, operator: string, limits: SendLimits = {}): Promise<string> {
    return (await this.#send("setLogInfo", [logId, name, url, operator], limits)).hash.toLowerCase();
  }

  async revokeDepartment(id: string, limits: SendLimits = {}): Promise<MinedTx> {
    return mined(await this.#send("revokeDepartment", [id], limits));
  }

  /** Registry events after `fromBlock` up to `toBlock`, decoded, in chain order, each with its block. */
  async registryEvents(fromBlock: number, toBlock: number): Promise<Array<{ name: string; id: string; signer: string | null; block: number }>> {
    const logs = await this.#read("eth_getLogs", () => this.provider.getLogs({ address: this.address, fromBlock, toBlock }));
    const out: Array<{ name: string; id: string; signer: string | null; block: number }> = [];
    for (const log of logs) {
      const parsed = this.contract.decodeLog(log);
      if (!parsed) continue;
      if (parsed.name === "DepartmentRegistered")
        out.push({ name: parsed.name, id: parsed.args.id, signer: parsed.args.signer.toLowerCase(), block: log.blockNumber });
      else if (parsed.name === "SignerRotated")
        out.push({ name: parsed.name, id: parsed.args.id, signer: parsed.args.newSigner.toLowerCase(), block: log.blockNumber });
      else if (parsed.name === "DepartmentRevoked") out.push({ name: parsed.name, id: parsed.args.id, signer: null, block: log.blockNumber });
    }
    return out;
  }

  #send<N extends LedgerWrite>(method: N, args: LedgerArgs<N>, limits: SendLimits): Promise<TransactionReceipt> {
    return this.#queue(method, this.contract.encode(method, args), limits).then(
      (rc) => {
        this.#metrics.transactionConfirmed(method, rc.gasUsed);
        return rc;
      },
      (e: unknown) => {
        if (isChainError(e)) this.#metrics.chainError(e.kind, method);
        throw e;
      },
    );
  }

  #queue(method: LedgerWrite, data: string, limits: SendLimits): Promise<TransactionReceipt> {
    const sender = this.#sender;
    if (!sender) return Promise.reject(new Error("this chain client has no signing key"));
    let started = false;
    const run = () => {
      started = true;
      return sender.send(this.address, data, method, this.contract.interface, limits);
    };
    const p = this.#txQueue.then(run, run);
    this.#txQueue = p.catch(() => undefined);
    if (limits.deadline === undefined) return p;
    // The deadline bounds the wait in the queue too (behind an anchoring under way); past it `run` gives up at once.
    // Once `run` has started, the sender answers by itself at the deadline, saying whether it sent anything.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          if (!started) reject(new ChainError("UNAVAILABLE", `${method}: ${this.#busyWith(sender.status)}; this transaction was not sent`));
        },
        Math.max(0, limits.deadline! - Date.now()),
      );
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  /** The account's transaction under way, in words. */
  #busyWith(s: SenderStatus | undefined): string {
    if (!s) return "another transaction of this account is still under way";
    const at = s.minedIn === null ? "not mined yet" : `mined in block ${s.minedIn}, ${s.confirmations.have} of ${s.confirmations.need} confirmations`;
    return `another transaction of this account (${s.what} ${s.txHashes.at(-1) ?? ""}, nonce ${s.nonce}) is still under way: ${at}`;
  }

  /**
   * The account's transaction under way when it has waited longer than
   * `afterMs` since it was first sent without being confirmed (chain writes
   * are stalled: a department change would answer 503 meanwhile); else undefined.
   */
  stalledTx(afterMs: number): { kind: "UNAVAILABLE"; message: string; at: string } | undefined {
    const s = this.#sender?.status;
    if (!s || Date.now() - s.firstSentAt <= afterMs) return undefined;
    const waited = Math.round((Date.now() - s.firstSentAt) / 1000);
    const message = `chain writes stalled: ${this.#busyWith(s).replace(/^another /, "a ")}, sent ${waited} s ago`;
    return { kind: "UNAVAILABLE", message, at: new Date(s.firstSentAt + afterMs).toISOString() };
  }

  #anchoredEvent(rc: TransactionReceipt) {
    for (const log of rc.logs) {
      const parsed = this.contract.decodeLog(log);
      if (parsed?.name === "CheckpointAnchored") return parsed.args;
    }
    throw new ChainError("OTHER", `CheckpointAnchored event missing from transaction ${rc.hash}`);
  }
}
