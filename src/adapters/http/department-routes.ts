/**
 * A department's signing key over HTTP (docs/departments.md "Department keys"):
 *
 *   PUT    /v1/departments/{id}/signer   {signer, authorization}  self-rotation, relayed → 200
 *   PUT    /v1/departments/{id}/signer   {signer}  (admin)        recovery: 202 pending, 200 once executed
 *   DELETE /v1/departments/{id}/recovery {authorization}          cancellation, relayed → 200
 *   GET    /v1/departments[/{id}]                                 with rotationNonce and pendingRecovery
 *
 * Who: the admin token, or the department's own `department:<id>` token, may
 * relay an authorization (the signature, not the token, is what the ledger
 * checks); only the admin may start or execute a recovery.
 */
import express, { Router, type Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { Principal } from "../../core/roles.ts";
import type { DepartmentView, SignerChange } from "../../ports/api/departments.ts";
import { iso } from "../../core/iso-time.ts";
import { OPS } from "../../api/index.ts";
import { SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

export function departmentView(x: DepartmentView) {
  return {
    id: x.id,
    name: x.name,
    signer: x.signer,
    status: x.active ? "active" : "revoked",
    registeredAt: x.registeredAt,
    txHash: x.txHash,
    rotationNonce: x.rotationNonce,
    pendingRecovery: x.pendingRecovery,
  };
}

export function departmentRoutes(d: AppDeps): Router {
  const r = Router();
  const json = express.json({ limit: SINGLE_BODY_LIMIT, type: "application/json" });
  /** The admin, or the department `id` itself; another department is FORBIDDEN. */
  const mayRelayFor = (p: Principal, id: string): void => {
    if (p.role !== "admin" && p.role !== `department:${id}`) {
      throw new LedgerError("FORBIDDEN", `role ${p.role} may not change department ${id}'s key`, { role: p.role, department: id });
    }
  };
  const view = async (id: string) => {
    const v = await d.departments.get(id);
    if (!v) throw new LedgerError("NOT_FOUND", `department ${id} is not registered here`, { id });
    return departmentView(v);
  };
  const answer = async (res: Response, c: SignerChange) => {
    if (c.status === "recovery-pending") {
      res.status(202);
      return { id: c.id, signer: c.signer, executableAt: iso(c.executableAt), proposalTxHash: c.proposalTxHash, status: "recovery-pending" };
    }
    return { ...(await view(c.department.id)), rotationTxHash: c.txHash, changedBy: c.by };
  };

  /** Only the admin or the department itself relays a change of its key: checked before the body is read. */
  const relay = { before: [json], authorize: (c: { params: { readonly id: string }; principal: Principal }) => mayRelayFor(c.principal, c.params.id) };

  mount(r, d.tokens, OPS.listDepartments, async () => ({ departments: (await d.departments.list()).map(departmentView) }));
  mount(r, d.tokens, OPS.getDepartment, async ({ params }) => view(params.id));
  mount(
    r,
    d.tokens,
    OPS.changeSigner,
    async ({ params: { id }, body: b, res, principal }) => {
      if (b.authorization) return answer(res, await d.departments.keys.rotate(id, b.signer, b.authorization));
      if (principal.role !== "admin") {
        throw new LedgerError(
          "FORBIDDEN",
          "a department changes its key with an authorization signed by its current key; only the admin may start a recovery",
          {
            role: principal.role,
          },
        );
      }
      return answer(res, await d.departments.keys.recover(id, b.signer));
    },
    relay,
  );
  mount(
    r,
    d.tokens,
    OPS.cancelRecovery,
    async ({ params: { id }, body: b }) => {
      const c = await d.departments.keys.cancelRecovery(id, b.authorization);
      return { ...(await view(id)), cancelledSigner: c.cancelledSigner, cancellationTxHash: c.txHash };
    },
    relay,
  );
  return r;
}
