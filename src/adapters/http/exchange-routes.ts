/**
 * Recording exchanges and reading them back with receipts.
 *
 * Writes need both a bearer token and the signatures (SPEC §8): `admin` may
 * relay anything; `department:<id>` only its own records — the provider of
 * every record, the consumer of an acknowledgement. The token is checked
 * before the body is read (requireRole comes before the parser); whose
 * records they are, once it is parsed and before any signature is checked.
 */
import express, { Router, type Request } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { ExchangeRecord } from "../../core/record.ts";
import { partiesOf, type LogEntry } from "../../core/ack.ts";
import type { AppendResult } from "../../ports/api/ledger.ts";
import type { Principal } from "../../core/roles.ts";
import { assertMaySeeExchange, principalIn, requireRole } from "./auth.ts";
import { BATCH_BODY_LIMIT, MAX_BATCH_RECORDS, SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { isoTimestampParam, providerIdParams, receiptQuery, uintParam } from "./params.ts";

function jsonBody(req: Request): unknown {
  if (!req.is("application/json")) {
    throw new LedgerError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  return req.body;
}

/** A department token submits only records its department provides (admin relays any). */
function assertOwnRecords(p: Principal, recs: readonly ExchangeRecord[], batch = false): void {
  if (p.role === "admin") return;
  const i = recs.findIndex((r) => p.role !== `department:${r.provider}`);
  if (i < 0) return;
  const r = recs[i]!;
  const which = batch ? `records[${i}] (provider ${r.provider}, id ${r.id})` : `the record (provider ${r.provider}, id ${r.id})`;
  throw new LedgerError("FORBIDDEN", `role ${p.role} may submit only its own department's records; ${which} is not`, {
    role: p.role,
    ...(batch ? { index: i } : {}),
    provider: r.provider,
    id: r.id,
  });
}

/** A department token acknowledges only as the consumer (admin relays any); a body without a consumer is left to validation. */
function assertOwnAcknowledgement(p: Principal, body: unknown): void {
  if (p.role === "admin" || typeof body !== "object" || body === null) return;
  const { consumer, provider, id } = body as { consumer?: unknown; provider?: unknown; id?: unknown };
  if (typeof consumer !== "string" || p.role === `department:${consumer}`) return;
  throw new LedgerError(
    "FORBIDDEN",
    `role ${p.role} may acknowledge only as its own department; this acknowledgement is by ${consumer} (of ${String(provider)}/${String(id)})`,
    {
      role: p.role,
      consumer,
    },
  );
}

// eslint-disable-next-line max-lines-per-function -- the resource's route table; shrinks when each operation is declared once (issue 19 item 1)
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

  // Fail closed before the body is read: nothing is taken that could not be anchored in time.
  const writable: express.RequestHandler = (_req, _res, next) => next(d.writeRefusal());
  const writer = requireRole(d.tokens, "admin", "department");

  r.post("/v1/exchanges", writer, writable, single, async (req, res) => {
    const rec = d.intake.parse(jsonBody(req));
    assertOwnRecords(principalIn(res), [rec]);
    await d.intake.verify([rec], false);
    const [result] = await d.appender.submit([rec]);
    res.status(result!.replay ? 200 : 201).json(view(result!));
  });

  r.post("/v1/exchanges/batch", writer, writable, batch, async (req, res) => {
    const body = jsonBody(req) as { records?: unknown } | null;
    if (typeof body !== "object" || body === null || Array.isArray(body) || !Array.isArray(body.records)) {
      throw new LedgerError("VALIDATION_FAILED", 'body must be {"records": [ … ]}');
    }
    const extra = Object.keys(body).filter((k) => k !== "records");
    if (extra.length) throw new LedgerError("VALIDATION_FAILED", `unknown field(s) in batch body: ${extra.join(", ")}`);
    const raw = body.records;
    if (raw.length === 0) throw new LedgerError("VALIDATION_FAILED", "records must not be empty");
    if (raw.length > MAX_BATCH_RECORDS) {
      throw new LedgerError("VALIDATION_FAILED", `at most ${MAX_BATCH_RECORDS} records per batch, got ${raw.length}`);
    }
    const recs: ExchangeRecord[] = raw.map((x, i) => d.intake.parse(x, i));
    assertOwnRecords(principalIn(res), recs, true);
    await d.intake.verify(recs, true);
    const results = await d.appender.submit(recs);
    const anyNew = results.some((x) => !x.replay);
    res.status(anyNew ? 201 : 200).json({ results: results.map((x) => ({ ...view(x), replay: x.replay })) });
  });

  const readers = requireRole(d.tokens, "admin", "auditor", "department");

  const visibleTo = (p: Principal) => (e: LogEntry) => {
    const { provider, consumer } = partiesOf(e);
    assertMaySeeExchange(p, provider, consumer);
  };

  r.get("/v1/exchanges/:provider/:id", readers, async (req, res) => {
    const { provider, id } = providerIdParams(String(req.params.provider), String(req.params.id));
    const ex = await d.reader.exchange(await d.reader.seqOf(provider, id));
    visibleTo(principalIn(res))(ex.entry);
    res.json({ ...ex, acknowledgement: await d.reader.acknowledgement(provider, id) });
  });

  r.get("/v1/exchanges/:provider/:id/receipt", readers, async (req, res) => {
    const { provider, id } = providerIdParams(String(req.params.provider), String(req.params.id));
    const opts = receiptQuery(req.query);
    const seq = await d.reader.seqOf(provider, id);
    res.json(await d.reader.receipt(seq, visibleTo(principalIn(res)), opts));
  });

  r.get("/v1/entries/:seq/receipt", readers, async (req, res) => {
    const seq = uintParam("seq", req.params.seq, { in: "path" });
    const opts = receiptQuery(req.query);
    res.json(await d.reader.receipt(seq, visibleTo(principalIn(res)), opts));
  });

  r.post("/v1/acknowledgements", writer, writable, single, async (req, res) => {
    const body = jsonBody(req);
    assertOwnAcknowledgement(principalIn(res), body);
    const checked = await d.ackIntake.check(body);
    const [result] = await d.appender.submitAcks([checked]);
    res.status(result!.replay ? 200 : 201).json({ ...view(result!), exchangeSeq: checked.exchangeSeq });
  });

  r.get("/v1/acknowledgements/missing", requireRole(d.tokens, "admin", "auditor"), async (req, res) => {
    const before = isoTimestampParam("before", req.query.before, new Date().toISOString());
    const after = req.query.after === undefined ? undefined : uintParam("after", req.query.after);
    const limit = uintParam("limit", req.query.limit, { def: 100, max: 1000 });
    const page = await d.reader.unacknowledged(before, after, limit);
    res.json({
      before,
      exchanges: page.items,
      next: page.next === null ? null : `/v1/acknowledgements/missing?before=${encodeURIComponent(before)}&after=${page.next}&limit=${limit}`,
    });
  });

  return r;
}
