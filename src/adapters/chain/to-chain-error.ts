/**
 * The chain adapter's one translation of ethers and node failures into
 * ChainError kinds (src/core/chain-error.ts). Node messages differ (Geth,
 * Besu, Anvil, Hardhat): match on ethers' codes first, then on the words
 * nodes use. Messages are one line and never carry a key.
 */
import { Interface, isError } from "ethers";
import { ChainError, isChainError } from "../../core/chain-error.ts";
import { LEDGER_ABI } from "./ledger-contract.ts";

const UNAVAILABLE_CODES = ["TIMEOUT", "NETWORK_ERROR", "SERVER_ERROR", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ETIMEDOUT"];
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|other side closed|network error|request timeout|UND_ERR/i;
const UNDERPRICED =
  /underpriced|fee too low|less than (the )?block base fee|below (the )?(minimum|base fee)|gas price too low|max fee per gas less than|fee cap less than|transaction fee cap/i;
const FUNDS = /insufficient funds|not enough funds|lack of funds|exceeds balance/i;
const NONCE = /nonce too low|nonce too high|nonce has already been used|invalid nonce|NonceTooLow|NonceTooHigh/i;

let ledgerInterface: Interface | undefined;

function revertData(e: unknown): string | undefined {
  const x = e as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } } | null | undefined;
  for (const d of [x?.data, x?.info?.error?.data, x?.error?.data]) {
    if (typeof d === "string" && d.startsWith("0x")) return d;
    if (d && typeof (d as { data?: unknown }).data === "string") return (d as { data: string }).data;
  }
  return undefined;
}

function messageOf(e: unknown): string {
  const x = e as { shortMessage?: string; message?: string; info?: { error?: { message?: string } }; error?: { message?: string } } | null | undefined;
  const text = x?.info?.error?.message ?? x?.error?.message ?? x?.shortMessage ?? x?.message ?? String(e);
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** `what` names the operation for the message, e.g. "anchor"; `iface` decodes custom errors (default: the ledger's). */
// eslint-disable-next-line complexity -- one branch per kind of RPC failure, read as a table; split, the mapping would scatter
export function toChainError(e: unknown, what = "chain call", iface?: Interface): ChainError {
  if (isChainError(e)) return e;
  const msg = messageOf(e);
  const x = e as { message?: string; code?: unknown } | null | undefined;
  const all = `${msg} ${x?.message ?? ""}`;
  // Only compared with ethers' and Node's string codes below (a JSON-RPC error's numeric code matches none of them).
  const code = typeof x?.code === "string" ? x.code : "";
  if (code === "TIMEOUT") return new ChainError("UNAVAILABLE", `${what}: the chain did not answer in time`);
  if (isError(e, "INSUFFICIENT_FUNDS") || FUNDS.test(all))
    return new ChainError("INSUFFICIENT_FUNDS", `${what}: the sending account cannot pay for gas (${msg})`);
  if (isError(e, "REPLACEMENT_UNDERPRICED") || UNDERPRICED.test(all)) return new ChainError("UNDERPRICED", `${what}: the chain refused the fee (${msg})`);
  if (isError(e, "NONCE_EXPIRED") || NONCE.test(all)) return new ChainError("NONCE", `${what}: nonce refused (${msg})`);
  const data = revertData(e);
  if (isError(e, "CALL_EXCEPTION") || (data !== undefined && data.length >= 10)) {
    if (data && data !== "0x") {
      try {
        ledgerInterface ??= new Interface(LEDGER_ABI);
        const parsed = (iface ?? ledgerInterface).parseError(data);
        if (parsed) {
          const args = [...parsed.args].map((a: unknown) => (typeof a === "bigint" ? a.toString() : a));
          return new ChainError("REVERTED", `${what} reverted: ${parsed.name}(${args.map(String).join(", ")})`, { name: parsed.name, args });
        }
      } catch {
        // not one of the ledger's errors
      }
    }
    return new ChainError("REVERTED", `${what} reverted (${msg})`);
  }
  if (UNAVAILABLE_CODES.includes(code) || UNAVAILABLE.test(all)) return new ChainError("UNAVAILABLE", `${what}: the chain is unreachable (${msg})`);
  return new ChainError("OTHER", `${what}: ${msg}`);
}
