/** Operations for regulators (statistics) and the admin (departments, tokens, anchoring), and the token's own role. */
import { z } from "zod";
import { datasetId, departmentId, freeText } from "../../core/record.ts";
import { MAX_TTL_SECONDS, roleSchema } from "../../core/roles.ts";
import { address } from "../body.ts";
import { dayParam, enumParam, limitParam, single, uintString } from "../params.ts";
import type { Operation } from "../operation.ts";
import * as R from "../responses.ts";

/** What statistics may be filtered and ranked by, and grouped by. */
export const STATS_FILTERS = ["dataset", "provider", "consumer", "purpose"] as const;
export const STATS_GROUPS = ["day", "month", ...STATS_FILTERS] as const;
/** Parameters every statistics endpoint takes. */
const COMMON = {
  from: dayParam,
  to: dayParam,
  format: enumParam(["json", "csv"]).optional(),
  /** Index of an anchored checkpoint (checked against the checkpoints in the handler). */
  asOf: uintString.optional(),
};
/** Filter values have the shape of what they filter (a value no record can hold is a mistake, not an empty answer). */
const FILTER_SHAPE = {
  dataset: single.pipe(datasetId).optional(),
  provider: single.pipe(departmentId).optional(),
  consumer: single.pipe(departmentId).optional(),
  purpose: single.pipe(freeText(1, 256)).optional(),
};
/** Query parameters of each statistics endpoint. */
export const USAGE = { ...COMMON, ...FILTER_SHAPE, groupBy: enumParam(STATS_GROUPS).optional() };
export const TOP = { ...COMMON, by: enumParam(STATS_FILTERS), limit: limitParam(1000) };
export const FLOWS = COMMON;

/** Body of POST /v1/departments. */
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

/** A department's EIP-712 authorization of a key change or cancellation (docs/departments.md). */
const authorization = z.strictObject({
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  deadline: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2}){1,128}$/, "must be 0x + the signature's hex bytes"),
});
/** Bodies of PUT …/signer and DELETE …/recovery. */
export const putSigner = z.strictObject({ signer: address, authorization: authorization.optional() });
export const cancelRecovery = z.strictObject({ authorization });

const STATS_WHO = ["admin", "auditor", "regulator"] as const;
const CSV = { "text/csv": { description: "with format=csv: RFC 4180 CSV with a header row" } };
/** What every statistics answer says it is as of (stats-routes.ts asOfHeaders). */
const AS_OF_HEADERS = {
  "Dxledger-Checkpoint": "<index>,<treeSize>,<rootHash>: the latest anchored checkpoint the figures count; absent when no checkpoint is counted yet",
  "Dxledger-Pending": "how many entries after that checkpoint (pending, not yet anchored) the figures count too; 0 when none",
  "Content-Disposition":
    'with format=csv: attachment; filename="dxledger-<usage|top|flows>-cp<index>-<treeSize>[-pending<n>].csv", or "dxledger-<…>-unanchored-<size>.csv" before any checkpoint',
};
const STATS_DOCS = {
  from: "first UTC day, YYYY-MM-DD (inclusive, of occurredAt)",
  to: "last UTC day, YYYY-MM-DD (inclusive)",
  format: "json (default) or csv",
  asOf: "index of an anchored checkpoint: the figures as of it",
  groupBy: "day, month, dataset, provider, consumer or purpose",
  by: "what to rank: dataset, provider, consumer or purpose",
  limit: "how many, 1–1000 (default 10)",
};
const depId = { id: { schema: departmentId, description: "the department id" } };

