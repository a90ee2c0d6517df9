/** Service facts every view reads: /v1/info (chain, pins, anchoring) and the checkpoints. */
import { getJson, withQuery } from "./api.ts";
import type { Checkpoint, Info } from "./types.ts";

let info: Promise<Info> | undefined;

/** /v1/info, fetched once per page unless `fresh`. */
export function getInfo(fresh = false): Promise<Info> {
  if (!info || fresh) {
    info = getJson<Info>("/v1/info", null);
    info.catch(() => (info = undefined));
  }
  return info;
}

/** The latest `n` checkpoints, newest first (public: no token sent). */
export async function latestCheckpoints(n: number): Promise<Checkpoint[]> {
  const i = await getInfo(true);
  const last = i.anchoring.lastCheckpoint?.index;
  if (last === undefined) return [];
  const page = await getJson<{ checkpoints: Checkpoint[] }>(withQuery("/v1/checkpoints", { after: last - n >= 0 ? last - n : undefined, limit: n }), null);
  return page.checkpoints.reverse();
}
