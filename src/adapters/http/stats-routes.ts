/**
 * Statistics for regulators, auditors and admins (SPEC §5): usage, top and the
 * provider × consumer flow matrix, as JSON or RFC 4180 CSV (`format=csv`).
 * Each answer names the log size it covers; `asOf=<checkpoint index>` gives
 * the figures as of that anchored checkpoint, the same tomorrow as today.
 */
import { Router, type Request, type Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import { toCsv } from "../../core/csv.ts";
import type { StatsService, FilterName, GroupBy, UsageAnswer } from "../../services/stats.ts";
import { requireRole } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { uintParam } from "./params.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FILTERS: FilterName[] = ["dataset", "provider", "consumer", "purpose"];
const GROUPS: GroupBy[] = ["day", "month", ...FILTERS];

function day(name: string, raw: unknown): string {
  if (typeof raw !== "string" || !DAY.test(raw) || new Date(`${raw}T00:00:00.000Z`).toISOString().slice(0, 10) !== raw) {
    throw new LedgerError("BAD_REQUEST", `${name} must be a UTC day YYYY-MM-DD`, { [name]: raw ?? null });
  }
  return raw;
}

export function statsRoutes(d: AppDeps & { stats: StatsService }): Router {
  const r = Router();
  const who = requireRole(d.tokens, "admin", "auditor", "regulator");

  const period = (req: Request) => {
    const from = day("from", req.query.from);
    const to = day("to", req.query.to);
    if (from > to) throw new LedgerError("BAD_REQUEST", "from must not be after to", { from, to });
    return { from, to };
  };
  const format = (req: Request): "json" | "csv" => {
    const f = req.query.format ?? "json";
    if (f !== "json" && f !== "csv") throw new LedgerError("BAD_REQUEST", "format must be json or csv");
    return f;
  };
  /** The log size an answer covers: now, or an anchored checkpoint's. */
  const coverage = (req: Request) => {
    if (req.query.asOf === undefined) return { size: undefined as number | undefined, checkpoint: d.anchorer.latest?.treeSize === d.appender.size ? d.anchorer.latest!.index : null };
    const index = uintParam("asOf", req.query.asOf);
    const cp = d.anchorer.checkpoints[index];
    if (!cp) throw new LedgerError("NOT_FOUND", `no anchored checkpoint ${index}`);
    return { size: cp.treeSize, checkpoint: cp.index };
  };
  const send = (res: Response, fmt: "json" | "csv", a: UsageAnswer, checkpoint: number | null) => {
    if (fmt === "csv") {
      const rows = a.groupBy ? a.groups.map((g) => [g.key, g.exchanges, g.records]) : [["total", a.total.exchanges, a.total.records]];
      res.type("text/csv; charset=utf-8; header=present").send(toCsv([a.groupBy ?? "key", "exchanges", "records"], rows));
      return;
    }
    const { treeSize, ...body } = a;
    res.json({ ...body, asOf: { treeSize, checkpoint } });
  };

  r.get("/v1/stats/usage", who, async (req, res) => {
    const { from, to } = period(req);
    const filters: Partial<Record<FilterName, string>> = {};
    for (const f of FILTERS) if (typeof req.query[f] === "string") filters[f] = req.query[f] as string;
    const groupBy = req.query.groupBy as GroupBy | undefined;
    if (groupBy !== undefined && !GROUPS.includes(groupBy)) throw new LedgerError("BAD_REQUEST", `groupBy must be one of ${GROUPS.join(", ")}`);
    const fmt = format(req);
    const cov = coverage(req);
    send(res, fmt, await d.stats.usage({ from, to, filters, groupBy }, cov.size), cov.checkpoint);
  });

  r.get("/v1/stats/top", who, async (req, res) => {
    const by = req.query.by as FilterName;
    if (!FILTERS.includes(by)) throw new LedgerError("BAD_REQUEST", `by must be one of ${FILTERS.join(", ")}`);
    const { from, to } = period(req);
    const limit = uintParam("limit", req.query.limit, { def: 10, max: 1000 });
    const fmt = format(req);
    const cov = coverage(req);
    const a = await d.stats.usage({ from, to, filters: {}, groupBy: by }, cov.size);
    send(res, fmt, { ...a, groups: a.groups.slice(0, limit) }, cov.checkpoint);
  });

  r.get("/v1/stats/flows", who, async (req, res) => {
    const { from, to } = period(req);
    const fmt = format(req);
    const cov = coverage(req);
    const flows = await d.stats.flows(from, to, cov.size);
    if (fmt === "csv") {
      res.type("text/csv; charset=utf-8; header=present").send(toCsv(["provider", "consumer", "exchanges", "records"], flows.map((f) => [f.provider, f.consumer, f.exchanges, f.records])));
      return;
    }
    res.json({ from, to, flows, asOf: { treeSize: cov.size ?? d.appender.size, checkpoint: cov.checkpoint } });
  });
  return r;
}
