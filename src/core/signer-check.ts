/**
 * The one decision both `dxledger verify` and `dxledger audit` make about an
 * entry's signature, so the two tools cannot disagree: who had to sign it
 * (an exchange: its provider; an acknowledgement: its consumer), whom the
 * signature recovers to, and whether that key was the department's active
 * signer in the entry's block window (see key-history.ts for the rule).
 */
import { ackDigest, isAckEntry, type LogEntry } from "./ack.ts";
import type { Eip712Digester } from "./eip712.ts";
import { signersActiveIn, type BlockWindow, type RegistryEvent } from "./key-history.ts";

export type SignatureFailureCode =
  /** Malformed, non-canonical, or recovers to no key. */
  | "SIGNATURE_INVALID"
  /** The signing department has no registration at or before the window's end. */
  | "DEPARTMENT_UNKNOWN"
  /** A valid signature, but by a key that was never the department's active signer in the window: forged or back-dated. */
  | "SIGNER_NOT_ACTIVE";

export type SignatureVerdict =
  | { readonly ok: true; readonly signer: string; readonly window: BlockWindow }
  | { readonly ok: false; readonly code: SignatureFailureCode; readonly reason: string; readonly signer?: string; readonly window: BlockWindow };

/** Who signs an entry, in which role, over which EIP-712 digest. */
export interface SignedPart {
  readonly department: string;
  readonly role: "provider" | "consumer";
  readonly digest: Uint8Array;
  readonly signature: string;
}

/** MUST only be given an entry that passed its schema (a malformed field may throw). */
export function signedPart(entry: LogEntry, digester: Eip712Digester): SignedPart {
  return isAckEntry(entry)
    ? { department: entry.ack.consumer, role: "consumer", digest: ackDigest(digester, entry.ack), signature: entry.ack.signature }
    : { department: entry.record.provider, role: "provider", digest: digester.digest(entry.record), signature: entry.record.signature };
}

/**
 * Judges a recovered signer (`recovered`: an address, or why none) against
 * `events`, the department's registry events in chain order, for window `w`.
 * `active` may be passed when the caller caches signersActiveIn(events, w).
 */
export function judgeSigner(
  department: string,
  recovered: { ok: true; address: string } | { ok: false; reason: string },
  events: readonly RegistryEvent[],
  w: BlockWindow,
  active: ReadonlySet<string> = signersActiveIn(events, w),
): SignatureVerdict {
  const blocks = `blocks ${w.from}..${w.to}`;
  if (!recovered.ok) return { ok: false, code: "SIGNATURE_INVALID", reason: recovered.reason, window: w };
  const signer = recovered.address.toLowerCase();
  if (active.has(signer)) return { ok: true, signer, window: w };
  if (!events.some((e) => e.kind === "registered" && e.block <= w.to)) {
    return { ok: false, code: "DEPARTMENT_UNKNOWN", reason: `${department} was not registered by block ${w.to}`, signer, window: w };
  }
  const was = active.size ? [...active].join(" or ") : "none (revoked)";
  return {
    ok: false,
    code: "SIGNER_NOT_ACTIVE",
    reason: `signed by ${signer}, never ${department}'s active signer in ${blocks} (it was ${was})`,
    signer,
    window: w,
  };
}
