/** Admin routes: departments (on chain), tokens, anchor-now; department keys and lists in department-routes.ts. */
import express, { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { departmentOf, type Role } from "../../core/roles.ts";
import { OPS } from "../../api/index.ts";
import { SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { checkpointView } from "./public-routes.ts";
import { departmentRoutes } from "./department-routes.ts";
import { mount } from "./mount.ts";

export function adminRoutes(d: AppDeps): Router {
  const r = Router();
  const json = express.json({ limit: SINGLE_BODY_LIMIT, type: "application/json" });

  mount(
    r,
    d.tokens,
    OPS.registerDepartment,
    async ({ body: b, res }) => {
      const dep = await d.departments.register(b.id, b.name, b.signer);
      res.status(201);
      return { id: dep.id, name: dep.name, signer: dep.signer, txHash: dep.txHash };
    },
    { before: [json] },
  );
  mount(r, d.tokens, OPS.revokeDepartment, async ({ params }) => {
    const dep = await d.departments.revoke(params.id);
    return { id: dep.id, signer: dep.signer, active: dep.active, txHash: dep.revocationTxHash };
  });
  r.use(departmentRoutes(d));

  mount(
    r,
    d.tokens,
    OPS.createToken,
    async ({ body: b, res }) => {
      const role = b.role as Role;
      await assertMayHoldToken(d, role);
      const expiresAt =
        b.ttlSeconds !== undefined
          ? new Date(Date.now() + b.ttlSeconds * 1000).toISOString()
          : b.expiresAt === undefined
            ? null
            : new Date(b.expiresAt).toISOString();
      res.status(201);
      return d.tokens.create(role, b.label, expiresAt);
    },
    { before: [json] },
  );
  mount(r, d.tokens, OPS.listTokens, () => ({ tokens: d.tokens.list() }));
  mount(r, d.tokens, OPS.revokeToken, async ({ params: { tokenId } }) => {
    if (!(await d.tokens.revoke(tokenId))) throw new LedgerError("NOT_FOUND", `no active token ${tokenId}`);
    return { tokenId, revoked: true };
  });

  mount(r, d.tokens, OPS.anchorNow, async () => {
    // Answers within chainWaitMs; an anchoring still under way then goes on and lands by itself.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LedgerError("CHAIN_UNAVAILABLE", `anchoring did not finish within ${d.chainWaitMs} ms; it goes on, retry later`, d.anchoring())),
        d.chainWaitMs,
      );
    });
    const work = d.anchorer.anchorNow({ deadline: Date.now() + d.chainWaitMs });
    work.catch(() => undefined);
    const cp = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (!cp) throw new LedgerError("NOT_FOUND", "the log is empty: nothing to anchor");
    return checkpointView(cp, d);
  });
  return r;
}

/** A department token only for a department registered on chain and not revoked. */
async function assertMayHoldToken(d: AppDeps, role: Role): Promise<void> {
  const dep = departmentOf(role);
  const state = dep === undefined ? "active" : await d.tokens.departmentState(dep);
  if (state === undefined)
    throw new LedgerError(
      "UNKNOWN_DEPARTMENT",
      `department ${dep} is not registered on chain; register it first (POST /v1/departments here or at any gateway of this ledger)`,
      { department: dep },
    );
  if (state === "revoked") throw new LedgerError("DEPARTMENT_REVOKED", `department ${dep} is revoked`, { department: dep });
}
