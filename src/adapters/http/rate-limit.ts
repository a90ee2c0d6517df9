/**
 * Requests per second per token, and per client address for requests without
 * a valid token (SPEC §8 RATE_LIMIT_RPS), with express-rate-limit: one-second
 * windows, the IETF draft-8 `RateLimit` / `RateLimit-Policy` headers, and
 * `Retry-After` on 429 RATE_LIMITED. MUST run after `identify` (the key is
 * the token id) and before any body parser.
 */
import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { callerOf } from "./authenticate-first.ts";
import { RATE_LIMITED, sendErrorBody, type Logger } from "./errors.ts";

/** One-second windows: the limit is per second. */
const WINDOW_S = 1;

/** `rps` 0: no limit (a pass-through). */
export function rateLimitPerCaller(rps: number, log: Logger): RequestHandler {
  if (rps === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_S * 1000,
    limit: rps,
    standardHeaders: "draft-8",
    // The policy's name, as the library would derive it from limit and window on every request.
    identifier: `${rps}-in-${WINDOW_S}sec`,
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const p = callerOf(res.locals);
      return p ? `token:${p.tokenId}` : `addr:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown")}`;
    },
    handler: (req, res) => {
      const p = callerOf(res.locals);
      const who = p ? `token ${p.tokenId}` : `address ${req.ip}`;
      sendErrorBody(res, RATE_LIMITED.status, RATE_LIMITED.code, `more than ${rps} requests per second from ${who}; retry after the time in Retry-After`, {
        limitPerSecond: rps,
      });
    },
    // Proxies are not trusted (req.ip is the peer); a client's own X-Forwarded-For is ignored, not reported.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
    logger: {
      warn: (e: unknown, m?: string) => log.warn(`rate limiter: ${m ?? ""} ${String(e)}`),
      error: (e: unknown, m?: string) => log.error(`rate limiter: ${m ?? ""} ${String(e)}`),
    },
  });
}
