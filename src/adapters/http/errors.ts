/**
 * The one error handler: LedgerError → its status and SPEC §5 body; body-parser
 * failures → INVALID_JSON / PAYLOAD_TOO_LARGE; anything else → 500 INTERNAL
 * without a stack. 5xx are logged as errors, 4xx as warnings.
 */
import type { ErrorRequestHandler, Response } from "express";
import { LedgerError, RETRY_LATER, isLedgerError, ledgerErrorOfChain, type ErrorCode } from "../../core/errors.ts";
import { isChainError } from "../../core/chain-error.ts";


export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

/** `retryAfterS`: seconds a client is told to wait (Retry-After) on a chain or anchoring 503. */
export function sendError(res: Response, e: LedgerError, retryAfterS = 1): void {
  if (RETRY_LATER.has(e.code)) res.set("Retry-After", String(e.code === "OVERLOADED" || e.code === "NOT_READY" ? 1 : Math.max(1, Math.ceil(retryAfterS))));
  const body: { error: { code: ErrorCode; message: string; details?: unknown } } = { error: { code: e.code, message: e.message } };
  if (e.details !== undefined) body.error.details = e.details;
  res.status(e.status).json(body);
}

export function errorHandler(log: Logger, retryAfterS = 1): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: LedgerError;
    if (isLedgerError(err)) e = err;
    else if (isChainError(err)) e = ledgerErrorOfChain(err);
    else if (err?.type === "entity.too.large") {
      e = new LedgerError("PAYLOAD_TOO_LARGE", `request body exceeds the limit of ${err.limit} bytes`, { limit: err.limit });
    } else if (err?.type === "entity.parse.failed") {
      e = new LedgerError("INVALID_JSON", `request body is not valid JSON: ${String(err.message).slice(0, 200)}`);
    } else if (err?.type === "encoding.unsupported" || err?.type === "charset.unsupported") {
      e = new LedgerError("UNSUPPORTED_MEDIA_TYPE", String(err.message));
    } else if (typeof err?.status === "number" && err.status >= 400 && err.status < 500) {
      e = new LedgerError("BAD_REQUEST", String(err.message ?? "bad request"));
    } else {
      log.error(`${req.method} ${req.path} failed`, { error: String(err?.stack ?? err) });
      e = new LedgerError("INTERNAL", "internal error; the request changed nothing");
    }
    if (e.status >= 500 && e.code !== "INTERNAL") log.error(`${req.method} ${req.path}: ${e.code} ${e.message}`);
    else if (e.status < 500) log.warn(`${req.method} ${req.path}: ${e.code} ${e.message}`);
    sendError(res, e, retryAfterS);
  };
}
