/**
 * The one catalogue of domain errors: code → HTTP status. Every error that
 * leaves the service has this shape (SPEC §5):
 *   {"error":{"code":"UPPER_SNAKE","message":"…","details":…}}
 */
import type { ChainError } from "./chain-error.ts";

export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SIGNER_MISMATCH: 403,
  DEPARTMENT_REVOKED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ID_CONFLICT: 409,
  NOT_YET_ANCHORED: 409,
  DEPARTMENT_EXISTS: 409,
  /** Revoking this admin token would leave the service without an active admin token. */
  LAST_ADMIN_TOKEN: 409,
  /** The authorization's nonce was already used by an earlier rotation or cancellation of this department. */
  AUTHORIZATION_NONCE_USED: 409,
  /** The authorization's nonce is ahead of the department's next nonce (`rotationNonce`). */
  AUTHORIZATION_NONCE_MISMATCH: 409,
  /** A recovery to another signer is pending: it must be executed or cancelled first. */
  RECOVERY_PENDING: 409,
  /** There is no pending recovery to cancel. */
  NO_PENDING_RECOVERY: 409,
  /** The requested signer already is the department's signer. */
  SIGNER_UNCHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_SIGNATURE: 422,
  UNKNOWN_DEPARTMENT: 422,
  /** The authorization's signature is malformed, high-s, or not by the department's current signer for this department, ledger, chain and nonce. */
  AUTHORIZATION_INVALID: 422,
  /** The authorization's deadline is before the chain's latest block time. */
  AUTHORIZATION_EXPIRED: 422,
  OVERLOADED: 503,
  NOT_READY: 503,
  CHAIN_UNAVAILABLE: 503,
  /** The chain refused the service's transaction: fee, funds, nonce, or a wrong contract. */
  CHAIN_REFUSED: 503,
  /** The oldest unanchored entry is older than MAX_UNANCHORED_AGE_MS: writes wait for anchoring. */
  ANCHORING_STALLED: 503,
  /** The chain holds a checkpoint this log cannot back: appending has stopped. */
  CHAIN_MISMATCH: 503,
  CHAIN_REVERTED: 502,
  INTERNAL: 500,
  /** `?proof=state` cannot be answered on this chain (it lacks eth_getProof, or its block header format is not one the service can encode and check). */
  STATE_PROOF_UNAVAILABLE: 501,
} as const;

/** Codes that tell the client to come back later (`Retry-After`). */
export const RETRY_LATER: ReadonlySet<ErrorCode> = new Set([
  "OVERLOADED",
  "NOT_READY",
  "CHAIN_UNAVAILABLE",
  "CHAIN_REFUSED",
  "ANCHORING_STALLED",
  "CHAIN_MISMATCH",
]);

export type ErrorCode = keyof typeof ERROR_STATUS;

export class LedgerError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "LedgerError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isLedgerError(e: unknown, code?: ErrorCode): e is LedgerError {
  return e instanceof LedgerError && (code === undefined || e.code === code);
}

/** The contract's refusals of a department-key change, by custom error (contracts/IExchangeLedger.sol). */
const AUTHORIZATION_REVERTS: Readonly<Record<string, ErrorCode>> = {
  AuthorizationSignerMismatch: "AUTHORIZATION_INVALID",
  InvalidAuthorizationSignature: "AUTHORIZATION_INVALID",
  AuthorizationExpired: "AUTHORIZATION_EXPIRED",
  RecoveryAlreadyPending: "RECOVERY_PENDING",
  NoPendingRecovery: "NO_PENDING_RECOVERY",
  SignerUnchanged: "SIGNER_UNCHANGED",
  NotDepartmentSigner: "FORBIDDEN",
};

/** The one mapping of chain failures to API errors. Reverts we expect are named by the caller first. */
export function ledgerErrorOfChain(e: ChainError): LedgerError {
  switch (e.kind) {
    case "UNAVAILABLE":
      return new LedgerError("CHAIN_UNAVAILABLE", `the chain is unavailable: ${e.message}`);
    case "REVERTED":
      if (e.revert?.name === "DepartmentAlreadyRegistered") return new LedgerError("DEPARTMENT_EXISTS", e.message, e.revert);
      if (e.revert?.name === "UnknownDepartment") return new LedgerError("NOT_FOUND", e.message, e.revert);
      if (e.revert?.name === "DepartmentIsRevoked") return new LedgerError("DEPARTMENT_REVOKED", e.message, e.revert);
      if (e.revert && e.revert.name in AUTHORIZATION_REVERTS)
        return new LedgerError(AUTHORIZATION_REVERTS[e.revert.name]!, e.message, { revert: e.revert.name, args: e.revert.args });
      return new LedgerError("CHAIN_REVERTED", e.message, e.revert ? { revert: e.revert.name, args: e.revert.args } : undefined);
    default:
      return new LedgerError("CHAIN_REFUSED", e.message, { kind: e.kind });
  }
}
