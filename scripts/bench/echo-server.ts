/**
 * Baseline for the ingest bench: a bare Express 5 JSON echo on a loopback
 * port (printed on stdout). ECHO_MIDDLEWARE (comma-separated) puts the
 * service's own middleware in front, one at a time, for middleware.ts:
 * request-id, metrics, helmet, cors, rate-limit, body-budget.
 */
import express, { type RequestHandler } from "express";
import { requestId } from "../../src/adapters/http/request-id.ts";
import { requestMetrics } from "../../src/adapters/http/metrics-routes.ts";
import { corsPolicy, securityHeaders } from "../../src/adapters/http/security-headers.ts";
import { rateLimitPerCaller } from "../../src/adapters/http/rate-limit.ts";
import { BodyBudget } from "../../src/adapters/http/body-budget.ts";
import { PrometheusMetrics } from "../../src/adapters/metrics/prometheus.ts";

const log = { info: () => {}, warn: () => {}, error: () => {} };
const MIDDLEWARE: Record<string, () => RequestHandler> = {
  "request-id": () => requestId(log),
  metrics: () => requestMetrics({ metrics: { http: new PrometheusMetrics() } }),
  helmet: () => securityHeaders(),
  cors: () => corsPolicy([]),
  "rate-limit": () => rateLimitPerCaller(1_000_000, log),
  "body-budget": () => new BodyBudget(256 * 1024 * 1024, 64 * 1024 * 1024).middleware(),
};

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
for (const name of (process.env.ECHO_MIDDLEWARE ?? "").split(",").filter(Boolean)) {
  const mw = MIDDLEWARE[name];
  if (!mw) throw new Error(`unknown middleware ${name}; known: ${Object.keys(MIDDLEWARE).join(", ")}`);
  app.use(mw());
}
app.post("/echo", express.json({ limit: 64 * 1024 }), (req, res) => {
  res.status(201).json(req.body);
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${addr.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
