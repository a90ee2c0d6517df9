/**
 * Recording exchanges and reading them back with receipts.
 *
 * Writes need both a bearer token and the signatures (SPEC §8): `admin` may
 * relay anything; `department:<id>` only its own records — the provider of
 * every record, the consumer of an acknowledgement. The token is checked
 * before the body is read (mount.ts: the role check comes before the parser); whose
 * records they are, once it is parsed and before any signature is checked.
 */
import express, { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { partiesOf, type LogEntry } from "../../core/ack.ts";
import type { ExchangeRecord } from "../../core/record.ts";
import type { AppendResult } from "../../ports/api/ledger.ts";
import type { Principal } from "../../core/roles.ts";
import { OPS } from "../../api/index.ts";
import { MAX_BATCH_RECORDS } from "../../api/operations/log.ts";
import { assertMaySeeExchange } from "./auth.ts";
import { BATCH_BODY_LIMIT, SINGLE_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { jsonBody, mount } from "./mount.ts";

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

  mount(
    r,
    d.tokens,
    OPS.recordExchange,
    async ({ req, res, principal }) => {
      const rec = d.intake.parse(jsonBody(req));
      assertOwnRecords(principal, [rec]);
      await d.intake.verify([rec], false);
      const [result] = await d.appender.submit([rec]);
      res.status(result!.replay ? 200 : 201);
      return view(result!);
    },
    { before: [writable, single], rawBody: true },
  );

  mount(
    r,
    d.tokens,
    OPS.recordExchanges,
    async ({ req, res, principal }) => {
      const recs = batchRecords(jsonBody(req)).map((x, i) => d.intake.parse(x, i));
      assertOwnRecords(principal, recs, true);
      await d.intake.verify(recs, true);
      const results = await d.appender.submit(recs);
      res.status(results.some((x) => !x.replay) ? 201 : 200);
      return { results: results.map((x) => ({ ...view(x), replay: x.replay })) };
    },
    { before: [writable, batch], rawBody: true },
  );

  const visibleTo = (p: Principal) => (e: LogEntry) => {
    const { provider, consumer } = partiesOf(e);
    assertMaySeeExchange(p, provider, consumer);
  };

  mount(r, d.tokens, OPS.getExchange, async ({ params: { provider, id }, principal }) => {
    const ex = await d.reader.exchange(await d.reader.seqOf(provider, id));
    visibleTo(principal)(ex.entry);
    return { ...ex, acknowledgement: await d.reader.acknowledgement(provider, id) };
  });
  mount(r, d.tokens, OPS.getReceipt, async ({ params: { provider, id }, query, principal }) =>
    d.reader.receipt(await d.reader.seqOf(provider, id), visibleTo(principal), query),
  );
  mount(r, d.tokens, OPS.getEntryReceipt, async ({ params, query, principal }) => d.reader.receipt(params.seq, visibleTo(principal), query));

  mount(
    r,
    d.tokens,
    OPS.acknowledge,
    async ({ req, res, principal }) => {
      const body = jsonBody(req);
      assertOwnAcknowledgement(principal, body);
      const checked = await d.ackIntake.check(body);
      const [result] = await d.appender.submitAcks([checked]);
      res.status(result!.replay ? 200 : 201);
      return { ...view(result!), exchangeSeq: checked.exchangeSeq };
    },
    { before: [writable, single], rawBody: true },
  );

  mount(r, d.tokens, OPS.missingAcknowledgements, async ({ query }) => {
    const before = query.before ?? new Date().toISOString();
    const limit = query.limit ?? 100;
    const page = await d.reader.unacknowledged(before, query.after, limit);
    return {
      before,
      exchanges: page.items,
      next: page.next === null ? null : `/v1/acknowledgements/missing?before=${encodeURIComponent(before)}&after=${page.next}&limit=${limit}`,
    };
  });
  return r;
}

/** The records of a batch body, checked for shape and size before any is parsed. */
function batchRecords(body: unknown): unknown[] {
  const b = body as { records?: unknown } | null;
  if (typeof b !== "object" || b === null || Array.isArray(b) || !Array.isArray(b.records)) {
    throw new LedgerError("VALIDATION_FAILED", 'body must be {"records": [ … ]}');
  }
  const extra = Object.keys(b).filter((k) => k !== "records");
  if (extra.length) throw new LedgerError("VALIDATION_FAILED", `unknown field(s) in batch body: ${extra.join(", ")}`);
  const raw = b.records as unknown[];
  if (raw.length === 0) throw new LedgerError("VALIDATION_FAILED", "records must not be empty");
  if (raw.length > MAX_BATCH_RECORDS) throw new LedgerError("VALIDATION_FAILED", `at most ${MAX_BATCH_RECORDS} records per batch, got ${raw.length}`);
  return raw;
}
