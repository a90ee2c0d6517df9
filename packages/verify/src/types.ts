/** The verdict of a verification: one check per step, each with a typed code and a message for people. */

/** The steps of a receipt's verification, in the order they run. */
export type Step =
  /** The entry hashes to the receipt's leaf hash (and the receipt is well formed). */
  | "leaf-hash"
  /** The inclusion proof leads from the leaf to the checkpoint's root. */
  | "inclusion"
  /** The checkpoint is on chain, in the pinned ledger, with that size and root. */
  | "checkpoint"
  /** The signer's EIP-712 signature, by a key the registry held for that department then (chain order). */
  | "signature"
  /** The chain's next checkpoint extends this one (its anchoring transaction's RFC 9162 consistency proof). */
  | "consistency"
  /** Offline evidence: the checkpoint's storage slots under a block's state root (`?proof=state`). */
  | "state-proof";

/** The five steps every verdict reports, in this order; "state-proof" follows them when the receipt carries a stateProof. */
export const STEPS: readonly Step[] = ["leaf-hash", "inclusion", "checkpoint", "signature", "consistency"];

export type VerifyCode =
  | "OK"
  | "RECEIPT_MALFORMED"
  | "LEAF_HASH_MISMATCH"
  | "INCLUSION_PROOF_INVALID"
  | "PIN_MISMATCH"
  | "WRONG_CHAIN"
  | "WRONG_CONTRACT"
  | "CHECKPOINT_NOT_ON_CHAIN"
  | "CHECKPOINT_MISMATCH"
  | "CONTRACT_REJECTED_INCLUSION"
  | "SIGNATURE_INVALID"
  | "DEPARTMENT_UNKNOWN"
  | "SIGNER_NOT_ACTIVE"
  | "INCONSISTENT_CHECKPOINT"
  | "STATE_PROOF_INVALID"
  | "BLOCK_NOT_TRUSTED"
  /** Offline, the receipt carries no stateProof: nothing offline can establish its checkpoint (CLI: exit 2). */
  | "NO_STATE_PROOF"
  | "RPC_ERROR"
  | "NOT_CHECKED";

/** Codes that mean "this RPC cannot check this receipt" rather than "the receipt is false" (CLI: exit 2). */
export const CANNOT_CHECK: ReadonlySet<VerifyCode> = new Set<VerifyCode>(["WRONG_CHAIN", "WRONG_CONTRACT", "RPC_ERROR", "NO_STATE_PROOF"]);

export interface Check {
  readonly step: Step;
  readonly ok: boolean;
  readonly code: VerifyCode;
  /** For people; names what was compared with what. */
  readonly message: string;
}

/** A flag the auditor must see even on a valid receipt. */
export type Flag =
  /** The signing key was installed by the registry's time-locked recovery, not by the department itself. */
  "SIGNED_WITH_RECOVERED_KEY";

/**
 * What a verdict covers.
 * - "chain": checked against a chain RPC; `valid` means every step passed.
 * - "offline": no chain was read. The receipt's stateProof, under a block
 *   hash the caller trusts, stands for the "checkpoint" step; "signature"
 *   (the registry's key history) and "consistency" (later checkpoints) need
 *   the chain and are NOT_CHECKED, with a message starting "offline:".
 *   `valid` then means every check offline evidence CAN make passed: the
 *   entry is in the checkpoint's tree, and that checkpoint was in the pinned
 *   ledger's storage at the trusted block — not that its signer was the
 *   department's key then.
 */
export type Scope = "chain" | "offline";

export interface Verdict {
  /** Every step passed; in scope "offline", every step but the NOT_CHECKED ones (see Scope). */
  readonly valid: boolean;
  readonly scope: Scope;
  readonly checks: Check[];
  readonly flags: Flag[];
}

/** What the auditor pins; a receipt's own claims are never trusted for these. */
export interface Pins {
  readonly chainId?: number;
  readonly contract?: string;
  readonly logId?: string;
}