export const ADMIN_OPERATIONS = [
  {
    method: "get",
    path: "/v1/stats/usage",
    id: "usage",
    tag: "statistics",
    summary: "Exact usage counts over a day range, filtered and grouped",
    who: STATS_WHO,
    query: USAGE,
    queryDocs: STATS_DOCS,
    ok: [{ status: 200, description: "totals and groups", schema: R.Usage, media: CSV, headers: AS_OF_HEADERS }],
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/stats/top",
    id: "top",
    tag: "statistics",
    summary: "Top datasets, providers, consumers or purposes",
    who: STATS_WHO,
    query: TOP,
    queryDocs: STATS_DOCS,
    ok: [{ status: 200, description: "same shape as usage", schema: R.Usage, media: CSV, headers: AS_OF_HEADERS }],
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/stats/flows",
    id: "flows",
    tag: "statistics",
    summary: "Who gives data to whom: the provider × consumer matrix",
    who: STATS_WHO,
    query: FLOWS,
    queryDocs: STATS_DOCS,
    ok: [{ status: 200, description: "one row per provider and consumer", schema: R.Flows, media: CSV, headers: AS_OF_HEADERS }],
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/whoami",
    id: "whoami",
    tag: "tokens",
    summary: "The role of the bearer token",
    who: "any token",
    ok: [{ status: 200, description: "the role (and department)", schema: R.WhoAmI }],
  },
  {
    method: "get",
    path: "/v1/departments",
    id: "listDepartments",
    tag: "departments",
    summary: "Registered departments with signer, status and key state",
    who: "any token",
    ok: [{ status: 200, description: "departments", schema: R.DepartmentList }],
  },
  {
    method: "post",
    path: "/v1/departments",
    id: "registerDepartment",
    tag: "departments",
    summary: "Register a department and its signer on chain",
    who: ["admin"],
    body: { schema: newDepartment },
    ok: [{ status: 201, description: "registered", schema: R.DepartmentRegistered }],
    errors: [409, 502],
  },
  {
    method: "get",
    path: "/v1/departments/{id}",
    id: "getDepartment",
    tag: "departments",
    summary: "One department",
    who: "any token",
    pathParams: depId,
    ok: [{ status: 200, description: "the department", schema: R.Department }],
    errors: [404],
  },
  {
    method: "delete",
    path: "/v1/departments/{id}",
    id: "revokeDepartment",
    tag: "departments",
    summary: "Revoke a department on chain",
    who: ["admin"],
    pathParams: depId,
    ok: [{ status: 200, description: "revoked", schema: R.DepartmentRevoked }],
    errors: [404, 502],
  },
  {
    method: "put",
    path: "/v1/departments/{id}/signer",
    id: "changeSigner",
    tag: "departments",
    summary: "Rotate a department's signer (with its authorization), or start or execute a recovery (admin, signer alone)",
    who: ["admin", "department"],
    description:
      "With `authorization` (signed by the current key): admin or that department relays it → 200. With `signer` alone: admin only → 202 while the recovery is time-locked, 200 once executed.",
    pathParams: depId,
    body: { schema: putSigner },
    ok: [
      { status: 200, description: "the signer changed", schema: R.SignerChanged },
      { status: 202, description: "recovery proposed", schema: R.RecoveryPending },
    ],
    errors: [404, 409, 422, 502],
  },
  {
    method: "delete",
    path: "/v1/departments/{id}/recovery",
    id: "cancelRecovery",
    tag: "departments",
    summary: "Cancel a pending recovery with the current signer's authorization",
    who: ["admin", "department"],
    pathParams: depId,
    body: { schema: cancelRecovery },
    ok: [{ status: 200, description: "cancelled", schema: R.RecoveryCancelled }],
    errors: [404, 409, 422, 502],
  },
  {
    method: "post",
    path: "/v1/tokens",
    id: "createToken",
    tag: "tokens",
    summary: "Create a bearer token for a role",
    who: ["admin"],
    body: { schema: newToken },
    ok: [{ status: 201, description: "the secret, shown once", schema: R.TokenCreated }],
    errors: [422],
  },
  {
    method: "get",
    path: "/v1/tokens",
    id: "listTokens",
    tag: "tokens",
    summary: "Tokens: id, role, label, times, status — never the secret",
    who: ["admin"],
    ok: [{ status: 200, description: "tokens", schema: R.TokenList }],
  },
  {
    method: "delete",
    path: "/v1/tokens/{tokenId}",
    id: "revokeToken",
    tag: "tokens",
    summary: "Revoke a token at once",
    who: ["admin"],
    pathParams: { tokenId: { schema: R.TokenRevoked.shape.tokenId, description: "the token's id (`bootstrap` for ADMIN_TOKEN)" } },
    ok: [{ status: 200, description: "revoked", schema: R.TokenRevoked }],
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/v1/anchor",
    id: "anchorNow",
    tag: "log",
    summary: "Anchor what is pending now",
    who: ["admin"],
    ok: [{ status: 200, description: "the new checkpoint, or the latest if nothing was pending", schema: R.Checkpoint }],
    errors: [404, 502],
  },
] as const satisfies readonly Operation[];
