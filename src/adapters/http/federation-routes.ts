/**
 * GET /v1/federation (public, like /v1/info): every log on the ledger — the
 * chain's directory — with its latest checkpoint on chain and its gateway's
 * health (services/federation/directory.ts). The answer takes at most the probe timeout
 * (2 s) beyond the chain reads, however many gateways are slow.
 */
import { Router } from "express";
import { z } from "zod";
import { DEFAULT_STALE_AFTER_S } from "../../ports/federation.ts";
import type { AppDeps } from "./deps.ts";
import { parseQuery, uintString } from "./params.ts";

/** Query of GET /v1/federation (also in the OpenAPI document). */
export const FEDERATION_QUERY = {
  staleAfterS: uintString.pipe(z.number().int().min(1, "must be at least 1").max(31_536_000, "must be at most a year (31536000)")).optional(),
};

export function federationRoutes(d: AppDeps): Router {
  const r = Router();
  r.get("/v1/federation", async (req, res) => {
    const q = parseQuery(FEDERATION_QUERY, req.query as Record<string, unknown>);
    const view = await d.federation.list(q.staleAfterS ?? DEFAULT_STALE_AFTER_S);
    res.json({ chainId: d.info.chainId, contract: d.info.contract, selfLogId: d.info.logId, ...view });
  });
  return r;
}
