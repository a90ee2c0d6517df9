/** Routes anyone may call: health, readiness, info, checkpoints, consistency proofs. */
import { Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import { EIP712_TYPES } from "../../core/eip712.ts";
import { ACK_EIP712_TYPES } from "../../core/ack.ts";
import { OPS } from "../../api/index.ts";
import type { Checkpoint } from "../leveldb/store.ts";
import type { AppDeps } from "./deps.ts";
import { mount } from "./mount.ts";

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
  mount(r, d.tokens, OPS.healthz, () => ({ status: "ok" }));
  mount(r, d.tokens, OPS.readyz, async ({ res }) => {
    const s = await d.ready();
    const ok = s.ok && !d.closing();
    if (!ok) res.set("Retry-After", String(d.retryAfterS)).status(503);
    return { status: ok ? "ready" : "not ready", checks: s.checks, anchoring: d.anchoring() };
  });
  mount(r, d.tokens, OPS.info, () => ({
    chainId: d.info.chainId,
    contract: d.info.contract,
    logId: d.info.logId,
    logName: d.info.logName,
    rpcUrl: d.info.rpcUrl,
    eip712: { domain: d.info.domain, types: EIP712_TYPES, primaryType: "Exchange", acknowledgementTypes: ACK_EIP712_TYPES },
    treeSize: d.appender.size,
    anchoredSize: d.anchorer.anchoredSize,
    anchoring: d.anchoring(),
  }));
  mount(r, d.tokens, OPS.latestCheckpoint, () => {
    const cp = d.anchorer.latest;
    if (!cp) throw new LedgerError("NOT_FOUND", "no checkpoint has been anchored yet");
    return checkpointView(cp, d);
  });
  mount(r, d.tokens, OPS.listCheckpoints, ({ query }) => {
    const after = query.after ?? -1;
    const limit = query.limit ?? 100;
    const all = d.anchorer.checkpoints;
    const page = all.slice(after + 1, after + 1 + limit);
    const last = page[page.length - 1];
    return {
      checkpoints: page.map((cp) => checkpointView(cp, d)),
      next: last && last.index < all.length - 1 ? `/v1/checkpoints?after=${last.index}&limit=${limit}` : null,
    };
  });
  mount(r, d.tokens, OPS.consistencyProof, async ({ query }) => d.reader.consistency(query.from, query.to));
  return r;
}
