/**
 * createApp(deps): the Express app without listen().
 *
 * Middleware order (each MUST come before the next):
 *   request id (every answer carries it) → helmet, CORS → 503 while closing
 *   → identify the bearer token → rate limit (per token, else per address)
 *   → 401 for any request that may carry a body without a valid token
 *   → body budget (503 OVERLOADED) → routes, whose parsers are the first to
 *   read body bytes → 404 → the error handler.
 */
import express from "express";
import { LedgerError } from "../../core/errors.ts";
import { DEFAULT_SECURITY, BATCH_BODY_LIMIT, type AppDeps } from "./deps.ts";
import { errorHandler, sendError } from "./errors.ts";
import { requestId } from "./request-id.ts";
import { metricsRoutes, requestMetrics } from "./metrics-routes.ts";
import { corsPolicy, securityHeaders } from "./security-headers.ts";
import { identify, tokenBeforeBody } from "./authenticate-first.ts";
import { rateLimitPerCaller } from "./rate-limit.ts";
import { BodyBudget } from "./body-budget.ts";
import { publicRoutes } from "./public-routes.ts";
import { exchangeRoutes } from "./exchange-routes.ts";
import { adminRoutes } from "./admin-routes.ts";
import { provenanceRoutes } from "./provenance-routes.ts";
import { departmentExchangeRoutes } from "./department-exchange-routes.ts";
import { statsRoutes } from "./stats-routes.ts";
import { whoamiRoutes } from "./whoami-routes.ts";
import { docsRoutes } from "./docs-routes.ts";
import { consoleRoutes } from "./console.ts";
import { federationRoutes } from "./federation-routes.ts";

export function createApp(d: AppDeps): express.Express {
  const sec = { ...DEFAULT_SECURITY, ...d.security };
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("json spaces", 0);
  app.use(requestId(d.log));
  app.use(requestMetrics(d));
  app.use(securityHeaders());
  app.use(corsPolicy(sec.corsOrigins));
  app.use((_req, res, next) => {
    if (d.closing()) {
      sendError(res, new LedgerError("NOT_READY", "the service is shutting down"));
      return;
    }
    next();
  });
  app.use(identify(d.tokens));
  app.use(rateLimitPerCaller(sec.rateLimitRps, d.log));
  app.use(tokenBeforeBody());
  app.use(new BodyBudget(sec.bodyBudgetBytes, BATCH_BODY_LIMIT).middleware());
  app.use(publicRoutes(d));
  app.use(exchangeRoutes(d));
  app.use(adminRoutes(d));
  app.use(provenanceRoutes(d));
  app.use(departmentExchangeRoutes(d));
  app.use(statsRoutes(d));
  app.use(whoamiRoutes(d));
  app.use(federationRoutes(d));
  app.use(docsRoutes(d.tokens));
  app.use(metricsRoutes(d));
  app.use(consoleRoutes(d));
  app.use((req, res) => sendError(res, new LedgerError("NOT_FOUND", `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(d.log, d.retryAfterS));
  return app;
}
