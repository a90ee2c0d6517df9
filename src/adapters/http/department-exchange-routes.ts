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
import { LedgerError } from "../../core/errors.ts";
import { departmentOf, type Principal } from "../../core/roles.ts";
import type { ProvenanceQueries } from "../../ports/api/provenance.ts";
import { OPS } from "../../api/index.ts";
import type { QueryOf } from "../../api/operation.ts";
import { DEFAULT_PAGE } from "../../api/operations/log.ts";
import { paramError } from "../../api/params.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

type Query = QueryOf<typeof OPS.departmentExchanges>;

const cursorOf = (c: string | undefined) => (c === undefined ? undefined : { day: c.slice(0, 10), seq: Number(c.slice(11)) });

export function departmentExchangeRoutes(d: AppDeps & { provenance: ProvenanceQueries }): Router {
  const r = Router();
  /** A department reads only its own exchanges, whatever it asks. */
  const ownOnly = ({ params: { id }, principal }: { params: { readonly id: string }; principal: Principal }) => {
    const party = departmentOf(principal.role);
    if (party !== undefined && party !== id) {
      throw new LedgerError("FORBIDDEN", `department ${party} may read only its own exchanges, not ${id}'s`, { role: `department:${party}`, department: id });
    }
  };
  mount(
    r,
    d.tokens,
    OPS.departmentExchanges,
    async ({ params: { id }, query: q }) => {
      if (q.from > q.to) throw paramError([{ parameter: "from", in: "query", message: `must not be after to (${q.to})`, value: q.from }]);
      const limit = q.limit ?? DEFAULT_PAGE;
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
      return {
        department: id,
        role,
        from: q.from,
        to: q.to,
        asOf: { treeSize, anchoredSize: Math.min(d.anchorer.anchoredSize, treeSize), checkpoint: cp?.index ?? null },
        exchanges: page.items,
        next: page.next === null ? null : nextLink(id, role, q, limit, `${page.next.day}.${page.next.seq}`),
      };
    },
    { authorize: ownOnly },
  );
  return r;
}

/** The anchored checkpoint `asOf` names, if given; an index with none is 404 (as in the statistics). */
function checkpointOf(d: AppDeps, index: number | undefined) {
  if (index === undefined) return undefined;
  const cp = d.anchorer.checkpoints[index];
  if (!cp)
    throw new LedgerError("NOT_FOUND", `no anchored checkpoint ${index}`, [
      { parameter: "asOf", in: "query", message: `no anchored checkpoint ${index}`, value: index },
    ]);
  return cp;
}

function nextLink(id: string, role: string, q: Query, limit: number, cursor: string): string {
  const p = new URLSearchParams({ role, from: q.from, to: q.to, limit: String(limit), cursor });
  if (q.asOf !== undefined) p.set("asOf", String(q.asOf));
  return `/v1/departments/${id}/exchanges?${p}`;
}
