/** createApp(deps): the Express app without listen(). */
import express from "express";
import { LedgerError } from "../../core/errors.ts";
import type { AppDeps } from "./deps.ts";
import { errorHandler, sendError } from "./errors.ts";
import { publicRoutes } from "./public-routes.ts";
import { exchangeRoutes } from "./exchange-routes.ts";
import { adminRoutes } from "./admin-routes.ts";
import { provenanceRoutes } from "./provenance-routes.ts";
import { statsRoutes } from "./stats-routes.ts";

export function createApp(d: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("json spaces", 0);
  app.use((_req, res, next) => {
    if (d.closing()) return sendError(res, new LedgerError("NOT_READY", "the service is shutting down"));
    next();
  });
  app.use(publicRoutes(d));
  app.use(exchangeRoutes(d));
  app.use(adminRoutes(d));
  app.use(provenanceRoutes(d));
  app.use(statsRoutes(d));
  app.use((req, res) => sendError(res, new LedgerError("NOT_FOUND", `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(d.log, d.retryAfterS));
  return app;
}
