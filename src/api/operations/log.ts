/** Operations of the log: health, info, checkpoints, proofs, exchanges, receipts, acknowledgements. */
import { z } from "zod";
import { acknowledgementInput } from "../../core/ack.ts";
import { datasetId, departmentId, exchangeRecordInput, recordId } from "../../core/record.ts";
import { RECEIPT_QUERY, dayParam, enumParam, limitParam, single, timestampParam, uintString } from "../params.ts";
import type { Operation } from "../operation.ts";
import * as R from "../responses.ts";

/** Most records in one POST /v1/exchanges/batch. */
export const MAX_BATCH_RECORDS = 10_000;
/** Provenance and department pages: default and largest page size. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Values of the provenance `?format=` (the first is the default). */
export const PROVENANCE_FORMATS = ["json", "prov", "bundle"] as const;

/** Query of GET /v1/departments/{id}/exchanges. */
export const DEPARTMENT_EXCHANGES_QUERY = {
  role: enumParam(["consumer", "provider"]).optional(),
  from: dayParam,
  to: dayParam,
  limit: limitParam(MAX_PAGE),
  /** Where to continue: `<day>.<seq>` of the last item read, as `next` gives it. */
  cursor: single.regex(/^\d{4}-\d{2}-\d{2}\.\d{1,16}$/, "must be <YYYY-MM-DD>.<seq>, as a page's next link gives it").optional(),
  /** Index of an anchored checkpoint: only entries it covers. */
  asOf: uintString.optional(),
};

const index = uintString.optional();
const limit = limitParam(1000);
const provider = { schema: departmentId, description: "the providing department's id" };
const id = { schema: recordId, description: "the record's id (unique per provider)" };
const RECEIPT_DOCS = {
  proof: "`state`: add the checkpoint's state proof for offline verification (501 STATE_PROOF_UNAVAILABLE where the chain cannot give one)",
};

/** Body of POST /v1/exchanges/batch: the route checks it field by field, each record with exchangeRecordInput. */
export const batchBody = z.strictObject({ records: z.array(exchangeRecordInput).min(1).max(MAX_BATCH_RECORDS) });

