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
import { z } from "zod";
import { LedgerError } from "../../core/errors.ts";
import { departmentId } from "../../core/record.ts";
import type { Principal } from "../../core/roles.ts";
import type { DepartmentView, SignerChange } from "../../ports/api/departments.ts";
import { iso } from "../../core/iso-time.ts";
import { requireRole } from "./auth.ts";
import { SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { address, parseBody } from "./body.ts";

const authorization = z.strictObject({
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  deadline: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2}){1,128}$/, "must be 0x + the signature's hex bytes"),
});
/** Bodies of PUT …/signer and DELETE …/recovery (also in the OpenAPI document). */
export const putSigner = z.strictObject({ signer: address, authorization: authorization.optional() });
export const cancelRecovery = z.strictObject({ authorization });

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
  const adminOrDepartment = requireRole(d.tokens, "admin", "department");
  const anyToken = requireRole(d.tokens);
  const idParam = (raw: unknown): string => {
    const id = String(raw);
    if (!departmentId.safeParse(id).success) throw new LedgerError("BAD_REQUEST", "not a valid department id", { id });
    return id;
  };
  /** The admin, or the department `id` itself; another department is FORBIDDEN. */
  const mayRelayFor = (res: Response, id: string): Principal => {
    const p = res.locals.principal as Principal;
    if (p.role !== "admin" && p.role !== `department:${id}`) {
      throw new LedgerError("FORBIDDEN", `role ${p.role} may not change department ${id}'s key`, { role: p.role, department: id });
    }
    return p;
  };
  const view = async (id: string) => {
    const v = await d.departments.get(id);
    if (!v) throw new LedgerError("NOT_FOUND", `department ${id} is not registered here`, { id });
    return departmentView(v);
  };
  const answer = async (res: Response, c: SignerChange) => {
    if (c.status === "recovery-pending") {
      res.status(202).json({ id: c.id, signer: c.signer, executableAt: iso(c.executableAt), proposalTxHash: c.proposalTxHash, status: "recovery-pending" });
      return;
    }
    res.json({ ...(await view(c.department.id)), rotationTxHash: c.txHash, changedBy: c.by });
  };

  r.get("/v1/departments", anyToken, async (_req, res) => {
    res.json({ departments: (await d.departments.list()).map(departmentView) });
  });
  r.get("/v1/departments/:id", anyToken, async (req, res) => {
    res.json(await view(idParam(req.params.id)));
  });
  r.put("/v1/departments/:id/signer", adminOrDepartment, json, async (req, res) => {
    const id = idParam(req.params.id);
    const p = mayRelayFor(res, id);
    const b = parseBody(putSigner, req.body);
    if (b.authorization) return answer(res, await d.departments.keys.rotate(id, b.signer, b.authorization));
    if (p.role !== "admin") {
      throw new LedgerError("FORBIDDEN", "a department changes its key with an authorization signed by its current key; only the admin may start a recovery", {
        role: p.role,
      });
    }
    return answer(res, await d.departments.keys.recover(id, b.signer));
  });
  r.delete("/v1/departments/:id/recovery", adminOrDepartment, json, async (req, res) => {
    const id = idParam(req.params.id);
    mayRelayFor(res, id);
    const b = parseBody(cancelRecovery, req.body);
    const c = await d.departments.keys.cancelRecovery(id, b.authorization);
    res.json({ ...(await view(id)), cancelledSigner: c.cancelledSigner, cancellationTxHash: c.txHash });
  });
  return r;
}
