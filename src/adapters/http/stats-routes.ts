/**
 * Statistics for regulators, auditors and admins (SPEC §5): usage, top and the
 * provider × consumer flow matrix, as JSON or RFC 4180 CSV (`format=csv`).
 * Each answer names the log size it covers and, in headers, the latest
 * anchored checkpoint it counts and how many pending entries after it;
 * `asOf=<checkpoint index>` gives the figures as of that anchored checkpoint,
 * the same tomorrow as today.
 */
import { Router, type Response } from "express";
import type { Checkpoint } from "../../core/chain-checkpoint.ts";
import { LedgerError } from "../../core/errors.ts";
import { toCsv } from "../../core/csv.ts";
import type { UsageStatistics as StatsService, FilterName, UsageAnswer } from "../../ports/api/stats.ts";
import { OPS } from "../../api/index.ts";
import { STATS_FILTERS } from "../../api/operations/admin.ts";
import { paramError } from "../../api/params.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

/** Response headers naming what statistics are as of (exposed to browsers by the CORS policy). */
export const CHECKPOINT_HEADER = "Dxledger-Checkpoint";
export const PENDING_HEADER = "Dxledger-Pending";

const FILTERS = STATS_FILTERS satisfies readonly FilterName[];
interface StatsQuery {
  from: string;
  to: string;
  asOf?: number;
}

/** What an answer counts: entries [0, size) (undefined: the whole log now), and the latest anchored checkpoint within them. */
interface Coverage {
  readonly size: number | undefined;
  readonly cp: Checkpoint | undefined;
}

/**
 * Says what an answer of `size` entries is as of (SPEC §9): `Dxledger-Checkpoint: <index>,<treeSize>,<rootHash>`
 * names the latest anchored checkpoint counted (absent when none is), `Dxledger-Pending` how many entries
 * after it — not yet anchored — are counted too; a CSV is an attachment whose file name says the same.
 * Returns the checkpoint the figures equal (the JSON's asOf.checkpoint), or null when pending entries are counted.
 */
export function asOfHeaders(res: Response, kind: string, fmt: "json" | "csv", cp: Checkpoint | undefined, size: number): number | null {
  const pending = size - (cp?.treeSize ?? 0);
  if (cp) res.set(CHECKPOINT_HEADER, `${cp.index},${cp.treeSize},${cp.rootHash}`);
  res.set(PENDING_HEADER, String(pending));
  if (fmt === "csv") {
    const name = cp ? `dxledger-${kind}-cp${cp.index}-${cp.treeSize}${pending ? `-pending${pending}` : ""}` : `dxledger-${kind}-unanchored-${size}`;
    res.set("Content-Disposition", `attachment; filename="${name}.csv"`);
  }
  return cp && pending === 0 ? cp.index : null;
}

export function statsRoutes(d: AppDeps & { stats: StatsService }): Router {
  const r = Router();
  /** `from` ≤ `to` (each parameter is checked by itself before). */
  const ordered = <Q extends StatsQuery>(q: Q): Q => {
    if (q.from > q.to) throw paramError([{ parameter: "from", in: "query", message: `must not be after to (${q.to})`, value: q.from }]);
    return q;
  };
  /**
   * What an answer will count: now (`size` undefined) or an anchored checkpoint's size, and the
   * latest checkpoint within it. Read before the figures, so the checkpoint is wholly counted.
   */
  const coverage = (asOf: number | undefined): Coverage => {
    if (asOf === undefined) return { size: undefined, cp: d.anchorer.latest };
    const cp = d.anchorer.checkpoints[asOf];
    if (!cp)
      throw new LedgerError("NOT_FOUND", `no anchored checkpoint ${asOf}`, [
        { parameter: "asOf", in: "query", message: `no anchored checkpoint ${asOf}`, value: asOf },
      ]);
    return { size: cp.treeSize, cp };
  };
  const send = (res: Response, kind: string, fmt: "json" | "csv", a: UsageAnswer, cov: Coverage) => {
    const checkpoint = asOfHeaders(res, kind, fmt, cov.cp, a.treeSize);
    if (fmt === "csv") {
      const rows = a.groupBy ? a.groups.map((g) => [g.key, g.exchanges, g.records]) : [["total", a.total.exchanges, a.total.records]];
      res.type("text/csv; charset=utf-8; header=present").send(toCsv([a.groupBy ?? "key", "exchanges", "records"], rows));
      return undefined;
    }
    const { treeSize, ...body } = a;
    return { ...body, asOf: { treeSize, checkpoint } };
  };

  mount(r, d.tokens, OPS.usage, async ({ query, res }) => {
    const q = ordered(query);
    const filters: Partial<Record<FilterName, string>> = {};
    for (const f of FILTERS) if (q[f] !== undefined) filters[f] = q[f];
    const cov = coverage(q.asOf);
    return send(res, "usage", q.format ?? "json", await d.stats.usage({ from: q.from, to: q.to, filters, groupBy: q.groupBy }, cov.size), cov);
  });

  mount(r, d.tokens, OPS.top, async ({ query, res }) => {
    const q = ordered(query);
    const cov = coverage(q.asOf);
    const a = await d.stats.usage({ from: q.from, to: q.to, filters: {}, groupBy: q.by }, cov.size);
    return send(res, "top", q.format ?? "json", { ...a, groups: a.groups.slice(0, q.limit ?? 10) }, cov);
  });

  mount(r, d.tokens, OPS.flows, async ({ query, res }) => {
    const { from, to, format, asOf } = ordered(query);
    const cov = coverage(asOf);
    // The size counted: the checkpoint's, or the log's as the flows were read (entries appended since are not in them).
    const size = cov.size ?? d.appender.size;
    const flows = await d.stats.flows(from, to, cov.size);
    const checkpoint = asOfHeaders(res, "flows", format ?? "json", cov.cp, size);
    if (format === "csv") {
      res.type("text/csv; charset=utf-8; header=present").send(
        toCsv(
          ["provider", "consumer", "exchanges", "records"],
          flows.map((f) => [f.provider, f.consumer, f.exchanges, f.records]),
        ),
      );
      return undefined;
    }
    return { from, to, flows, asOf: { treeSize: size, checkpoint } };
  });
  return r;
}
