/**
 * The hub's per-caller rate limit (HUB_RATE_LIMIT_RPS, default 20 requests a
 * second; 0 = none). One hub request fans out to every gateway, so the hub
 * limits its callers before it spends their budget at the gateways (which
 * also limit the hub's own tokens). Keyed by the bearer credential's hash (a
 * hub token, or a department's X-Gateway-Tokens), else the client address;
 * the same 429 RATE_LIMITED body and headers as the gateways'.
 */
import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { RATE_LIMITED, sendErrorBody } from "../../adapters/http/errors.ts";

function callerKey(req: Request): string {
  const cred = req.get("authorization") ?? req.get("x-gateway-tokens");
  if (cred) return `cred:${createHash("sha256").update(cred).digest("base64url")}`;
  return `addr:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown")}`;
}

export function hubRateLimit(rps: number): RequestHandler {
  if (rps === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 1000,
    limit: rps,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: callerKey,
    handler: (_req, res) => {
      sendErrorBody(
        res,
        RATE_LIMITED.status,
        RATE_LIMITED.code,
        `more than ${rps} requests per second from this caller at the hub; retry after the time in Retry-After`,
        { limitPerSecond: rps },
      );
    },
    validate: { xForwardedForHeader: false, forwardedHeader: false },
  });
}
