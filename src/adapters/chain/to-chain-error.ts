/**
 * The chain adapter's one translation of ethers and node failures into
 * ChainError kinds (src/core/chain-error.ts). Node messages differ (Geth,
 * Besu, Anvil, Hardhat): match on ethers' codes first, then on the words
 * nodes use.
 */
import { isError, type Interface } from "ethers";
import { ChainError, isChainError } from "../../core/chain-error.ts";

const UNAVAILABLE = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|socket hang up|fetch failed|other side closed|network error|timeout|UND_ERR/i;
const UNDERPRICED = /underpriced|fee too low|less than block base fee|below (the )?(minimum|base fee)|gas price too low|max fee per gas less than|transaction fee cap|feecap/i;
const FUNDS = /insufficient funds|not enough funds|lack of funds|Insufficient funds/i;
const NONCE = /nonce too low|nonce too high|nonce has already been used|invalid nonce|known transaction|already known|NonceTooLow|NonceTooHigh/i;

function revertData(e: unknown): string | undefined {
  const x = e as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const d of [x?.data, x?.info?.error?.data, x?.error?.data]) {
    if (typeof d === "string" && d.startsWith("0x")) return d;
    if (d && typeof (d as { data?: unknown }).data === "string") return (d as { data: string }).data;
  }
  return undefined;
}

function messageOf(e: unknown): string {
  const x = e as { shortMessage?: string; message?: string; info?: { error?: { message?: string } }; error?: { message?: string } };
  return [x?.info?.error?.message, x?.error?.message, x?.shortMessage, x?.message].filter(Boolean).join(" | ") || String(e);
}

/** `what` names the operation for the message, e.g. "anchor" or "eth_blockNumber". */
export function toChainError(e: unknown, what: string, iface?: Interface): ChainError {
  if (isChainError(e)) return e;
  const msg = messageOf(e);
  if (isError(e, "TIMEOUT")) return new ChainError("UNAVAILABLE", `${what}: the chain did not answer in time`);
  if (isError(e, "INSUFFICIENT_FUNDS") || FUNDS.test(msg)) return new ChainError("INSUFFICIENT_FUNDS", `${what}: the sending account cannot pay for gas (${msg.slice(0, 200)})`);
  if (isError(e, "REPLACEMENT_UNDERPRICED") || UNDERPRICED.test(msg)) return new ChainError("UNDERPRICED", `${what}: the chain refused the fee (${msg.slice(0, 200)})`);
  if (isError(e, "NONCE_EXPIRED") || NONCE.test(msg)) return new ChainError("NONCE", `${what}: nonce refused (${msg.slice(0, 200)})`);
  const data = revertData(e);
  if (isError(e, "CALL_EXCEPTION") || (data !== undefined && data.length >= 10) || /revert/i.test(msg)) {
    if (data && iface) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) {
          const args = [...parsed.args].map((a) => (typeof a === "bigint" ? a.toString() : a));
          return new ChainError("REVERTED", `${what} reverted: ${parsed.name}(${args.map(String).join(", ")})`, { name: parsed.name, args });
        }
      } catch {
        // not one of ours
      }
    }
    return new ChainError("REVERTED", `${what} reverted (${msg.slice(0, 200)})`);
  }
  if (isError(e, "SERVER_ERROR") || isError(e, "NETWORK_ERROR") || UNAVAILABLE.test(msg) || isError(e, "UNKNOWN_ERROR") && /fetch|connect|socket/i.test(msg)) {
    return new ChainError("UNAVAILABLE", `${what}: the chain is unreachable (${msg.slice(0, 160)})`);
  }
  return new ChainError("OTHER", `${what}: ${msg.slice(0, 300)}`);
}
