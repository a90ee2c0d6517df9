/**
 * The web console (web/, built into web/dist at install by `prepare`), served
 * at `/` as static files.
 *
 * Contract:
 * - MUST NOT answer any API path: `/v1/*`, `/healthz`, `/readyz` and the
 *   operator endpoints (`/metrics`, `/docs`, `/openapi.json`) fall through to
 *   their routes or to the 404 handler untouched.
 * - `/`, and any other GET whose `Accept` names text/html and that matches no
 *   file, answers index.html (the console routes by URL fragment; this keeps
 *   a bookmarked or mistyped page on the console rather than a JSON 404).
 * - Every console response carries its own Content-Security-Policy in place
 *   of the API's: scripts and styles from 'self' only (no inline script or
 *   style), connections to 'self' and to the chain RPC's origin alone (the
 *   in-page verifier reads the chain directly, never through the service).
 * - Without a build (no web/dist/index.html), those pages answer
 *   503 NOT_READY naming the command that builds it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router, type RequestHandler, type Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import { sendError } from "./errors.ts";

/** Where `npm run console:build` writes the console. */
export const CONSOLE_DIST = join(import.meta.dirname, "..", "..", "..", "web", "dist");

/** Paths the console never answers (prefixes; `/v1` covers `/v1/…`). */
const NOT_CONSOLE = /^\/(v1|healthz|readyz|metrics|docs|openapi\.json)(\/|$)/;

/** The console's CSP: only 'self', plus `rpcOrigin` for connections. */
export function consoleCsp(rpcUrl: string): string {
  const connect = ["'self'"];
  const origin = originOf(rpcUrl);
  if (origin) connect.push(origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(" ")}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** Scheme, host and port of an http(s) URL — never its path, query or credentials. */
function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export function consoleRoutes(d: { info: { rpcUrl: string } }, dist = CONSOLE_DIST): Router {
  const r = Router();
  const csp = consoleCsp(d.info.rpcUrl);
  const headers = (res: Response) => {
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("Referrer-Policy", "no-referrer");
  };
  const files = express.static(dist, {
    index: false,
    fallthrough: true,
    redirect: false,
    setHeaders: (res, path) => {
      headers(res);
      // Vite names built assets by content hash: cacheable for good; index.html never.
      res.setHeader("Cache-Control", path.startsWith(join(dist, "assets")) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  const page: RequestHandler = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      next();
      return;
    }
    if (req.path !== "/" && !(req.get("accept") ?? "").includes("text/html")) {
      next();
      return;
    }
    const index = join(dist, "index.html");
    if (!existsSync(index)) {
      sendError(res, new LedgerError("NOT_READY", "the web console is not built: run `npm run console:build` (npm install runs it in `prepare`), then reload"));
      return;
    }
    headers(res);
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  };
  r.use((req, res, next) => (NOT_CONSOLE.test(req.path) ? next() : files(req, res, next)));
  r.use((req, res, next) => (NOT_CONSOLE.test(req.path) ? next() : page(req, res, next)));
  return r;
}
