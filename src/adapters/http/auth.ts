/**
 * Bearer-token authentication and role checks (SPEC §5). A department token
 * reads only exchanges where that department is a party.
 */
import type { Request, RequestHandler } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { Principal, Role, Tokens } from "../../services/tokens.ts";

export function principalOf(req: Request, tokens: Tokens): Principal {
  const h = req.get("authorization");
  if (!h) throw new LedgerError("UNAUTHENTICATED", "missing Authorization: Bearer <token>");
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw new LedgerError("UNAUTHENTICATED", "Authorization header must be 'Bearer <token>'");
  const p = tokens.authenticate(m[1]!);
  if (!p) throw new LedgerError("UNAUTHENTICATED", "unknown or revoked token");
  return p;
}

type RoleKind = "admin" | "auditor" | "regulator" | "department";

const kindOf = (r: Role): RoleKind => (r.startsWith("department:") ? "department" : (r as RoleKind));

/** Requires a token whose role is one of `kinds`; sets res.locals.principal. */
export function requireRole(tokens: Tokens, ...kinds: RoleKind[]): RequestHandler {
  return (req, res, next) => {
    const p = principalOf(req, tokens);
    if (kinds.length && !kinds.includes(kindOf(p.role))) {
      throw new LedgerError("FORBIDDEN", `role ${p.role} may not ${req.method} ${req.baseUrl}${req.path}`, { role: p.role, allowed: kinds });
    }
    res.locals.principal = p;
    next();
  };
}

/** Auditors and admins see every exchange; a department only those it is a party to. */
export function assertMaySeeExchange(p: Principal, provider: string, consumer: string): void {
  if (p.role === "admin" || p.role === "auditor") return;
  if (p.role === `department:${provider}` || p.role === `department:${consumer}`) return;
  throw new LedgerError("FORBIDDEN", `role ${p.role} may not read this exchange`, { role: p.role });
}
