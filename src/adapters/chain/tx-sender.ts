/**
 * Sends the service's transactions: one at a time (the caller queues), each
 * with an explicit nonce, fee and gas limit, and waits for CONFIRMATIONS.
 *
 * Contract:
 * - A transaction that stays unmined for `replaceAfterMs` is replaced with the
 *   SAME nonce and a fee at least 15 % higher (nodes require ≥ 10 %), never
 *   above MAX_GAS_PRICE — or, when none is set, 10 × the first price. At the
 *   cap (and on free-gas chains, where 0 cannot rise) the last version is
 *   broadcast again instead, in case a node dropped it. Whichever version is
 *   mined is the result; the nonce makes a second one impossible, so an
 *   anchor is never duplicated.
 * - Every version's hash is known before it is sent (computed locally), so a
 *   send that timed out after the node took it, or a node answering "already
 *   known", still counts as sent.
 * - A transaction given up on (deadline, shutdown) stays this sender's
 *   business: the next send MUST first see it mined or its nonce used, so a
 *   later transaction never silently replaces it.
 * - A receipt counts only once `confirmations` blocks hold it, and only while
 *   the chain still has it in the same block (a reorg makes it wait again).
 * - Every failure is a ChainError (a mined revert names the contract's custom
 *   error); every RPC call is bounded by the provider's timeout; `deadline`
 *   and `signal` bound the whole wait.
 */
