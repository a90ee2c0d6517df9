/**
 * Transaction fees for the chains dxledger meets: EIP-1559 chains, chains
 * without a base fee (legacy transactions only, e.g. berlin forks) and
 * free-gas consortium networks (GAS_PRICE=0).
 *
 * Rules:
 * - An explicit `gasPriceWei` (GAS_PRICE) overrides whatever the node suggests,
 *   including 0 — nodes started with zero gas price may still answer 1 gwei to
 *   eth_gasPrice, and ethers reads a base fee of 0 as "no EIP-1559".
 * - `auto` sends legacy transactions to a chain whose latest block has no
 *   `baseFeePerGas`, EIP-1559 otherwise.
 * - Replacements of a stuck transaction are raised by the sender (tx-sender.ts).
 */
import type { JsonRpcProvider } from "ethers";

export type TxType = "auto" | "legacy" | "eip1559";

export interface FeeSettings {
  /** GAS_PRICE: fixed price in wei per gas (legacy) or max fee (EIP-1559); undefined = ask the node. */
  readonly gasPriceWei?: bigint;
  /** TX_TYPE */
  readonly txType: TxType;
  /** MAX_GAS_PRICE: never pay more than this per gas (undefined = no cap). */
  readonly maxGasPriceWei?: bigint;
}

export const DEFAULT_FEES: FeeSettings = Object.freeze({ txType: "auto" });

export type TxFees =
  { readonly type: 0; readonly gasPrice: bigint } | { readonly type: 2; readonly maxFeePerGas: bigint; readonly maxPriorityFeePerGas: bigint };

/** The most a transaction with these fees may pay per gas. */
export function pricePerGas(f: TxFees): bigint {
  return f.type === 0 ? f.gasPrice : f.maxFeePerGas;
}

/**
 * Gas one anchor may take, for balance checks (`/readyz`, `chain status`): an
 * anchor with a 12-hash consistency proof measures ~109 000 gas on berlin.
 */
export const ANCHOR_GAS = 150_000n;

/** Whether the chain's latest block carries a base fee (undefined: no EIP-1559). */
export async function baseFeeOf(provider: JsonRpcProvider): Promise<bigint | undefined> {
  const block = (await provider.send("eth_getBlockByNumber", ["latest", false])) as { baseFeePerGas?: string | null } | null;
  return block?.baseFeePerGas === undefined || block.baseFeePerGas === null ? undefined : BigInt(block.baseFeePerGas);
}

/**
 * The fee fields for the next transaction. Returns `capped: true` when the cap stopped a raise (the
 * fee is then the cap), so a caller knows that waiting is all that is left.
 */
export async function feesFor(provider: JsonRpcProvider, s: FeeSettings): Promise<{ fees: TxFees; baseFee: bigint | undefined; capped: boolean }> {
  const baseFee = await baseFeeOf(provider);
  const legacy = s.txType === "legacy" || (s.txType === "auto" && baseFee === undefined);
  const cap = s.maxGasPriceWei;
  let capped = false;
  const limit = (v: bigint): bigint => {
    if (cap !== undefined && v > cap) {
      capped = true;
      return cap;
    }
    return v;
  };
  if (legacy) {
    const base = s.gasPriceWei ?? BigInt((await provider.send("eth_gasPrice", [])) as string);
    return { fees: { type: 0, gasPrice: limit(base) }, baseFee, capped };
  }
  let maxFee: bigint;
  let tip: bigint;
  if (s.gasPriceWei !== undefined) {
    maxFee = s.gasPriceWei;
    tip = s.gasPriceWei - (baseFee ?? 0n) > 0n ? s.gasPriceWei - (baseFee ?? 0n) : 0n;
  } else {
    try {
      tip = BigInt((await provider.send("eth_maxPriorityFeePerGas", [])) as string);
    } catch {
      tip = 1_000_000_000n;
    }
    maxFee = (baseFee ?? 0n) * 2n + tip;
  }
  maxFee = limit(maxFee);
  if (tip > maxFee) tip = maxFee;
  return { fees: { type: 2, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip }, baseFee, capped };
}

/**
 * Why the chain would refuse these fees now, or undefined. A fee below the
 * base fee is never included; a legacy transaction to an EIP-1559 chain pays
 * its whole gas price, so the same rule applies.
 */
export function feeProblem(fees: TxFees, baseFee: bigint | undefined): string | undefined {
  if (baseFee === undefined) {
    if (fees.type === 2) return "TX_TYPE=eip1559 but the chain has no base fee (pre-London): use TX_TYPE=legacy or auto";
    return undefined;
  }
  const price = pricePerGas(fees);
  if (price < baseFee) return `the fee of ${price} wei per gas is below the chain's base fee of ${baseFee} wei (raise GAS_PRICE or MAX_GAS_PRICE)`;
  return undefined;
}
