/**
 * GET /v1/datasets/{dataset}/provenance[?after=&limit=&format=prov]:
 * auditors and admins see every exchange of the dataset; a department only
 * those it is a party to, everywhere: the list, the origin, the lineage (only
 * edges declared by records it may read), PROV-JSON and bundles. A dataset it
 * had no part in answers as an unknown one does (200, nothing in it).
 * Dataset ids may hold "/": send them URL-encoded or as path segments.
 */
import { Router, type Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import { DATASET_ID, type Entry } from "../../core/record.ts";
import { toProvJson } from "../../core/prov.ts";
import { DEFAULT_PAGE, MAX_PAGE, type ProvenanceQueries } from "../../ports/api/provenance.ts";
import { departmentOf } from "../../core/roles.ts";
import { OPS } from "../../api/index.ts";
import { PROVENANCE_FORMATS } from "../../api/operations/log.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

export function provenanceRoutes(d: AppDeps & { provenance: ProvenanceQueries }): Router {
  const r = Router();

  mount(r, d.tokens, OPS.provenance, async ({ req, res, query, principal }) => {
    const parts = ([] as string[]).concat((req.params as { path: string | string[] }).path);
    if (parts.length < 2 || parts[parts.length - 1] !== "provenance") {
      throw new LedgerError("NOT_FOUND", `no route GET ${req.path}`);
    }
    const dataset = parts.slice(0, -1).join("/");
    if (!DATASET_ID.test(dataset)) throw new LedgerError("BAD_REQUEST", "not a valid dataset id", { dataset });
    const { after } = query;
    const limit = query.limit ?? DEFAULT_PAGE;
    const format = query.format ?? PROVENANCE_FORMATS[0];
    const party = departmentOf(principal.role);
    const visible = party ? (e: Entry) => e.record.provider === party || e.record.consumer === party : undefined;
    if (format === "bundle") {
      await streamBundle(d, dataset, visible, res);
      return undefined;
    }
    const [page, firstAll, lineage] = await Promise.all([
      d.provenance.exchanges(dataset, after, limit, visible),
      d.provenance.exchanges(dataset, undefined, 1),
      d.provenance.lineage(dataset, party),
    ]);
    // The origin is the first exchange of the dataset; a department sees it only if it was a party.
    const first = firstAll.items[0];
    const origin = first && (!party || first.provider === party || first.consumer === party) ? first : null;
    const next =
      page.next === null
        ? null
        : `/v1/datasets/${encodeURIComponent(dataset)}/provenance?after=${page.next}&limit=${limit}${format === "prov" ? "&format=prov" : ""}`;
    if (format === "prov") {
      // The body is pure PROV-JSON; the next page is in the Link header.
      if (next) res.set("Link", `<${next}>; rel="next"`);
      return toProvJson(dataset, page.items, [...lineage.upstream, ...lineage.downstream]);
    }
    return {
      dataset,
      asOf: { treeSize: d.appender.size, anchoredSize: d.anchorer.anchoredSize },
      origin: origin
        ? { provider: origin.provider, consumer: origin.consumer, seq: origin.seq, id: origin.id, occurredAt: origin.occurredAt, receivedAt: origin.receivedAt }
        : null,
      exchanges: page.items,
      next,
      lineage,
    };
  });
  return r;
}

export const BUNDLE_KIND = "dxledger-provenance-bundle";

/**
 * Every receipt of the dataset's anchored exchanges (those visible to the
 * caller) as one JSON file, streamed page by page; pending ones are listed by
 * seq. Checked offline against the chain by `dxledger verify <bundle>`.
 */
async function streamBundle(d: AppDeps & { provenance: ProvenanceQueries }, dataset: string, visible: ((e: Entry) => boolean) | undefined, res: Response) {
  res.status(200);
  res.type("application/json");
  res.set("Content-Disposition", `attachment; filename="provenance-${dataset.replace(/[^A-Za-z0-9._-]/g, "_")}.json"`);
  const head = {
    v: 1,
    kind: BUNDLE_KIND,
    dataset,
    generatedAt: new Date().toISOString(),
    chainId: d.info.chainId,
    contract: d.info.contract,
    logId: d.info.logId,
  };
  res.write(`${JSON.stringify(head).slice(0, -1)},"receipts":[`);
  const pending: number[] = [];
  let after: number | undefined;
  let first = true;
  for (;;) {
    const page = await d.provenance.exchanges(dataset, after, MAX_PAGE, visible);
    for (const item of page.items) {
      if (item.status !== "anchored") {
        pending.push(item.seq);
        continue;
      }
      const receipt = await d.reader.receipt(item.seq);
      if (!res.write(`${first ? "" : ","}${JSON.stringify(receipt)}`)) await new Promise((r) => res.once("drain", r));
      first = false;
    }
    if (page.next === null) break;
    after = page.next;
  }
  res.end(`],"pending":${JSON.stringify(pending)}}`);
}