import { Transaction, type Interface, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import { ChainError } from "../../core/chain-error.ts";
import { feesFor, pricePerGas, type FeeSettings, type TxFees } from "./fees.ts";
import { toChainError } from "./to-chain-error.ts";

export interface TxSenderOptions {
  readonly fees: FeeSettings;
  readonly confirmations: number;
  /** Replace a transaction still unmined after this long (default 30 s). */
  readonly replaceAfterMs?: number;
  readonly pollMs?: number;
}

export interface SendLimits {
  /** Stop waiting at this time (ms since epoch): ChainError UNAVAILABLE naming the transaction. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** What the sender is doing now, for health reports. */
export interface SenderStatus {
  readonly nonce: number;
  readonly txHashes: readonly string[];
  readonly pricePerGas: string;
  readonly sentAt: number;
  /** True when the fee is at its cap and cannot be raised further. */
  readonly atFeeCap: boolean;
  /** What the transaction does (the contract function). */
  readonly what: string;
  /** When its first version was sent (ms since epoch): how long it has waited. */
  readonly firstSentAt: number;
  /** The block that holds it, once mined, and how many blocks hold it of the `confirmations` needed. */
  readonly minedIn: number | null;
  readonly confirmations: { readonly have: number; readonly need: number };
}

export const DEFAULT_REPLACE_AFTER_MS = 30_000;
/** Without MAX_GAS_PRICE, replacements stop at this multiple of the first price. */
export const DEFAULT_CAP_MULTIPLE = 10n;

const ALREADY_KNOWN = /already known|known transaction|already imported|AlreadyKnown/i;

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** `next`, raised to at least 115 % of `prev` field by field, and never above `cap`. */
function raised(next: TxFees, prev: TxFees | undefined, cap: bigint | undefined): { fees: TxFees; capped: boolean } {
  let capped = false;
  const limit = (v: bigint) => {
    if (cap !== undefined && v > cap) {
      capped = true;
      return cap;
    }
    return v;
  };
  const up = (v: bigint, p: bigint | undefined) => {
    const min = p === undefined ? 0n : (p * 115n + 99n) / 100n;
    return v > min ? v : min;
  };
  if (next.type === 0) {
    const p = prev === undefined ? undefined : pricePerGas(prev);
    return { fees: { type: 0, gasPrice: limit(up(next.gasPrice, p)) }, capped };
  }
  const pf = prev === undefined ? undefined : pricePerGas(prev);
  const pt = prev === undefined ? undefined : prev.type === 2 ? prev.maxPriorityFeePerGas : prev.gasPrice;
  const maxFee = limit(up(next.maxFeePerGas, pf));
  let tip = up(next.maxPriorityFeePerGas, pt);
  if (tip > maxFee) tip = maxFee;
  return { fees: { type: 2, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip }, capped };
}

interface InFlight {
  readonly nonce: number;
  readonly what: string;
  readonly hashes: string[];
  raw: string;
  firstSentAt?: number;
  /** Set once a version is mined: its block and the blocks seen holding it. */
  mined?: { block: number; have: number };
}

/** One send in progress: the transaction, its latest fee and the cap, when a version was last sent. */
interface Attempt {
  readonly to: string;
  readonly data: string;
  readonly gasLimit: bigint;
  readonly tx: InFlight;
  last: TxFees | undefined;
  cap: bigint | undefined;
  lastSentAt: number;
  /** No higher fee is allowed: resend the last version instead of outbidding it. */
  atCap: boolean;
}

/**
 * What became of a transaction when the wait for it ends, in words a caller
 * can act on: it was sent (its hash), mined or not, and what a retry does.
 * Never "nothing was sent" once a version was broadcast.
 */
export function sentState(tx: InFlight | undefined, confirmations: number): string {
  const hash = tx?.hashes.at(-1);
  if (!tx || hash === undefined) return "nothing was sent";
  const where = tx.mined
    ? `was sent and mined in block ${tx.mined.block}, ${tx.mined.have} of ${confirmations} confirmations so far`
    : "was sent and is not mined yet";
  return `transaction ${hash} (nonce ${tx.nonce}) ${where}; it may still take effect: a retry waits for it first, and is refused if it took effect`;
}

export class TxSender {
  readonly #wallet: Wallet;
  readonly #provider: JsonRpcProvider;
  readonly #chainId: number;
  readonly #opts: Required<TxSenderOptions>;
  #status: SenderStatus | undefined;
  /** A transaction given up on that may still be mined: settled before the next send. */
  #unsettled: InFlight | undefined;

  constructor(wallet: Wallet, provider: JsonRpcProvider, chainId: number, opts: TxSenderOptions) {
    this.#wallet = wallet;
    this.#provider = provider;
    this.#chainId = chainId;
    this.#opts = { replaceAfterMs: DEFAULT_REPLACE_AFTER_MS, pollMs: 250, ...opts };
  }

  /** The transaction being waited for, if any. */
  get status(): SenderStatus | undefined {
    return this.#status;
  }

  async #rpc<T>(what: string, f: () => Promise<T>, iface?: Interface): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw toChainError(e, what, iface);
    }
  }

  #limitsCheck(what: string, limits: SendLimits, tx: InFlight | undefined): void {
    const tail = sentState(tx, this.#opts.confirmations);
    if (limits.signal?.aborted) throw new ChainError("UNAVAILABLE", `${what}: stopped waiting (shutting down); ${tail}`);
    if (limits.deadline !== undefined && Date.now() > limits.deadline) throw new ChainError("UNAVAILABLE", `${what}: not confirmed in time; ${tail}`);
  }

  /** Broadcasts `raw`; true when the node has it (taken now or already known). */
  async #broadcast(raw: string, what: string, iface: Interface): Promise<true | ChainError> {
    try {
      await this.#provider.send("eth_sendRawTransaction", [raw]);
      return true;
    } catch (e) {
      const x = e as { message?: string; info?: { error?: { message?: string } } } | null | undefined;
      if (ALREADY_KNOWN.test(String(x?.info?.error?.message ?? x?.message))) return true;
      return toChainError(e, what, iface);
    }
  }

  /**
   * Waits until an earlier transaction given up on is mined or its nonce used,
   * broadcasting it again first. After `replaceAfterMs` it is let go: the next
   * transaction takes its nonce (outbidding it) rather than wait forever on a
   * fee the chain no longer takes.
   */
  async #settleEarlier(what: string, iface: Interface, limits: SendLimits): Promise<void> {
    const tx = this.#unsettled;
    if (!tx) return;
    let lastSent = 0;
    const letGoAt = Date.now() + this.#opts.replaceAfterMs;
    this.#report(tx);
    try {
      while (Date.now() < letGoAt) {
        // This call's own transaction is not sent yet: the tail names the earlier one, which was.
        this.#limitsCheck(`${what}: waiting for earlier ${tx.what} (this one was not sent)`, limits, tx);
        const used = await this.#rpc(`${what}: nonce`, () => this.#provider.getTransactionCount(this.#wallet.address, "latest"));
        if (used > tx.nonce) break;
        if (Date.now() - lastSent >= this.#opts.replaceAfterMs) {
          await this.#broadcast(tx.raw, what, iface);
          lastSent = Date.now();
        }
        await sleep(this.#opts.pollMs, limits.signal);
      }
    } finally {
      this.#status = undefined;
    }
    this.#unsettled = undefined;
  }

  /** Sends `data` to `to` and resolves with the confirmed receipt. `what` names it in errors. */
  async send(to: string, data: string, what: string, iface: Interface, limits: SendLimits = {}): Promise<TransactionReceipt> {
    this.#limitsCheck(what, limits, undefined);
    await this.#settleEarlier(what, iface, limits);
    const a = await this.#prepare(to, data, what, iface);
    try {
      for (;;) {
        this.#limitsCheck(what, limits, a.tx);
        const due = a.tx.hashes.length === 0 || Date.now() - a.lastSentAt >= this.#opts.replaceAfterMs;
        if (due && (await this.#sendVersion(a, iface)) === "decide again") continue;
        const done = await this.#minedVersion(a.tx, this.#wallet.address, what, iface, limits);
        if (done) return done;
        await sleep(this.#opts.pollMs, limits.signal);
      }
    } catch (e) {
      if (a.tx.hashes.length) this.#unsettled = a.tx;
      throw e;
    } finally {
      this.#status = undefined;
    }
  }

  /** The transaction's fixed parts: gas limit (the estimate with a margin) and nonce. */
  async #prepare(to: string, data: string, what: string, iface: Interface): Promise<Attempt> {
    const from = this.#wallet.address;
    const estimate = await this.#rpc(what, () => this.#provider.estimateGas({ from, to, data }), iface);
    const gasLimit = (estimate * 13n) / 10n + 20_000n;
    const nonce = await this.#rpc(`${what}: nonce`, () => this.#provider.getTransactionCount(from, "latest"));
    return { to, data, gasLimit, tx: { nonce, what, hashes: [], raw: "" }, last: undefined, cap: this.#opts.fees.maxGasPriceWei, lastSentAt: 0, atCap: false };
  }

  /**
   * Sends the next version of the transaction: at the fee cap, the last one
   * again (the node must still have it); else one whose fee outbids the last.
   * "decide again": nothing was sent, the caller decides at once what to do.
   */
  async #sendVersion(a: Attempt, iface: Interface): Promise<"sent" | "decide again"> {
    const { tx } = a;
    if (a.atCap) {
      await this.#broadcast(tx.raw, tx.what, iface);
      a.lastSentAt = Date.now();
      return "sent";
    }
    const suggested = await this.#rpc(`${tx.what}: fees`, () => feesFor(this.#provider, this.#opts.fees));
    a.cap ??= pricePerGas(suggested.fees) * DEFAULT_CAP_MULTIPLE;
    const { fees, capped } = raised(suggested.fees, a.last, a.cap);
    if (a.last !== undefined && pricePerGas(fees) <= pricePerGas(a.last)) {
      if (tx.hashes.length === 0)
        throw new ChainError(
          "FEE_CAP",
          `${tx.what}: another transaction of ${this.#wallet.address} waits at nonce ${tx.nonce} and the fee cap (${a.cap} wei per gas) does not allow outbidding it`,
        );
      a.atCap = true;
      return "decide again";
    }
    a.atCap = capped || suggested.capped || pricePerGas(fees) === 0n;
    const signed = await this.#wallet.signTransaction({
      to: a.to,
      data: a.data,
      nonce: tx.nonce,
      gasLimit: a.gasLimit,
      chainId: this.#chainId,
      value: 0n,
      ...fees,
    });
    const hash = Transaction.from(signed).hash!.toLowerCase();
    return this.#afterBroadcast(a, await this.#broadcast(signed, tx.what, iface), { signed, hash, fees });
  }

  /** What the node's answer to a new version means for the wait. */
  async #afterBroadcast(a: Attempt, r: true | ChainError, v: { signed: string; hash: string; fees: TxFees }): Promise<"sent" | "decide again"> {
    const { tx } = a;
    // Taken — or the node may have taken it before the answer was lost: wait on it as sent.
    if (r === true || r.kind === "UNAVAILABLE") {
      tx.hashes.push(v.hash);
      tx.raw = v.signed;
      a.last = v.fees;
      a.lastSentAt = Date.now();
      tx.firstSentAt ??= a.lastSentAt;
      this.#report(tx, { pricePerGas: pricePerGas(v.fees).toString(), sentAt: a.lastSentAt, atFeeCap: a.atCap });
      return "sent";
    }
    if (r.kind === "UNDERPRICED" && tx.hashes.length === 0) {
      // Another transaction of this account (a crashed run's) waits at this nonce: outbid it, up to the cap.
      const pending = await this.#rpc(`${tx.what}: nonce`, () => this.#provider.getTransactionCount(this.#wallet.address, "pending"));
      if (pending <= tx.nonce) throw r;
      a.last = v.fees;
      return "decide again";
    }
    if (tx.hashes.length === 0 || (r.kind !== "UNDERPRICED" && r.kind !== "NONCE")) throw r;
    // A replacement refused, or the nonce taken (one of ours mined): wait on what was sent.
    if (r.kind === "UNDERPRICED") a.last = v.fees;
    a.lastSentAt = Date.now();
    return "sent";
  }

  /** Publishes `tx` as the transaction being waited for (`price`: its latest version's fee and time; kept when omitted). */
  #report(tx: InFlight, price?: Pick<SenderStatus, "pricePerGas" | "sentAt" | "atFeeCap">): void {
    const prev = this.#status;
    this.#status = {
      nonce: tx.nonce,
      txHashes: [...tx.hashes],
      pricePerGas: price?.pricePerGas ?? prev?.pricePerGas ?? "0",
      sentAt: price?.sentAt ?? prev?.sentAt ?? Date.now(),
      atFeeCap: price?.atFeeCap ?? prev?.atFeeCap ?? false,
      what: tx.what,
      firstSentAt: tx.firstSentAt ?? Date.now(),
      minedIn: tx.mined?.block ?? null,
      confirmations: { have: tx.mined?.have ?? 0, need: this.#opts.confirmations },
    };
  }

  /** The confirmed receipt of whichever version was mined, or undefined to keep waiting. */
  async #minedVersion(tx: InFlight, from: string, what: string, iface: Interface, limits: SendLimits): Promise<TransactionReceipt | undefined> {
    const p = this.#provider;
    for (const h of tx.hashes) {
      const rc = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(h));
      if (rc) return this.#confirm(rc, tx, what, iface, limits);
    }
    const used = await this.#rpc(`${what}: nonce`, () => p.getTransactionCount(from, "latest"));
    if (used <= tx.nonce) return undefined;
    for (const h of tx.hashes) {
      const rc = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(h));
      if (rc) return this.#confirm(rc, tx, what, iface, limits);
    }
    throw new ChainError("NONCE", `${what}: nonce ${tx.nonce} of ${from} was used by another transaction`);
  }

  /** The receipt once `confirmations` blocks hold it in the same block; undefined if a reorg took it out. */
  async #confirm(rc: TransactionReceipt, tx: InFlight, what: string, iface: Interface, limits: SendLimits): Promise<TransactionReceipt | undefined> {
    const p = this.#provider;
    if (rc.status !== 1) {
      // Replay the call on the state it met, to name the custom error.
      const parsed = Transaction.from(tx.raw);
      const why = await p.call({ from: parsed.from!, to: parsed.to!, data: parsed.data, blockTag: rc.blockNumber - 1 }).then(
        () => undefined,
        (e: unknown) => toChainError(e, what, iface),
      );
      throw why?.kind === "REVERTED" ? why : new ChainError("REVERTED", `${what}: transaction ${rc.hash} reverted in block ${rc.blockNumber}`);
    }
    const need = rc.blockNumber + this.#opts.confirmations - 1;
    for (;;) {
      this.#limitsCheck(what, limits, tx);
      const head = await this.#rpc(`${what}: block number`, () => p.getBlockNumber());
      tx.mined = { block: rc.blockNumber, have: Math.max(0, Math.min(this.#opts.confirmations, head - rc.blockNumber + 1)) };
      this.#report(tx);
      if (head >= need) break;
      await sleep(this.#opts.pollMs, limits.signal);
    }
    const again = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(rc.hash));
    if (again?.blockHash !== rc.blockHash) return undefined;
    return again;
  }
}
