/**
 * A provenance bundle (`GET /v1/datasets/{id}/provenance?format=bundle`): every
 * anchored exchange of a dataset with its receipt, and the seqs not anchored
 * yet. Each receipt is verified against the chain through one view, so each
 * checkpoint, department history and anchoring transaction is read once.
 */
import { ChainView, type ChainOptions } from "./chain-view.ts";
import { verifyWith, type VerifyOptions } from "./receipt.ts";
import { CANNOT_CHECK, type Check, type Flag } from "./types.ts";

export const BUNDLE_KIND = "dxledger-provenance-bundle";

export interface BundleVerdict {
  readonly valid: boolean;
  readonly dataset: string;
  readonly receipts: number;
  readonly verified: number;
  /** Receipts that failed, with the checks that failed. */
  readonly invalid: Array<{ seq: unknown; checks: Check[] }>;
  /** Valid receipts that carry a flag the auditor must see. */
  readonly flagged: Array<{ seq: number; flags: Flag[] }>;
  /** Exchanges of the dataset recorded but not yet anchored (no receipt yet). */
  readonly pending: number[];
  /** Set when the chain cannot check this bundle at all (wrong chain, no ledger, RPC down): nothing was judged. */
  readonly cannotCheck?: Check;
}

/** Options of a bundle's verification, beyond each receipt's. */
export interface BundleOptions extends VerifyOptions {
  /**
   * Told `(done, total)` receipts: once with 0 before the first, then after
   * each. `done` never decreases and ends at `total` unless the chain cannot
   * check the bundle at all (then it stops where that was found).
   */
  readonly onProgress?: (done: number, total: number) => void;
}

export function isBundle(json: unknown): boolean {
  return (json as { kind?: unknown } | null)?.kind === BUNDLE_KIND;
}

export async function verifyBundleWith(view: ChainView, json: unknown, opts: BundleOptions = {}): Promise<BundleVerdict> {
  const b = (json ?? {}) as { dataset?: unknown; receipts?: unknown; pending?: unknown };
  const dataset = typeof b.dataset === "string" ? b.dataset : "";
  const pending = Array.isArray(b.pending) ? b.pending.filter((x): x is number => Number.isSafeInteger(x)) : [];
  const receipts = Array.isArray(b.receipts) ? b.receipts : undefined;
  if (!isBundle(json) || !receipts) {
    const check: Check = {
      step: "leaf-hash",
      ok: false,
      code: "RECEIPT_MALFORMED",
      message: "not a dxledger provenance bundle (kind and receipts array expected)",
    };
    return { valid: false, dataset, receipts: 0, verified: 0, invalid: [{ seq: undefined, checks: [check] }], flagged: [], pending };
  }
  const invalid: BundleVerdict["invalid"] = [];
  const flagged: BundleVerdict["flagged"] = [];
  opts.onProgress?.(0, receipts.length);
  for (const [i, r] of receipts.entries()) {
    const out = await verifyWith(view, r, { ...opts, askContract: opts.askContract ?? false });
    const cannot = out.checks.find((c) => !c.ok && CANNOT_CHECK.has(c.code));
    if (cannot) return { valid: false, dataset, receipts: receipts.length, verified: 0, invalid: [], flagged: [], pending, cannotCheck: cannot };
    const seq = (r as { leafIndex?: unknown } | null)?.leafIndex;
    if (!out.valid) invalid.push({ seq, checks: out.checks.filter((c) => !c.ok && c.code !== "NOT_CHECKED") });
    else if (out.flags.length) flagged.push({ seq: seq as number, flags: out.flags });
    opts.onProgress?.(i + 1, receipts.length);
  }
  return { valid: invalid.length === 0, dataset, receipts: receipts.length, verified: receipts.length - invalid.length, invalid, flagged, pending };
}

/** Verifies a provenance bundle against the chain at `rpcUrl` (or through `provider`). */
export async function verifyBundle(json: unknown, opts: BundleOptions & ChainOptions): Promise<BundleVerdict> {
  const view = new ChainView(opts);
  try {
    return await verifyBundleWith(view, json, opts);
  } finally {
    view.close();
  }
}
