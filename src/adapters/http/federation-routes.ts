/**
 * GET /v1/federation (public, like /v1/info): every log on the ledger — the
 * chain's directory — with its latest checkpoint on chain and its gateway's
 * health (services/federation/directory.ts). The answer takes at most the probe timeout
 * (2 s) beyond the chain reads, however many gateways are slow.
 */
import { Router } from "express";
import { DEFAULT_STALE_AFTER_S } from "../../ports/federation.ts";
import { OPS } from "../../api/index.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

export function federationRoutes(d: AppDeps): Router {
  const r = Router();
  mount(r, d.tokens, OPS.federation, async ({ query }) => {
    const view = await d.federation.list(query.staleAfterS ?? DEFAULT_STALE_AFTER_S);
    return { chainId: d.info.chainId, contract: d.info.contract, selfLogId: d.info.logId, ...view };
  });
  return r;
}
