/**
 * GET /metrics (Prometheus text format) and the request metrics behind it.
 *
 * Who may read it: a token with the role `admin`, or the scrape token
 * METRICS_TOKEN (compared in constant time), which opens /metrics and nothing
 * else — Prometheus keeps that one, never an admin token. Anyone else: 401
 * without a token, 403 with another role. (docs/operators.md "Metrics and logs" says why.)
 *
 * Requests are labelled by method, the Express route PATTERN that answered
 * (`/v1/exchanges/:provider/:id`, never the URL: label values stay a small
 * fixed set) and status. A request answered before or without a route (a
 * 401 before the body, 429, 404, static files) is labelled `(none)`.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { Router, type Request, type RequestHandler } from "express";
import { LedgerError } from "../../core/errors.ts";
import { OPS } from "../../api/index.ts";
import { mount } from "./mount.ts";
import { principalOf } from "./auth.ts";
import type { AppDeps } from "./deps.ts";

export type { HttpMetrics, MetricsDeps } from "../../ports/metrics.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** The label of the route that answered `req`. */
export function routeLabel(req: Request): string {
  // Express types a route's path as a string (IRoute.path); req.route is unset when no route answered.
  const path = (req.route as { path?: string } | undefined)?.path;
  return path === undefined ? "(none)" : `${req.baseUrl}${path}`;
}

/** Times every request; MUST run first (after the request id), so refusals of every later middleware are counted. */
export function requestMetrics(d: Pick<AppDeps, "metrics">): RequestHandler {
  const m = d.metrics?.http;
  if (!m) return (_req, _res, next) => next();
  return (req, res, next) => {
    const t0 = performance.now();
    res.once("finish", () =>
      m.observeRequest(METHODS.has(req.method) ? req.method : "OTHER", routeLabel(req), res.statusCode, (performance.now() - t0) / 1000),
    );
    next();
  };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function metricsRoutes(d: AppDeps): Router {
  const r = Router();
  const m = d.metrics;
  if (!m) return r;
  const scrapeToken = m.token ? digest(m.token) : undefined;
  // The role check is the handler's: the scrape token is not a role.
  mount(
    r,
    d.tokens,
    OPS.metrics,
    async ({ req, res }) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "")?.[1];
      const isScraper = scrapeToken !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), scrapeToken);
      if (!isScraper) {
        const p = principalOf(req, d.tokens);
        if (p.role !== "admin")
          throw new LedgerError("FORBIDDEN", `role ${p.role} may not GET /metrics (admin or METRICS_TOKEN)`, { role: p.role, allowed: ["admin"] });
      }
      const { contentType, body } = await m.http.scrape();
      res.set("Content-Type", contentType).set("Cache-Control", "no-store").send(body);
    },
    { roleCheck: false },
  );
  return r;
}
