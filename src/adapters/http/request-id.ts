/**
 * Every response carries `x-request-id` (SPEC §8): the caller's own when it
 * is sane (1–128 of [A-Za-z0-9._:-]), else a new UUID. Runs first, so error
 * answers of every later middleware carry it too; `res.locals.requestId`
 * holds it for the error log.
 */
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

export const REQUEST_ID_HEADER = "x-request-id";
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const id = given !== undefined && SANE.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.set(REQUEST_ID_HEADER, id);
    next();
  };
}
