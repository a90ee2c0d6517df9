/**
 * Record-level reads across the federation:
 *   GET /v1/datasets/{dataset}/provenance   every gateway's exchanges of a dataset (JSON only:
 *                                           PROV-JSON and bundles come from each gateway, named in its part)
 *   GET /v1/departments/{id}/exchanges?role=consumer|provider&from=&to=
 *                                           the exchanges naming a department, at every gateway
 * Readers: see auth.ts and services/readers.ts.
 */
import { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { DATASET_ID, DEPARTMENT_ID } from "../../core/record.ts";
import { dayParam, enumParam, paramError, parseQuery } from "../../api/params.ts";
import type { HubRecordQueries as FederatedRecords, HubTokens } from "../ports.ts";
import { readerOf } from "./auth.ts";

/** Query of the department exchanges endpoint. */
export const DEPARTMENT_EXCHANGES = { role: enumParam(["consumer", "provider"]).optional(), from: dayParam, to: dayParam };
/** Query of the provenance endpoint. */
const PROVENANCE_QUERY = { format: enumParam(["json"]).optional() };

export function hubRecordRoutes(tokens: HubTokens, records: FederatedRecords): Router {
  const r = Router();
  r.get("/v1/datasets/*path", async (req, res) => {
    const parts = ([] as string[]).concat((req.params as { path: string | string[] }).path);
    if (parts.length < 2 || parts[parts.length - 1] !== "provenance") throw new LedgerError("NOT_FOUND", `no route GET ${req.path}`);
    const dataset = parts.slice(0, -1).join("/");
    if (!DATASET_ID.test(dataset)) throw new LedgerError("BAD_REQUEST", "not a valid dataset id", { dataset });
    parseQuery(PROVENANCE_QUERY, req.query as Record<string, unknown>);
    res.json(await records.provenance(dataset, readerOf(req, tokens)));
  });

  r.get("/v1/departments/:id/exchanges", async (req, res) => {
    const id = req.params.id;
    if (!DEPARTMENT_ID.test(id)) throw new LedgerError("BAD_REQUEST", "not a valid department id", { id });
    const q = parseQuery(DEPARTMENT_EXCHANGES, req.query as Record<string, unknown>);
    if (q.from > q.to) throw paramError([{ parameter: "from", in: "query", message: `must not be after to (${q.to})`, value: q.from }]);
    const reader = readerOf(req, tokens, id);
    res.json(await records.exchangesOf(id, q.role ?? "consumer", q.from, q.to, reader));
  });
  return r;
}
