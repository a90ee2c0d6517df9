/**
 * Response headers against browsers being turned on the API: helmet's
 * defaults (a strict Content-Security-Policy on every response, HTML
 * included; nosniff; frame denial; no `x-powered-by`) and CORS closed unless
 * the origin is on CORS_ORIGINS.
 */
import type { RequestHandler } from "express";
import helmet from "helmet";
import cors from "cors";
import { REQUEST_ID_HEADER } from "./request-id.ts";
import { CHECKPOINT_HEADER, PENDING_HEADER } from "./stats-routes.ts";

export function securityHeaders(): RequestHandler {
  return helmet();
}

/**
 * CORS: with an empty allow-list no CORS header is ever sent, so browsers
 * refuse cross-origin reads. Bearer tokens, not cookies: no credentials mode.
 */
export function corsPolicy(allowed: readonly string[]): RequestHandler {
  const set = new Set(allowed);
  return cors({
    origin: (origin, cb) => cb(null, origin !== undefined && set.has(origin)),
    methods: ["GET", "HEAD", "POST", "PUT", "DELETE"],
    allowedHeaders: ["authorization", "content-type", REQUEST_ID_HEADER],
    // A console on another origin reads what statistics are as of, and a CSV's file name.
    exposedHeaders: [REQUEST_ID_HEADER, "retry-after", "ratelimit", "ratelimit-policy", CHECKPOINT_HEADER, PENDING_HEADER, "content-disposition"],
    maxAge: 600,
  });
}
