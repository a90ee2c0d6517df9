/**
 * The hub's per-caller rate limit (HUB_RATE_LIMIT_RPS, default 20 requests a
 * second; 0 = none). One hub request fans out to every gateway, so the hub
 * limits its callers before it spends their budget at the gateways (which
 * also limit the hub's own tokens). Keyed by the hub token when the bearer
 * is one (checked against the hub's token set), else by the client address;
 * the same 429 RATE_LIMITED body and headers as the gateways'.
 *
 * A credential the hub cannot verify is treated as no token (SPEC: it never
 * buys a fresh allowance): a made-up bearer, and X-Gateway-Tokens — department
 * tokens of the gateways, which only the gateways can check — count against
 * the caller's address.
 */
import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { RATE_LIMITED, sendErrorBody } from "../../adapters/http/errors.ts";
import type { HubTokens } from "../ports.ts";

function callerKey(req: Request, tokens: HubTokens): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  if (m && tokens.check(m[1]!)) return `hub:${createHash("sha256").update(m[1]!).digest("base64url")}`;
  return `addr:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown")}`;
}

export function hubRateLimit(rps: number, tokens: HubTokens): RequestHandler {
  if (rps === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 1000,
    limit: rps,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => callerKey(req, tokens),
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
