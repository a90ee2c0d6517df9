/**
 * Runs @dxledger/verify in the page, against the chain's RPC — never the
 * service. The pins (chain id, contract, log id) come from /v1/info; a
 * receipt's own claims are not trusted for them. The verifier (ethers inside)
 * is loaded on the first verification.
 */
import type { BundleVerdict, Verdict } from "@dxledger/verify";
import type { Info } from "../types.ts";

export type Outcome =
  | { readonly kind: "receipt"; readonly verdict: Verdict; readonly cannotCheck: boolean }
  | { readonly kind: "bundle"; readonly verdict: BundleVerdict }
  | { readonly kind: "error"; readonly message: string };

export async function verifyJson(json: unknown, info: Info): Promise<Outcome> {
  const v = await import("@dxledger/verify");
  const opts = { rpcUrl: info.rpcUrl, pins: { chainId: info.chainId, contract: info.contract, logId: info.logId } };
  try {
    if (v.isBundle(json)) return { kind: "bundle", verdict: await v.verifyBundle(json, opts) };
    const verdict = await v.verifyReceipt(json, opts);
    return { kind: "receipt", verdict, cannotCheck: verdict.checks.some((c) => !c.ok && v.CANNOT_CHECK.has(c.code)) };
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
}

/** Parses pasted or dropped text; a syntax error is an outcome, not an exception. */
export function parseJson(text: string): { ok: true; json: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}
