/**
 * Bearer-token authentication and role checks (SPEC §5, §8).
 *
 * - No, unknown, revoked or expired token → 401 UNAUTHENTICATED.
 * - A role not allowed on the route → 403 FORBIDDEN (roles are public knowledge).
 * - A `department:<id>` token whose department the chain's registry does not
 *   know → 422 UNKNOWN_DEPARTMENT; whose department is revoked → 403 DEPARTMENT_REVOKED.
 * - A department MUST NOT learn that an exchange it is not party to exists:
 *   such an exchange answers 404 NOT_FOUND with exactly the body of a missing
 *   one (`notFound()` of core/not-found.ts, what the reader throws for a miss).
 */
import type { Request, RequestHandler, Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import { departmentOf, type Principal, type Role } from "../../core/roles.ts";
import type { TokenAdmin as Tokens } from "../../ports/api/tokens.ts";
import { notFound } from "../../core/not-found.ts";

const WHY: Record<"unknown" | "revoked" | "expired", string> = {
  unknown: "unknown or revoked token",
  revoked: "unknown or revoked token",
  expired: "token expired",
};

export function principalOf(req: Request, tokens: Tokens): Principal {
  const h = req.get("authorization");
  if (!h) throw new LedgerError("UNAUTHENTICATED", "missing Authorization: Bearer <token>");
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw new LedgerError("UNAUTHENTICATED", "Authorization header must be 'Bearer <token>'");
  const c = tokens.check(m[1]!);
  if (!c.ok) throw new LedgerError("UNAUTHENTICATED", WHY[c.reason]);
  return c.principal;
}

/** Refuses a department token whose department is unknown on chain (422) or revoked (403). */
export async function assertDepartmentActive(p: Principal, tokens: Tokens): Promise<void> {
  const dep = departmentOf(p.role);
  if (dep === undefined) return;
  const state = await tokens.departmentState(dep);
  if (state === undefined) throw new LedgerError("UNKNOWN_DEPARTMENT", `the token's department ${dep} is not registered on chain`, { department: dep });
  if (state === "revoked") throw new LedgerError("DEPARTMENT_REVOKED", `the token's department ${dep} is revoked`, { department: dep });
}

type RoleKind = "admin" | "auditor" | "regulator" | "department";

const kindOf = (r: Role): RoleKind => (r.startsWith("department:") ? "department" : (r as RoleKind));

/** Requires a token whose role is one of `kinds` (any role when none given); sets res.locals.principal. */
export function requireRole(tokens: Tokens, ...kinds: RoleKind[]): RequestHandler {
  return async (req, res, next) => {
    // `identify` (authenticate-first.ts) has checked this request's token already; without it, check here.
    const p = (res.locals.principal as Principal | undefined) ?? principalOf(req, tokens);
    if (kinds.length && !kinds.includes(kindOf(p.role))) {
      throw new LedgerError("FORBIDDEN", `role ${p.role} may not ${req.method} ${req.baseUrl}${req.path}`, { role: p.role, allowed: kinds });
    }
    await assertDepartmentActive(p, tokens);
    res.locals.principal = p;
    next();
  };
}

/** The principal requireRole set on this response; MUST be called only in a handler behind requireRole. */
export function principalIn(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** True when the principal may read an exchange between `provider` and `consumer`. */
export function maySeeExchange(p: Principal, provider: string, consumer: string): boolean {
  if (p.role === "admin" || p.role === "auditor") return true;
  return p.role === `department:${provider}` || p.role === `department:${consumer}`;
}

/**
 * Auditors and admins see every exchange; a department only those it is a
 * party to. Anything else is NOT_FOUND, exactly as a missing exchange.
 */
export function assertMaySeeExchange(p: Principal, provider: string, consumer: string): void {
  if (!maySeeExchange(p, provider, consumer)) throw notFound();
}
