/**
 * Who may ask the hub what:
 * - statistics: a hub token with role regulator or auditor;
 * - record-level reads (provenance, a department's exchanges): a hub
 *   auditor token (the hub reads with its own gateway tokens), or the
 *   caller's own gateway tokens in X-Gateway-Tokens (forwarded; each gateway
 *   decides) — a regulator's hub token alone is 403, as at a gateway.
 * Missing or unknown token → 401 UNAUTHENTICATED; wrong role → 403 FORBIDDEN.
 */
import type { Request, RequestHandler } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { HubRole, HubTokens } from "../ports.ts";
import type { Reader } from "../ports.ts";

export function hubRoleOf(req: Request, tokens: HubTokens): HubRole {
  const h = req.get("authorization");
  if (!h) throw new LedgerError("UNAUTHENTICATED", "missing Authorization: Bearer <hub token>");
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  const role = m ? tokens.check(m[1]!) : undefined;
  if (!role) throw new LedgerError("UNAUTHENTICATED", "unknown hub token");
  return role;
}

export function requireHubRole(tokens: HubTokens, ...roles: HubRole[]): RequestHandler {
  return (req, res, next) => {
    const role = hubRoleOf(req, tokens);
    if (!roles.includes(role)) throw new LedgerError("FORBIDDEN", `role ${role} may not ${req.method} ${req.path}`, { role, allowed: roles });
    res.locals.hubRole = role;
    next();
  };
}

/** The reader of a record-level request; `department`: the department its own tokens MUST belong to. */
export function readerOf(req: Request, tokens: HubTokens, department?: string): Reader {
  let forwarded: Map<string, string> | undefined;
  try {
    forwarded = parseGatewayTokens(req.get("x-gateway-tokens"));
  } catch (e) {
    throw new LedgerError("BAD_REQUEST", (e as Error).message);
  }
  if (forwarded) return department === undefined ? { kind: "caller", tokens: forwarded } : { kind: "caller", department, tokens: forwarded };
  const role = hubRoleOf(req, tokens);
  if (role !== "auditor") {
    throw new LedgerError("FORBIDDEN", `role ${role} may not read record-level data; a department brings its own gateway tokens in X-Gateway-Tokens`, {
      role,
      allowed: ["auditor"],
    });
  }
  return { kind: "hub" };
}

/**
 * Parses X-Gateway-Tokens: `<log name or gateway URL>=<token>` pairs, comma
 * separated. Undefined when the header is absent; throws on a malformed pair.
 */
export function parseGatewayTokens(header: string | undefined): Map<string, string> | undefined {
  if (header === undefined) return undefined;
  const m = new Map<string, string>();
  for (const pair of header
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    // Log names, gateway URLs and dxledger tokens hold no "=": split at the first.
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new Error(`X-Gateway-Tokens: "${pair.slice(0, 40)}" is not <log name or URL>=<token>`);
    m.set(pair.slice(0, eq).replace(/\/+$/, ""), pair.slice(eq + 1));
  }
  return m;
}
