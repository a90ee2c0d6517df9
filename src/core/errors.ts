/**
 * The one catalogue of domain errors: code → HTTP status. Every error that
 * leaves the service has this shape (SPEC §5):
 *   {"error":{"code":"UPPER_SNAKE","message":"…","details":…}}
 */
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
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_SIGNATURE: 422,
  UNKNOWN_DEPARTMENT: 422,
  OVERLOADED: 503,
  NOT_READY: 503,
  CHAIN_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

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
