/**
 * GET /v1/datasets/{dataset}/provenance[?after=&limit=&format=prov]:
 * auditors and admins see every exchange of the dataset; a department only
 * those it is a party to. Dataset ids may hold "/": send them URL-encoded or
 * as path segments.
 */
import { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { DATASET_ID, type Entry } from "../../core/record.ts";
import { toProvJson } from "../../core/prov.ts";
import { DEFAULT_PAGE, MAX_PAGE, type ProvenanceService } from "../../services/provenance.ts";
import type { Principal } from "../../services/tokens.ts";
import { requireRole } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { uintParam } from "./params.ts";

export function provenanceRoutes(d: AppDeps & { provenance: ProvenanceService }): Router {
  const r = Router();
  r.get("/v1/datasets/*path", requireRole(d.tokens, "admin", "auditor", "department"), async (req, res) => {
    const parts = ([] as string[]).concat((req.params as { path: string | string[] }).path);
    if (parts.length < 2 || parts[parts.length - 1] !== "provenance") {
      throw new LedgerError("NOT_FOUND", `no route GET ${req.path}`);
    }
    const dataset = parts.slice(0, -1).join("/");
    if (!DATASET_ID.test(dataset)) throw new LedgerError("BAD_REQUEST", "not a valid dataset id", { dataset });
    const after = req.query.after === undefined ? undefined : uintParam("after", req.query.after);
    const limit = uintParam("limit", req.query.limit, { def: DEFAULT_PAGE, max: MAX_PAGE });
    if (limit === 0) throw new LedgerError("BAD_REQUEST", "limit must be at least 1");
    const format = req.query.format ?? "json";
    if (format !== "json" && format !== "prov") throw new LedgerError("BAD_REQUEST", "format must be json or prov");

    const p: Principal = res.locals.principal;
    const party = p.role.startsWith("department:") ? p.role.slice("department:".length) : undefined;
    const visible = party ? (e: Entry) => e.record.provider === party || e.record.consumer === party : undefined;
    const [page, firstAll, lineage] = await Promise.all([
      d.provenance.exchanges(dataset, after, limit, visible),
      d.provenance.exchanges(dataset, undefined, 1),
      d.provenance.lineage(dataset),
    ]);
    // The origin is the first exchange of the dataset; a department sees it only if it was a party.
    const first = firstAll.items[0];
    const origin = first && (!party || first.provider === party || first.consumer === party) ? first : null;
    const next = page.next === null ? null : `/v1/datasets/${encodeURIComponent(dataset)}/provenance?after=${page.next}&limit=${limit}${format === "prov" ? "&format=prov" : ""}`;
    if (format === "prov") {
      // The body is pure PROV-JSON; the next page is in the Link header.
      if (next) res.set("Link", `<${next}>; rel="next"`);
      res.json(toProvJson(dataset, page.items, [...lineage.upstream, ...lineage.downstream]));
      return;
    }
    res.json({
      dataset,
      asOf: { treeSize: d.appender.size, anchoredSize: d.anchorer.anchoredSize },
      origin: origin ? { provider: origin.provider, consumer: origin.consumer, seq: origin.seq, id: origin.id, occurredAt: origin.occurredAt, receivedAt: origin.receivedAt } : null,
      exchanges: page.items,
      next,
      lineage,
    });
  });
  return r;
}
