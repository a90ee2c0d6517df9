/**
 * The one error handler: LedgerError → its status and SPEC §5 body; body-parser
 * failures → INVALID_JSON / PAYLOAD_TOO_LARGE; anything else → 500 INTERNAL.
 *
 * Logging: 5xx as errors, each with its request id; INTERNAL with its stack,
 * and the client gets the request id, never the exception text. Client errors
 * (4xx), and 503 OVERLOADED, are logged at debug level and counted in one
 * summary line a minute at most, so a burst of bad requests cannot flood the log.
 */
import type { ErrorRequestHandler, Response } from "express";
import { LedgerError, RETRY_LATER, isLedgerError, ledgerErrorOfChain, type ErrorCode } from "../../core/errors.ts";
import { isChainError } from "../../core/chain-error.ts";
import { redactText } from "./redact.ts";
import { RATE_LIMITED } from "../../api/responses.ts";

export interface Logger {
  /** Detail below info (client errors); optional so a minimal logger stays valid. */
  debug?(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

/** 429 for a caller over RATE_LIMIT_RPS (SPEC §8). Not (yet) in the core catalogue: requests are not domain errors. */
export { RATE_LIMITED };

export type HttpErrorCode = ErrorCode | typeof RATE_LIMITED.code;

/** The request id of this response (request-id.ts), if set. */
export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === "string" ? id : undefined;
}

/**
 * Writes the SPEC §5 error body. When the request's body was not read (an
 * answer given before parsing), the connection is closed after the answer:
 * the unread bytes are never taken in.
 */
export function sendErrorBody(res: Response, status: number, code: HttpErrorCode, message: string, details?: unknown): void {
  const req = res.req;
  const hasBody = (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0") || req.headers["transfer-encoding"] !== undefined;
  if (hasBody && !req.complete) res.set("Connection", "close");
  const body: { error: { code: HttpErrorCode; message: string; details?: unknown } } = { error: { code, message: redactText(message) } };
  if (details !== undefined) body.error.details = details;
  res.status(status).json(body);
}

/** `retryAfterS`: seconds a client is told to wait (Retry-After) on a chain or anchoring 503. */
export function sendError(res: Response, e: LedgerError, retryAfterS = 1): void {
  if (RETRY_LATER.has(e.code)) res.set("Retry-After", String(e.code === "OVERLOADED" || e.code === "NOT_READY" ? 1 : Math.max(1, Math.ceil(retryAfterS))));
  sendErrorBody(res, e.status, e.code, e.message, e.details);
}

/** Counts client errors by code; one summary line per `everyMs` at most (written when the next one comes). */
export class ClientErrorTally {
  readonly #log: Logger;
  readonly #everyMs: number;
  #counts = new Map<string, number>();
  #since = Date.now();

  constructor(log: Logger, everyMs = 60_000) {
    this.#log = log;
    this.#everyMs = everyMs;
  }

  note(code: string): void {
    this.#counts.set(code, (this.#counts.get(code) ?? 0) + 1);
    const now = Date.now();
    if (now - this.#since < this.#everyMs) return;
    const byCode = Object.fromEntries([...this.#counts].sort((a, b) => b[1] - a[1]));
    const total = [...this.#counts.values()].reduce((a, b) => a + b, 0);
    this.#log.info(`${total} client error(s) in the last ${Math.round((now - this.#since) / 1000)} s`, { byCode });
    this.#counts = new Map();
    this.#since = now;
  }
}

/** The fields of a body-parser / http-errors error read here (any of them may be absent, on anything thrown). */
interface HttpErrorFields {
  readonly type?: unknown;
  readonly limit?: number;
  readonly message?: string;
  readonly status?: unknown;
  readonly stack?: unknown;
}

/** `thrown`'s fields as `thrown?.field` reads them: none on null or undefined. */
const fieldsOf = (thrown: unknown): HttpErrorFields => thrown ?? {};

function toLedgerError(thrown: unknown): LedgerError {
  if (isLedgerError(thrown)) return thrown;
  if (isChainError(thrown)) return ledgerErrorOfChain(thrown);
  const err = fieldsOf(thrown);
  if (err.type === "entity.too.large")
    return new LedgerError("PAYLOAD_TOO_LARGE", `request body exceeds the limit of ${String(err.limit)} bytes`, { limit: err.limit });
  if (err.type === "entity.parse.failed") return new LedgerError("INVALID_JSON", `request body is not valid JSON: ${String(err.message).slice(0, 200)}`);
  if (err.type === "encoding.unsupported" || err.type === "charset.unsupported") return new LedgerError("UNSUPPORTED_MEDIA_TYPE", String(err.message));
  if (typeof err.status === "number" && err.status >= 400 && err.status < 500) return new LedgerError("BAD_REQUEST", err.message ?? "bad request");
  return new LedgerError("INTERNAL", "internal error; the request changed nothing");
}

export function errorHandler(log: Logger, retryAfterS = 1): ErrorRequestHandler {
  const tally = new ClientErrorTally(log);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  return (err: unknown, req, res, _next) => {
    const e = toLedgerError(err);
    const requestId = requestIdOf(res);
    const where = `${req.method} ${req.path}`;
    if (e.code === "INTERNAL") {
      // The stack and the cause stay in the log; the client gets the request id to quote.
      log.error(`${where} failed: INTERNAL (request id ${requestId})`, {
        requestId,
        error: String(fieldsOf(err).stack ?? err),
        ...(isLedgerError(err) && err.details !== undefined ? { details: err.details } : {}),
      });
    } else if (e.status >= 500 && e.code !== "OVERLOADED") {
      log.error(`${where}: ${e.code} ${e.message}`, { requestId });
    } else {
      log.debug?.(`${where}: ${e.code} ${e.message}`, { requestId });
      tally.note(e.code);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (e.code === "INTERNAL") {
      // A fixed text: whatever message the error carries may hold exception text.
      sendErrorBody(res, 500, "INTERNAL", `internal error; the request changed nothing (request id ${requestId})`, { requestId });
      return;
    }
    sendError(res, e, retryAfterS);
  };
}
