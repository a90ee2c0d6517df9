/**
 * Every response carries `x-request-id` (SPEC §8): the caller's own when it
 * is sane (1–128 of [A-Za-z0-9._:-]), else a new UUID. Runs first, so error
 * answers of every later middleware carry it too; `res.locals.requestId`
 * holds it for the error log, and the rest of the request runs in its
 * request context (adapters/log/context.ts), so every log line written while
 * serving it carries the id. With a logger, each answered request is one
 * `debug` line (method, path without the query, status, time).
 */
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { requestContext } from "../log/context.ts";
import type { Logger } from "./errors.ts";

export const REQUEST_ID_HEADER = "x-request-id";
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(log?: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const id = given !== undefined && SANE.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.set(REQUEST_ID_HEADER, id);
    if (log?.debug) {
      const t0 = performance.now();
      const path = req.originalUrl.split("?")[0];
      res.once("finish", () => log.debug?.(`${req.method} ${path} ${res.statusCode}`, { requestId: id, ms: Math.round((performance.now() - t0) * 10) / 10 }));
    }
    requestContext.run({ requestId: id }, next);
  };
}
