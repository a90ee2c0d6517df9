/** Routes anyone may call: health, readiness, info, checkpoints, consistency proofs. */
import { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { EIP712_TYPES } from "../../core/eip712.ts";
import { ACK_EIP712_TYPES } from "../../core/ack.ts";
import type { Checkpoint } from "../leveldb/store.ts";
import type { AppDeps } from "./deps.ts";
import { uintParam } from "./params.ts";

export function checkpointView(cp: Checkpoint, d: AppDeps) {
  return {
    logId: d.info.logId,
    index: cp.index,
    treeSize: cp.treeSize,
    rootHash: cp.rootHash,
    chainId: d.info.chainId,
    contract: d.info.contract,
    txHash: cp.txHash,
    blockNumber: cp.blockNumber,
    anchoredAt: new Date(cp.anchoredAt * 1000).toISOString(),
  };
}

export function publicRoutes(d: AppDeps): Router {
  const r = Router();
  r.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  r.get("/readyz", async (_req, res) => {
    const s = await d.ready();
    const ok = s.ok && !d.closing();
    if (!ok) res.set("Retry-After", String(d.retryAfterS));
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "not ready", checks: s.checks, anchoring: d.anchoring() });
  });
  r.get("/v1/info", (_req, res) => {
    res.json({
      chainId: d.info.chainId,
      contract: d.info.contract,
      logId: d.info.logId,
      logName: d.info.logName,
      rpcUrl: d.info.rpcUrl,
      eip712: { domain: d.info.domain, types: EIP712_TYPES, primaryType: "Exchange", acknowledgementTypes: ACK_EIP712_TYPES },
      treeSize: d.appender.size,
      anchoredSize: d.anchorer.anchoredSize,
      anchoring: d.anchoring(),
    });
  });
  r.get("/v1/checkpoints/latest", (_req, res) => {
    const cp = d.anchorer.latest;
    if (!cp) throw new LedgerError("NOT_FOUND", "no checkpoint has been anchored yet");
    res.json(checkpointView(cp, d));
  });
  r.get("/v1/checkpoints", (req, res) => {
    const after = req.query.after === undefined ? -1 : uintParam("after", req.query.after);
    const limit = uintParam("limit", req.query.limit, { def: 100, max: 1000 });
    const all = d.anchorer.checkpoints;
    const page = all.slice(after + 1, after + 1 + limit);
    const last = page[page.length - 1];
    res.json({
      checkpoints: page.map((cp) => checkpointView(cp, d)),
      next: last && last.index < all.length - 1 ? `/v1/checkpoints?after=${last.index}&limit=${limit}` : null,
    });
  });
  r.get("/v1/proofs/consistency", async (req, res) => {
    const from = uintParam("from", req.query.from);
    const to = uintParam("to", req.query.to);
    res.json(await d.reader.consistency(from, to));
  });
  return r;
}
