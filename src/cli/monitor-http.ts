/** The watched service, read over HTTP: its checkpoints and consistency proofs (what `dxledger monitor` holds to the chain). */
import type { MonitorService } from "../services/audit/monitor.ts";

/** What is read of GET /v1/checkpoints and GET /v1/proofs/consistency (the service's OpenAPI document). */
interface CheckpointPage {
  readonly checkpoints?: ReadonlyArray<{ readonly index: number; readonly treeSize: number; readonly rootHash: string }>;
}
interface ConsistencyProof {
  readonly proof: string[];
}

export function httpService(base: string): MonitorService {
  const get = async (path: string) => {
    const res = await fetch(`${base.replace(/\/$/, "")}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body: unknown = await res.json();
    return { status: res.status, body };
  };
  return {
    async checkpoint(index) {
      const r = await get(index === 0 ? "/v1/checkpoints?limit=1" : `/v1/checkpoints?after=${index - 1}&limit=1`);
      if (r.status !== 200) throw new Error(`GET /v1/checkpoints: ${r.status}`);
      const cp = (r.body as CheckpointPage).checkpoints?.[0];
      return cp?.index === index ? { treeSize: cp.treeSize, rootHash: cp.rootHash } : undefined;
    },
    async consistency(from, to) {
      const r = await get(`/v1/proofs/consistency?from=${from}&to=${to}`);
      if (r.status !== 200) throw new Error(`GET /v1/proofs/consistency: ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as ConsistencyProof).proof;
    },
  };
}
