/**
 * Recording exchanges (authenticated by the provider's signature) and reading
 * them back with receipts (token holders allowed to see them).
 */
import express, { Router, type Request } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { Entry, ExchangeRecord } from "../../core/record.ts";
import type { AppendResult } from "../../services/appender.ts";
import type { Principal } from "../../services/tokens.ts";
import { assertMaySeeExchange, requireRole } from "./auth.ts";
import { BATCH_BODY_LIMIT, MAX_BATCH_RECORDS, SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { providerIdParams, uintParam } from "./params.ts";

function jsonBody(req: Request): unknown {
  if (!req.is("application/json")) {
    throw new LedgerError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  return req.body;
}

export function exchangeRoutes(d: AppDeps): Router {
  const r = Router();
  const single = express.json({ limit: SINGLE_BODY_LIMIT, type: "application/json" });
  const batch = express.json({ limit: BATCH_BODY_LIMIT, type: "application/json" });
  const view = (x: AppendResult) => ({
    seq: x.seq,
    provider: x.provider,
    id: x.id,
    leafHash: x.leafHash,
    receivedAt: x.receivedAt,
    status: d.reader.status(x.seq),
  });

  r.post("/v1/exchanges", single, async (req, res) => {
    const rec = d.intake.parse(jsonBody(req));
    await d.intake.verify([rec], false);
    const [result] = await d.appender.submit([rec]);
    res.status(result!.replay ? 200 : 201).json(view(result!));
  });

  r.post("/v1/exchanges/batch", batch, async (req, res) => {
    const body = jsonBody(req) as { records?: unknown } | null;
    if (typeof body !== "object" || body === null || Array.isArray(body) || !Array.isArray(body.records)) {
      throw new LedgerError("VALIDATION_FAILED", "body must be {\"records\": [ … ]}");
    }
    const extra = Object.keys(body).filter((k) => k !== "records");
    if (extra.length) throw new LedgerError("VALIDATION_FAILED", `unknown field(s) in batch body: ${extra.join(", ")}`);
    const raw = body.records;
    if (raw.length === 0) throw new LedgerError("VALIDATION_FAILED", "records must not be empty");
    if (raw.length > MAX_BATCH_RECORDS) {
      throw new LedgerError("VALIDATION_FAILED", `at most ${MAX_BATCH_RECORDS} records per batch, got ${raw.length}`);
    }
    const recs: ExchangeRecord[] = raw.map((x, i) => d.intake.parse(x, i));
    await d.intake.verify(recs, true);
    const results = await d.appender.submit(recs);
    const anyNew = results.some((x) => !x.replay);
    res.status(anyNew ? 201 : 200).json({ results: results.map((x) => ({ ...view(x), replay: x.replay })) });
  });

  const readers = requireRole(d.tokens, "admin", "auditor", "department");

  const loadVisible = async (seq: number, p: Principal) => {
    const ex = await d.reader.exchange(seq);
    assertMaySeeExchange(p, ex.entry.record.provider, ex.entry.record.consumer);
    return ex;
  };

  r.get("/v1/exchanges/:provider/:id", readers, async (req, res) => {
    const { provider, id } = providerIdParams(String(req.params.provider), String(req.params.id));
    res.json(await loadVisible(await d.reader.seqOf(provider, id), res.locals.principal));
  });

  const visibleTo = (p: Principal) => (e: Entry) => assertMaySeeExchange(p, e.record.provider, e.record.consumer);

  r.get("/v1/exchanges/:provider/:id/receipt", readers, async (req, res) => {
    const { provider, id } = providerIdParams(String(req.params.provider), String(req.params.id));
    const seq = await d.reader.seqOf(provider, id);
    res.json(await d.reader.receipt(seq, visibleTo(res.locals.principal)));
  });

  r.get("/v1/entries/:seq/receipt", readers, async (req, res) => {
    const seq = uintParam("seq", req.params.seq);
    res.json(await d.reader.receipt(seq, visibleTo(res.locals.principal)));
  });

  return r;
}
