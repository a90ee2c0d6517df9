/**
 * When a log of the federation counts as stale (pure; shared by
 * GET /v1/federation and `dxledger monitor --all-logs`, so both say the same).
 *
 * A log is stale when
 * - its gateway cannot be asked (no URL in the directory, or unreachable), or
 * - its gateway serves another log than the directory says, or
 * - it has stopped anchoring: the gateway reports pending entries of which the
 *   oldest has waited longer than `staleAfterMs`, AND the chain holds no
 *   checkpoint of the log newer than `staleAfterMs`.
 * Both halves of the last rule are needed: an idle gateway's last checkpoint
 * is old but nothing waits (not stale); a busy gateway always has a few
 * pending entries, but its checkpoints are recent (not stale either).
 */
import type { GatewayHealth, LatestOnChain } from "../../ports/federation.ts";

export interface Staleness {
  readonly stale: boolean;
  /** Why, in words (null when not stale). */
  readonly reason: string | null;
}

export function staleness(opts: {
  readonly url: string;
  readonly logId: string;
  readonly health: GatewayHealth;
  readonly latest: LatestOnChain | null;
  readonly staleAfterMs: number;
  /** Wall-clock now, ms. */
  readonly now: number;
}): Staleness {
  const { health, latest, staleAfterMs, now } = opts;
  if (!opts.url) return { stale: true, reason: "the directory names no URL for this log's gateway" };
  if (!health.reachable) return { stale: true, reason: `its gateway is unreachable: ${health.error ?? "no answer"}` };
  if (health.logId !== null && health.logId !== opts.logId)
    return { stale: true, reason: `the gateway at ${opts.url} serves log ${health.logId}, not this one` };
  const a = health.anchoring;
  if (!a || !(a.pending > 0) || !(a.oldestPendingAgeMs > staleAfterMs)) return { stale: false, reason: null };
  const lastAgeMs = latest ? now - latest.anchoredAt * 1000 : Number.POSITIVE_INFINITY;
  if (lastAgeMs <= staleAfterMs) return { stale: false, reason: null };
  const last = latest ? `its latest checkpoint on chain (#${latest.index}) is ${Math.round(lastAgeMs / 1000)} s old` : "it has no checkpoint on chain";
  return {
    stale: true,
    reason: `stopped anchoring: ${a.pending} entr${a.pending === 1 ? "y" : "ies"} pending, the oldest for ${Math.round(a.oldestPendingAgeMs / 1000)} s, and ${last}`,
  };
}
