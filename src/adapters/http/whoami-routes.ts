/**
 * GET /v1/whoami: what the bearer token is — `{ role, department? }` — for
 * any valid token (401 otherwise, as everywhere). The console asks it to show
 * a role only what that role may see; roles are public knowledge, the token's
 * secret and id are not repeated.
 */
import { Router } from "express";
import { departmentOf } from "../../core/roles.ts";
import { principalIn, requireRole } from "./auth.ts";
import type { AppDeps } from "./deps.ts";

export function whoamiRoutes(d: AppDeps): Router {
  const r = Router();
  r.get("/v1/whoami", requireRole(d.tokens), (_req, res) => {
    const p = principalIn(res);
    const department = departmentOf(p.role);
    res.json(department === undefined ? { role: p.role } : { role: "department", department });
  });
  return r;
}
