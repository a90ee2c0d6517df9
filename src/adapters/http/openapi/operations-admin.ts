/** Operations for regulators (statistics) and the admin (departments, tokens, anchoring), and the token's own role. */
import { departmentId } from "../../../core/record.ts";
import { newDepartment, newToken } from "../admin-routes.ts";
import { cancelRecovery, putSigner } from "../department-routes.ts";
import { FLOWS, TOP, USAGE } from "../stats-routes.ts";
import type { Operation } from "./operation.ts";
import * as R from "./responses.ts";

const STATS_WHO = ["admin", "auditor", "regulator"] as const;
const CSV = { "text/csv": { description: "with format=csv: RFC 4180 CSV with a header row" } };
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

export const ADMIN_OPERATIONS: readonly Operation[] = [
  {
    method: "get", path: "/v1/stats/usage", id: "usage", tag: "statistics", summary: "Exact usage counts over a day range, filtered and grouped", who: STATS_WHO,
    query: USAGE, queryDocs: STATS_DOCS, ok: [{ status: 200, description: "totals and groups", schema: R.Usage, media: CSV }], errors: [404],
  },
  {
    method: "get", path: "/v1/stats/top", id: "top", tag: "statistics", summary: "Top datasets, providers, consumers or purposes", who: STATS_WHO,
    query: TOP, queryDocs: STATS_DOCS, ok: [{ status: 200, description: "same shape as usage", schema: R.Usage, media: CSV }], errors: [404],
  },
  {
    method: "get", path: "/v1/stats/flows", id: "flows", tag: "statistics", summary: "Who gives data to whom: the provider × consumer matrix", who: STATS_WHO,
    query: FLOWS, queryDocs: STATS_DOCS, ok: [{ status: 200, description: "one row per provider and consumer", schema: R.Flows, media: CSV }], errors: [404],
  },
  { method: "get", path: "/v1/whoami", id: "whoami", tag: "tokens", summary: "The role of the bearer token", who: "any token", ok: [{ status: 200, description: "the role (and department)", schema: R.WhoAmI }] },
  { method: "get", path: "/v1/departments", id: "listDepartments", tag: "departments", summary: "Registered departments with signer, status and key state", who: "any token", ok: [{ status: 200, description: "departments", schema: R.DepartmentList }] },
  {
    method: "post", path: "/v1/departments", id: "registerDepartment", tag: "departments", summary: "Register a department and its signer on chain", who: ["admin"],
    body: { schema: newDepartment }, ok: [{ status: 201, description: "registered", schema: R.DepartmentRegistered }], errors: [409, 502],
  },
  { method: "get", path: "/v1/departments/{id}", id: "getDepartment", tag: "departments", summary: "One department", who: "any token", pathParams: depId, ok: [{ status: 200, description: "the department", schema: R.Department }], errors: [404] },
  {
    method: "delete", path: "/v1/departments/{id}", id: "revokeDepartment", tag: "departments", summary: "Revoke a department on chain", who: ["admin"],
    pathParams: depId, ok: [{ status: 200, description: "revoked", schema: R.DepartmentRevoked }], errors: [404, 502],
  },
  {
    method: "put", path: "/v1/departments/{id}/signer", id: "changeSigner", tag: "departments", summary: "Rotate a department's signer (with its authorization), or start or execute a recovery (admin, signer alone)", who: ["admin", "department"],
    description: "With `authorization` (signed by the current key): admin or that department relays it → 200. With `signer` alone: admin only → 202 while the recovery is time-locked, 200 once executed.",
    pathParams: depId, body: { schema: putSigner },
    ok: [{ status: 200, description: "the signer changed", schema: R.SignerChanged }, { status: 202, description: "recovery proposed", schema: R.RecoveryPending }],
    errors: [404, 409, 422, 502],
  },
  {
    method: "delete", path: "/v1/departments/{id}/recovery", id: "cancelRecovery", tag: "departments", summary: "Cancel a pending recovery with the current signer's authorization", who: ["admin", "department"],
    pathParams: depId, body: { schema: cancelRecovery }, ok: [{ status: 200, description: "cancelled", schema: R.RecoveryCancelled }], errors: [404, 409, 422, 502],
  },
  {
    method: "post", path: "/v1/tokens", id: "createToken", tag: "tokens", summary: "Create a bearer token for a role", who: ["admin"],
    body: { schema: newToken }, ok: [{ status: 201, description: "the secret, shown once", schema: R.TokenCreated }], errors: [422],
  },
  { method: "get", path: "/v1/tokens", id: "listTokens", tag: "tokens", summary: "Tokens: id, role, label, times, status — never the secret", who: ["admin"], ok: [{ status: 200, description: "tokens", schema: R.TokenList }] },
  {
    method: "delete", path: "/v1/tokens/{tokenId}", id: "revokeToken", tag: "tokens", summary: "Revoke a token at once", who: ["admin"],
    pathParams: { tokenId: { schema: R.TokenRevoked.shape.tokenId, description: "the token's id (`bootstrap` for ADMIN_TOKEN)" } },
    ok: [{ status: 200, description: "revoked", schema: R.TokenRevoked }], errors: [404, 409],
  },
  {
    method: "post", path: "/v1/anchor", id: "anchorNow", tag: "log", summary: "Anchor what is pending now", who: ["admin"],
    ok: [{ status: 200, description: "the new checkpoint, or the latest if nothing was pending", schema: R.Checkpoint }], errors: [404, 502],
  },
];
