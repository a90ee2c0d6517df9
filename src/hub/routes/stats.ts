/**
 * The gateways' statistics endpoints, federated: the same paths, parameters
 * and CSV columns as a gateway's (src/api/operations/admin.ts), except
 * `asOf`: the hub pins each gateway to its own latest anchored checkpoint and
 * names it in the part; ask a gateway directly with a part's `request` for
 * the same figures. The JSON adds complete, parts, missing, unverifiable and
 * the rule the totals follow; every answer says completeness and what it is as
 * of in headers (Federation-Complete, Federation-Missing, one Dxledger-Checkpoint
 * per part, Dxledger-Pending).
 */
import { Router, type Request, type Response } from "express";
import { toCsv } from "../../core/csv.ts";
import { paramError, parseQuery } from "../../api/params.ts";
import { FLOWS, TOP, USAGE } from "../../api/operations/admin.ts";
import { CHECKPOINT_HEADER, PENDING_HEADER } from "../../adapters/http/stats-routes.ts";
import type { Completeness, HubStatistics as FederatedStats, HubTokens } from "../ports.ts";
import { requireHubRole } from "./auth.ts";

const { asOf: _u, ...HUB_USAGE } = USAGE;
const { asOf: _t, ...HUB_TOP } = TOP;
const { asOf: _f, ...HUB_FLOWS } = FLOWS;
export { HUB_USAGE, HUB_TOP, HUB_FLOWS };

/**
 * Completeness, and what the figures are as of: one `Dxledger-Checkpoint: <logId>,<index>,<treeSize>,<rootHash>`
 * per part summed, and `Dxledger-Pending: 0` (each part is as of its checkpoint: nothing pending is counted).
 */
function completeness(res: Response, f: Completeness): void {
  res.set("Federation-Complete", String(f.complete));
  const left = [...f.missing, ...f.unverifiable].map((m) => m.log.name ?? m.log.url);
  if (left.length) res.set("Federation-Missing", left.join(", "));
  for (const p of f.parts) res.append(CHECKPOINT_HEADER, `${p.log.logId},${p.checkpoint.index},${p.checkpoint.treeSize},${p.checkpoint.rootHash}`);
  res.set(PENDING_HEADER, "0");
}

/** A CSV attachment named for the question and the number of logs summed (their checkpoints are in the headers). */
function csv(res: Response, kind: string, q: { from?: string; to?: string }, f: Completeness, header: string[], rows: Array<Array<string | number>>): void {
  const name = `dxledger-federation-${kind}-${q.from}-${q.to}-${f.parts.length}logs${f.complete ? "" : "-incomplete"}.csv`;
  res.set("Content-Disposition", `attachment; filename="${name}"`);
  res.type("text/csv; charset=utf-8; header=present").send(toCsv(header, rows));
}

export function hubStatsRoutes(tokens: HubTokens, stats: FederatedStats): Router {
  const r = Router();
  const who = requireHubRole(tokens, "regulator", "auditor");
  const query = (shape: Record<string, unknown>, req: Request) => {
    const q = parseQuery(shape as never, req.query as Record<string, unknown>) as unknown as Record<string, string | undefined> & {
      from: string;
      to: string;
      limit?: number;
    };
    if (q.from > q.to) throw paramError([{ parameter: "from", in: "query", message: `must not be after to (${q.to})`, value: q.from }]);
    return q;
  };

  r.get("/v1/stats/usage", who, async (req, res) => {
    const { format, ...q } = query(HUB_USAGE, req);
    const params = Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === "string"));
    const a = await stats.usage(params);
    completeness(res, a);
    if (format === "csv") {
      csv(
        res,
        "usage",
        q,
        a,
        [a.groupBy ?? "key", "exchanges", "records"],
        a.groupBy ? a.groups.map((g) => [g.key, g.exchanges, g.records]) : [["total", a.total.exchanges, a.total.records]],
      );
      return;
    }
    res.json(a);
  });

  r.get("/v1/stats/top", who, async (req, res) => {
    const q = query(HUB_TOP, req);
    const a = await stats.top(q.from, q.to, q.by!, q.limit ?? 10);
    completeness(res, a);
    if (q.format === "csv") {
      csv(
        res,
        "top",
        q,
        a,
        [q.by!, "exchanges", "records"],
        a.groups.map((g) => [g.key, g.exchanges, g.records]),
      );
      return;
    }
    res.json(a);
  });

  r.get("/v1/stats/flows", who, async (req, res) => {
    const q = query(HUB_FLOWS, req);
    const a = await stats.flows(q.from, q.to);
    completeness(res, a);
    if (q.format === "csv") {
      csv(
        res,
        "flows",
        q,
        a,
        ["provider", "consumer", "exchanges", "records"],
        a.flows.map((f) => [f.provider, f.consumer, f.exchanges, f.records]),
      );
      return;
    }
    res.json(a);
  });
  return r;
}