export const LEDGER_OPERATIONS = [
  {
    method: "get",
    path: "/healthz",
    id: "healthz",
    tag: "health",
    summary: "Liveness",
    who: "anyone",
    ok: [{ status: 200, description: "the process answers", schema: R.Health }],
  },
  {
    method: "get",
    path: "/readyz",
    id: "readyz",
    tag: "health",
    summary: "Readiness: store open, chain reachable, writes accepted",
    who: "anyone",
    ok: [{ status: 200, description: "ready", schema: R.Readiness }],
    description: "503 with the same body (and Retry-After) while writes would be refused.",
  },
  {
    method: "get",
    path: "/v1/info",
    id: "info",
    tag: "log",
    summary: "Chain, contract, log id, EIP-712 domain and types, anchoring health",
    who: "anyone",
    ok: [{ status: 200, description: "what a client signs against and an auditor verifies against", schema: R.Info }],
  },
  {
    method: "get",
    path: "/v1/checkpoints/latest",
    id: "latestCheckpoint",
    tag: "log",
    summary: "The latest anchored checkpoint",
    who: "anyone",
    ok: [{ status: 200, description: "checkpoint", schema: R.Checkpoint }],
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/checkpoints",
    id: "listCheckpoints",
    tag: "log",
    summary: "Anchored checkpoints, paged",
    who: "anyone",
    query: { after: index, limit },
    queryDocs: { after: "checkpoint index to list after", limit: "page size, 1–1000 (default 100)" },
    ok: [{ status: 200, description: "a page of checkpoints", schema: R.CheckpointPage }],
  },
  {
    method: "get",
    path: "/v1/proofs/consistency",
    id: "consistencyProof",
    tag: "log",
    summary: "RFC 9162 consistency proof between two tree sizes",
    who: "anyone",
    query: { from: uintString, to: uintString },
    queryDocs: { from: "older tree size (≥ 1)", to: "newer tree size (≤ the log size)" },
    ok: [{ status: 200, description: "the proof", schema: R.ConsistencyProof }],
  },
  {
    method: "post",
    path: "/v1/exchanges",
    id: "recordExchange",
    tag: "exchanges",
    summary: "Record one signed exchange",
    who: ["admin", "department"],
    description: "A department token submits only records it provides; admin relays any. The EIP-712 signature MUST be the provider's registered signer's.",
    body: { schema: exchangeRecordInput },
    ok: [
      { status: 201, description: "recorded (pending until anchored)", schema: R.Appended },
      { status: 200, description: "identical replay: the original", schema: R.Appended },
    ],
    errors: [409, 422],
  },
  {
    method: "post",
    path: "/v1/exchanges/batch",
    id: "recordExchanges",
    tag: "exchanges",
    summary: "Record up to 10 000 signed exchanges, all or nothing",
    who: ["admin", "department"],
    body: { schema: batchBody },
    ok: [
      { status: 201, description: "recorded", schema: R.BatchAppended },
      { status: 200, description: "every record was an identical replay", schema: R.BatchAppended },
    ],
    errors: [409, 422],
  },
  {
    method: "get",
    path: "/v1/exchanges/{provider}/{id}",
    id: "getExchange",
    tag: "exchanges",
    summary: "An exchange's entry, leaf hash, status and acknowledgement",
    who: ["admin", "auditor", "department"],
    description: "A department reads only exchanges it is a party to (404 otherwise, as for a missing one).",
    pathParams: { provider, id },
    ok: [{ status: 200, description: "the exchange", schema: R.Exchange }],
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/exchanges/{provider}/{id}/receipt",
    id: "getReceipt",
    tag: "exchanges",
    summary: "The receipt of an exchange, verifiable against the chain alone",
    who: ["admin", "auditor", "department"],
    pathParams: { provider, id },
    query: RECEIPT_QUERY,
    queryDocs: RECEIPT_DOCS,
    ok: [{ status: 200, description: "the receipt", schema: R.Receipt }],
    errors: [404, 409, 501],
  },
  {
    method: "get",
    path: "/v1/entries/{seq}/receipt",
    id: "getEntryReceipt",
    tag: "exchanges",
    summary: "The receipt of log entry seq",
    who: ["admin", "auditor", "department"],
    pathParams: { seq: { schema: uintString, description: "the entry's position in the log" } },
    query: RECEIPT_QUERY,
    queryDocs: RECEIPT_DOCS,
    ok: [{ status: 200, description: "the receipt", schema: R.Receipt }],
    errors: [404, 409, 501],
  },
  {
    method: "post",
    path: "/v1/acknowledgements",
    id: "acknowledge",
    tag: "exchanges",
    summary: "Record the consumer's signed acknowledgement of an exchange",
    who: ["admin", "department"],
    description: "A department token acknowledges only as the consumer; admin relays any.",
    body: { schema: acknowledgementInput },
    ok: [
      { status: 201, description: "recorded", schema: R.AckAppended },
      { status: 200, description: "identical replay", schema: R.AckAppended },
    ],
    errors: [404, 409, 422],
  },
  {
    method: "get",
    path: "/v1/acknowledgements/missing",
    id: "missingAcknowledgements",
    tag: "exchanges",
    summary: "Exchanges no consumer has acknowledged",
    who: ["admin", "auditor"],
    query: { before: timestampParam.optional(), after: index, limit },
    queryDocs: { before: "received before this instant (default: now)", after: "seq to list after", limit: "page size, 1–1000 (default 100)" },
    ok: [{ status: 200, description: "a page", schema: R.MissingAcknowledgements }],
  },
  {
    method: "get",
    path: "/v1/datasets/{dataset}/provenance",
    expressRoute: "/v1/datasets/*path",
    id: "provenance",
    tag: "provenance",
    summary: "A dataset's origin, every exchange of it, and its lineage (derivedFrom, both directions)",
    who: ["admin", "auditor", "department"],
    description: "A department sees only exchanges it is a party to. The dataset id may hold `/`: send it URL-encoded or as path segments.",
    pathParams: { dataset: { schema: datasetId, description: "the dataset id" } },
    query: { after: index, limit: limitParam(MAX_PAGE), format: enumParam(PROVENANCE_FORMATS).optional() },
    queryDocs: {
      after: "seq to list after",
      limit: "page size",
      format: "`json` (default); `prov`: W3C PROV-JSON (next page in the Link header); `bundle`: every receipt, for `dxledger verify`",
    },
    ok: [
      {
        status: 200,
        description: "provenance (format=json); with format=prov a PROV-JSON document; with format=bundle a receipt bundle",
        schema: z.union([R.Provenance, R.Bundle, R.ProvJson]),
      },
    ],
  },
  {
    method: "get",
    path: "/v1/departments/{id}/exchanges",
    id: "departmentExchanges",
    tag: "provenance",
    summary: "The exchanges naming one department, as provider or consumer, in a day range (from its index, paged)",
    who: ["admin", "auditor", "department"],
    description:
      "A department token reads only its own (403 for another's). Ordered by the UTC day of occurredAt, then seq. `asOf` keeps only entries the anchored checkpoint covers (seq < its treeSize).",
    pathParams: { id: { schema: departmentId, description: "the department's id" } },
    query: DEPARTMENT_EXCHANGES_QUERY,
    queryDocs: {
      role: "`consumer` (default) or `provider`",
      from: "first UTC day of occurredAt (YYYY-MM-DD)",
      to: "last UTC day of occurredAt (YYYY-MM-DD)",
      limit: "page size (default 100, at most 1000)",
      cursor: "where to continue, from the previous page's `next`",
      asOf: "index of an anchored checkpoint: only entries it covers (404 if none)",
    },
    ok: [{ status: 200, description: "a page of the department's exchanges", schema: R.DepartmentExchanges }],
    errors: [404],
  },
] as const satisfies readonly Operation[];
