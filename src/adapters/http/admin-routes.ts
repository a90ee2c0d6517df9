/** Admin routes: departments (on chain), tokens, anchor-now; department keys and lists in department-routes.ts. */
import express, { Router } from "express";
import { z } from "zod";
import { LedgerError } from "../../core/errors.ts";
import { departmentId } from "../../core/record.ts";
import { MAX_TTL_SECONDS, departmentOf, roleSchema, type Role } from "../../core/roles.ts";
import { requireRole } from "./auth.ts";
import { SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { checkpointView } from "./public-routes.ts";
import { address, parseBody } from "./body.ts";
import { departmentRoutes } from "./department-routes.ts";

/** Body of POST /v1/departments (also in the OpenAPI document). */
export const newDepartment = z.strictObject({
  id: departmentId,
  name: z.string().min(1).max(256),
  signer: address,
});
/** Body of POST /v1/tokens: `expiresAt` (ISO 8601 with zone) or `ttlSeconds`, not both; neither: the token does not expire. */
export const newToken = z
  .strictObject({
    role: roleSchema,
    label: z.string().max(256).default(""),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS).optional(),
  })
  .refine((b) => b.expiresAt === undefined || b.ttlSeconds === undefined, { error: "give expiresAt or ttlSeconds, not both", path: ["ttlSeconds"] });

const parse = parseBody;

export function adminRoutes(d: AppDeps): Router {
  const r = Router();
  const json = express.json({ limit: SINGLE_BODY_LIMIT, type: "application/json" });
  const admin = requireRole(d.tokens, "admin");
  const idParam = (raw: unknown): string => {
    const id = String(raw);
    if (!departmentId.safeParse(id).success) throw new LedgerError("BAD_REQUEST", "not a valid department id", { id });
    return id;
  };

  r.post("/v1/departments", admin, json, async (req, res) => {
    const b = parse(newDepartment, req.body);
    const dep = await d.departments.register(b.id, b.name, b.signer);
    res.status(201).json({ id: dep.id, name: dep.name, signer: dep.signer, txHash: dep.txHash });
  });
  r.delete("/v1/departments/:id", admin, async (req, res) => {
    const dep = await d.departments.revoke(idParam(req.params.id));
    res.json({ id: dep.id, signer: dep.signer, active: dep.active, txHash: dep.revocationTxHash });
  });
  r.use(departmentRoutes(d));

  r.post("/v1/tokens", admin, json, async (req, res) => {
    const b = parse(newToken, req.body);
    const role = b.role as Role;
    const dep = departmentOf(role);
    const state = dep === undefined ? "active" : await d.tokens.departmentState(dep);
    if (state === undefined)
      throw new LedgerError(
        "UNKNOWN_DEPARTMENT",
        `department ${dep} is not registered on chain; register it first (POST /v1/departments here or at any gateway of this ledger)`,
        { department: dep },
      );
    if (state === "revoked") throw new LedgerError("DEPARTMENT_REVOKED", `department ${dep} is revoked`, { department: dep });
    const expiresAt =
      b.ttlSeconds !== undefined
        ? new Date(Date.now() + b.ttlSeconds * 1000).toISOString()
        : b.expiresAt === undefined
          ? null
          : new Date(b.expiresAt).toISOString();
    res.status(201).json(await d.tokens.create(role, b.label, expiresAt));
  });
  r.get("/v1/tokens", admin, (_req, res) => {
    res.json({ tokens: d.tokens.list() });
  });
  r.delete("/v1/tokens/:tokenId", admin, async (req, res) => {
    const tokenId = String(req.params.tokenId);
    if (!(await d.tokens.revoke(tokenId))) throw new LedgerError("NOT_FOUND", `no active token ${tokenId}`);
    res.json({ tokenId, revoked: true });
  });

  r.post("/v1/anchor", admin, async (_req, res) => {
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
    res.json(checkpointView(cp, d));
  });
  return r;
}
