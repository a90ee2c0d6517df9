/**
 * Sends the service's transactions: one at a time (the caller queues), each
 * with an explicit nonce, fee and gas limit, and waits for CONFIRMATIONS.
 *
 * Contract:
 * - A transaction that stays unmined for `replaceAfterMs` is replaced with the
 *   SAME nonce and a fee at least 15 % higher (nodes require ≥ 10 %), never
 *   above MAX_GAS_PRICE. Whichever of the versions is mined is the result; the
 *   nonce makes a second one impossible, so an anchor is never duplicated.
 * - A receipt counts only once `confirmations` blocks hold it, and only while
 *   the chain still has it in the same block (a reorg makes it wait again).
 * - Every failure is a ChainError; every RPC call is bounded by the provider's
 *   timeout; `deadline` and `signal` bound the whole wait.
 */
import type { Interface, JsonRpcProvider, TransactionReceipt, Wallet } from "ethers";
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
  /** True when the fee is at MAX_GAS_PRICE and cannot be raised further. */
  readonly atFeeCap: boolean;
}

export const DEFAULT_REPLACE_AFTER_MS = 30_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

function raised(next: TxFees, prev: TxFees | undefined, cap: bigint | undefined): { fees: TxFees; capped: boolean } {
  if (!prev) return { fees: next, capped: false };
  const up = (v: bigint) => (v * 115n + 99n) / 100n;
  let capped = false;
  const limit = (v: bigint) => {
    if (cap !== undefined && v > cap) {
      capped = true;
      return cap;
    }
    return v;
  };
  if (next.type === 0) {
    const p = prev.type === 0 ? prev.gasPrice : prev.maxFeePerGas;
    return { fees: { type: 0, gasPrice: limit(next.gasPrice > up(p) ? next.gasPrice : up(p)) }, capped };
  }
  const pf = prev.type === 2 ? prev.maxFeePerGas : prev.gasPrice;
  const pt = prev.type === 2 ? prev.maxPriorityFeePerGas : prev.gasPrice;
  const maxFee = limit(next.maxFeePerGas > up(pf) ? next.maxFeePerGas : up(pf));
  let tip = next.maxPriorityFeePerGas > up(pt) ? next.maxPriorityFeePerGas : up(pt);
  if (tip > maxFee) tip = maxFee;
  return { fees: { type: 2, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip }, capped };
}

export class TxSender {
  readonly #wallet: Wallet;
  readonly #provider: JsonRpcProvider;
  readonly #chainId: number;
  readonly #opts: Required<TxSenderOptions>;
  #status: SenderStatus | undefined;

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

  /** Sends `data` to `to` and resolves with the confirmed receipt. `what` names it in errors. */
  async send(to: string, data: string, what: string, iface: Interface, limits: SendLimits = {}): Promise<TransactionReceipt> {
    const p = this.#provider;
    const from = this.#wallet.address;
    const estimate = await this.#rpc(what, () => p.estimateGas({ from, to, data }), iface);
    const gasLimit = (estimate * 13n) / 10n + 20_000n;
    const nonce = await this.#rpc(`${what}: nonce`, () => p.getTransactionCount(from, "latest"));
    const sent: string[] = [];
    let last: TxFees | undefined;
    let lastSentAt = 0;
    let atCap = false;
    const cap = this.#opts.fees.maxGasPriceWei;
    const check = () => {
      if (limits.signal?.aborted) throw new ChainError("UNAVAILABLE", `${what}: stopped waiting (shutting down); ${sent.length ? `transaction ${sent.at(-1)} may still be mined` : "nothing was sent"}`);
      if (limits.deadline !== undefined && Date.now() > limits.deadline) {
        throw new ChainError("UNAVAILABLE", `${what}: not confirmed in time; ${sent.length ? `transaction ${sent.at(-1)} may still be mined` : "nothing was sent"}`);
      }
    };
    try {
      for (;;) {
        check();
        if (sent.length === 0 || (!atCap && Date.now() - lastSentAt >= this.#opts.replaceAfterMs)) {
          const suggested = await this.#rpc(`${what}: fees`, () => feesFor(p, this.#opts.fees));
          const { fees, capped } = raised(suggested.fees, last, cap);
          const samePrice = last !== undefined && pricePerGas(fees) <= pricePerGas(last);
          if (samePrice && sent.length === 0) {
            throw new ChainError("FEE_CAP", `${what}: an earlier transaction of ${from} waits at nonce ${nonce} and MAX_GAS_PRICE (${cap}) does not allow outbidding it`);
          }
          if (samePrice) atCap = true;
          else {
            atCap = capped || suggested.capped;
            const tx = { to, data, nonce, gasLimit, chainId: this.#chainId, value: 0n, ...fees };
            const signed = await this.#wallet.signTransaction(tx);
            try {
              const hash = (await p.send("eth_sendRawTransaction", [signed])) as string;
              sent.push(hash.toLowerCase());
              last = fees;
              lastSentAt = Date.now();
              this.#status = { nonce, txHashes: [...sent], pricePerGas: pricePerGas(fees).toString(), sentAt: lastSentAt, atFeeCap: atCap };
            } catch (e) {
              const ce = toChainError(e, what, iface);
              if (ce.kind === "UNDERPRICED" && sent.length === 0 && last === undefined) {
                // An earlier transaction of this account (left by a crashed run) waits at this nonce: outbid it at once.
                const pending = await this.#rpc(`${what}: nonce`, () => p.getTransactionCount(from, "pending"));
                if (pending > nonce) {
                  last = fees;
                  continue;
                }
              }
              // A replacement refused as underpriced, or a nonce already taken (one of ours mined): keep waiting on what was sent.
              if (sent.length === 0 || (ce.kind !== "UNDERPRICED" && ce.kind !== "NONCE")) throw ce;
              if (ce.kind === "UNDERPRICED") last = fees;
              lastSentAt = Date.now();
            }
          }
        }
        for (const h of sent) {
          const rc = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(h));
          if (rc) {
            const confirmed = await this.#confirm(rc, what, limits, check);
            if (confirmed) return confirmed;
          }
        }
        const used = await this.#rpc(`${what}: nonce`, () => p.getTransactionCount(from, "latest"));
        if (used > nonce) {
          for (const h of sent) {
            const rc = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(h));
            if (rc) {
              const confirmed = await this.#confirm(rc, what, limits, check);
              if (confirmed) return confirmed;
            }
          }
          throw new ChainError("NONCE", `${what}: nonce ${nonce} of ${from} was used by another transaction`);
        }
        await sleep(this.#opts.pollMs, limits.signal);
      }
    } finally {
      this.#status = undefined;
    }
  }

  /** The receipt once `confirmations` blocks hold it in the same block; undefined if it was reorged out. */
  async #confirm(rc: TransactionReceipt, what: string, limits: SendLimits, check: () => void): Promise<TransactionReceipt | undefined> {
    const p = this.#provider;
    if (rc.status !== 1) {
      // Replay the call at that block to name the custom error.
      throw new ChainError("REVERTED", `${what}: transaction ${rc.hash} reverted in block ${rc.blockNumber}`);
    }
    const need = rc.blockNumber + this.#opts.confirmations - 1;
    for (;;) {
      check();
      const head = await this.#rpc(`${what}: block number`, () => p.getBlockNumber());
      if (head >= need) break;
      await sleep(this.#opts.pollMs, limits.signal);
    }
    const again = await this.#rpc(`${what}: receipt`, () => p.getTransactionReceipt(rc.hash));
    if (!again || again.blockHash !== rc.blockHash) return undefined;
    return again;
  }
}
