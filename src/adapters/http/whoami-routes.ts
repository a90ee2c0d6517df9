/**
 * GET /v1/whoami: what the bearer token is — `{ role, department? }` — for
 * any valid token (401 otherwise, as everywhere). The console asks it to show
 * a role only what that role may see; roles are public knowledge, the token's
 * secret and id are not repeated.
 */
import { Router } from "express";
import { departmentOf } from "../../core/roles.ts";
import { OPS } from "../../api/index.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

export function whoamiRoutes(d: AppDeps): Router {
  const r = Router();
  mount(r, d.tokens, OPS.whoami, ({ principal }) => {
    const department = departmentOf(principal.role);
    return department === undefined ? { role: principal.role } : { role: "department", department };
  });
  return r;
}
