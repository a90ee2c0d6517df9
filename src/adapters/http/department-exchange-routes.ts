/**
 * GET /v1/departments/{id}/exchanges?role=provider|consumer&from=&to=[&limit=&cursor=&asOf=]:
 * the exchanges naming department `id` in `role` (default consumer) with
 * occurredAt's UTC day in [from, to], by day then seq, read from the
 * department index (never by scanning datasets). Each item is the provenance
 * item with its dataset. `asOf=<checkpoint index>` keeps only entries below
 * that anchored checkpoint's treeSize, so an answer can be tied to it (the
 * hub asks so). Paged: `next` is the link to the following page, null at the end.
 * Admin and auditor read any department's; a department token only its own (403).
 */
import { Router } from "express";
import { z } from "zod";
import { LedgerError } from "../../core/errors.ts";
import { DEPARTMENT_ID } from "../../core/record.ts";
import { departmentOf } from "../../core/roles.ts";
import { DEFAULT_PAGE, MAX_PAGE, type ProvenanceQueries } from "../../ports/api/provenance.ts";
import { principalIn, requireRole } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { dayParam, enumParam, paramError, parseQuery, single, uintParam } from "./params.ts";

/** Query of GET /v1/departments/{id}/exchanges (also in the OpenAPI document). */
export const DEPARTMENT_EXCHANGES_QUERY = {
  role: enumParam(["consumer", "provider"]).optional(),
  from: dayParam,
  to: dayParam,
  limit: single.optional(),
  /** Where to continue: `<day>.<seq>` of the last item read, as `next` gives it. */
  cursor: single.regex(/^\d{4}-\d{2}-\d{2}\.\d{1,16}$/, "must be <YYYY-MM-DD>.<seq>, as a page's next link gives it").optional(),
  /** Index of an anchored checkpoint: only entries it covers. */
  asOf: single.optional(),
};
type Query = z.output<z.ZodObject<typeof DEPARTMENT_EXCHANGES_QUERY>>;

const cursorOf = (c: string | undefined) => (c === undefined ? undefined : { day: c.slice(0, 10), seq: Number(c.slice(11)) });

export function departmentExchangeRoutes(d: AppDeps & { provenance: ProvenanceQueries }): Router {
  const r = Router();
  r.get("/v1/departments/:id/exchanges", requireRole(d.tokens, "admin", "auditor", "department"), async (req, res) => {
    const id = (req.params as { id: string }).id;
    if (!DEPARTMENT_ID.test(id)) throw new LedgerError("BAD_REQUEST", "not a valid department id", { id });
    const party = departmentOf(principalIn(res).role);
    if (party !== undefined && party !== id) {
      throw new LedgerError("FORBIDDEN", `department ${party} may read only its own exchanges, not ${id}'s`, { role: `department:${party}`, department: id });
    }
    const q = parseQuery(DEPARTMENT_EXCHANGES_QUERY, req.query as Record<string, unknown>);
    if (q.from > q.to) throw paramError([{ parameter: "from", in: "query", message: `must not be after to (${q.to})`, value: q.from }]);
    const limit = uintParam("limit", q.limit, { def: DEFAULT_PAGE, max: MAX_PAGE });
    const cp = checkpointOf(d, q.asOf);
    const role = q.role ?? "consumer";
    const page = await d.provenance.departmentExchanges({
      department: id,
      role,
      from: q.from,
      to: q.to,
      limit,
      after: cursorOf(q.cursor),
      belowSeq: cp?.treeSize,
    });
    const treeSize = cp?.treeSize ?? d.appender.size;
    res.json({
      department: id,
      role,
      from: q.from,
      to: q.to,
      asOf: { treeSize, anchoredSize: Math.min(d.anchorer.anchoredSize, treeSize), checkpoint: cp?.index ?? null },
      exchanges: page.items,
      next: page.next === null ? null : nextLink(id, role, q, limit, `${page.next.day}.${page.next.seq}`),
    });
  });
  return r;
}

/** The anchored checkpoint `asOf` names, if given; an index with none is 404 (as in the statistics). */
function checkpointOf(d: AppDeps, asOf: string | undefined) {
  if (asOf === undefined) return undefined;
  const index = uintParam("asOf", asOf);
  const cp = d.anchorer.checkpoints[index];
  if (!cp)
    throw new LedgerError("NOT_FOUND", `no anchored checkpoint ${index}`, [
      { parameter: "asOf", in: "query", message: `no anchored checkpoint ${index}`, value: index },
    ]);
  return cp;
}

function nextLink(id: string, role: string, q: Query, limit: number, cursor: string): string {
  const p = new URLSearchParams({ role, from: q.from, to: q.to, limit: String(limit), cursor });
  if (q.asOf !== undefined) p.set("asOf", q.asOf);
  return `/v1/departments/${id}/exchanges?${p}`;
}
