/**
 * The bearer token is checked before any body byte is read, on every route
 * (SPEC §8: writes need a token; without one, 401 before the body is read).
 *
 * `identify` runs first and never answers: it notes the caller's principal
 * (res.locals.principal), or why the token was refused, so that the rate
 * limit can count per token, or per address when there is none.
 * `tokenBeforeBody` then refuses, before any body parser, every request that
 * may carry a body (any method but GET, HEAD, OPTIONS) without a valid token.
 * Reads keep their own role checks (requireRole); public reads need none.
 */
import type { RequestHandler } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { Principal } from "../../core/roles.ts";
import type { TokenAdmin as Tokens } from "../../ports/api/tokens.ts";
import { principalOf } from "./auth.ts";

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The principal `identify` found, if any. */
export function callerOf(locals: Record<string, unknown>): Principal | undefined {
  return locals.principal as Principal | undefined;
}

export function identify(tokens: Tokens): RequestHandler {
  return (req, res, next) => {
    if (req.get("authorization") === undefined) {
      next();
      return;
    }
    try {
      res.locals.principal = principalOf(req, tokens);
    } catch (e) {
      res.locals.authError = e;
    }
    next();
  };
}

export function tokenBeforeBody(): RequestHandler {
  return (req, res, next) => {
    if (BODYLESS.has(req.method) || res.locals.principal) {
      next();
      return;
    }
    const why: unknown = res.locals.authError;
    next(why instanceof LedgerError ? why : new LedgerError("UNAUTHENTICATED", `${req.method} needs Authorization: Bearer <token> (sent before the body)`));
  };
}
