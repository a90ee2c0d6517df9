/**
 * createHubApp(deps): the hub's Express app without listen().
 * Order: request id → security headers → per-caller rate limit → routes → 404 → the one error
 * handler (SPEC §5 error body, shared with the gateways).
 */
import express from "express";
import { LedgerError } from "../../core/errors.ts";
import { errorHandler, sendError, type Logger } from "../../adapters/http/errors.ts";
import { requestId } from "../../adapters/http/request-id.ts";
import { securityHeaders } from "../../adapters/http/security-headers.ts";
import type { HubFederationView, HubRecordQueries, HubStatistics, HubTokens } from "../ports.ts";
import { hubRoleOf } from "./auth.ts";
import { hubStatsRoutes } from "./stats.ts";
import { hubRecordRoutes } from "./records.ts";
import { hubRateLimit } from "./rate-limit.ts";

export interface HubDeps {
  readonly tokens: HubTokens;
  readonly stats: HubStatistics;
  readonly records: HubRecordQueries;
  readonly view: HubFederationView;
  readonly log: Logger;
  /** Requests per second per caller (0: no limit). */
  readonly rateLimitRps: number;
}

export function createHubApp(d: HubDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(requestId(d.log));
  app.use(securityHeaders());
  app.use(hubRateLimit(d.rateLimitRps, d.tokens));
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", kind: "dxledger hub" });
  });
  app.get("/v1/federation", async (_req, res) => {
    res.json(await d.view.view());
  });
  app.get("/v1/whoami", (req, res) => {
    res.json({ role: hubRoleOf(req, d.tokens), kind: "hub" });
  });
  app.use(hubStatsRoutes(d.tokens, d.stats));
  app.use(hubRecordRoutes(d.tokens, d.records));
  app.use((req, res) => sendError(res, new LedgerError("NOT_FOUND", `no route ${req.method} ${req.path} on the hub`)));
  app.use(errorHandler(d.log));
  return app;
}
