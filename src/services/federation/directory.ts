/**
 * The federation directory (GET /v1/federation): every log on the ledger,
 * from the chain alone, with its latest checkpoint on chain and its gateway's
 * health as the gateway itself reports it.
 *
 * Contracts:
 * - The list of logs, names, URLs, operators, anchorers and checkpoints come
 *   from the chain (DirectoryChain); only `health` comes from the gateways,
 *   and it is marked as their word.
 * - Gateways are probed in parallel, each bounded by `probeTimeoutMs` (≤ 2 s):
 *   one slow or dead gateway MUST NOT stall the answer beyond that.
 * - One snapshot (chain reads and probes) is reused for `cacheMs`, so a public
 *   endpoint cannot be used to make this gateway flood the others; staleness
 *   is computed per request from it (its threshold is the caller's).
 */
import {
  DEFAULT_STALE_AFTER_S,
  type DirectoryChain,
  type DirectoryEntry,
  type FederationListing,
  type FederationLog,
  type FederationView,
  type GatewayHealth,
  type GatewayProbe,
  type LatestOnChain,
} from "../../ports/federation.ts";
import { staleness } from "./health.ts";

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;
export { DEFAULT_STALE_AFTER_S, type FederationLog, type FederationView } from "../../ports/federation.ts";
export const DEFAULT_FEDERATION_CACHE_MS = 2000;

interface Snapshot {
  readonly at: number;
  readonly rows: ReadonlyArray<{ entry: DirectoryEntry; latest: LatestOnChain | null; health: GatewayHealth }>;
}

export class FederationDirectory implements FederationListing {
  readonly #chain: DirectoryChain;
  readonly #probe: GatewayProbe;
  readonly #selfLogId: string;
  readonly #probeTimeoutMs: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #snapshot: Promise<Snapshot> | undefined;

  constructor(chain: DirectoryChain, probe: GatewayProbe, selfLogId: string, opts: { probeTimeoutMs?: number; cacheMs?: number; now?: () => number } = {}) {
    this.#chain = chain;
    this.#probe = probe;
    this.#selfLogId = selfLogId;
    this.#probeTimeoutMs = Math.min(opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PROBE_TIMEOUT_MS);
    this.#cacheMs = opts.cacheMs ?? DEFAULT_FEDERATION_CACHE_MS;
    this.#now = opts.now ?? Date.now;
  }

  async list(staleAfterS = DEFAULT_STALE_AFTER_S): Promise<FederationView> {
    const snap = await this.#fresh();
    const now = this.#now();
    const logs = snap.rows.map(({ entry, latest, health }): FederationLog => {
      const s = staleness({ url: entry.url, logId: entry.logId, health, latest, staleAfterMs: staleAfterS * 1000, now });
      return {
        ...entry,
        self: entry.logId === this.#selfLogId,
        latestCheckpoint: latest && {
          index: latest.index,
          treeSize: latest.treeSize,
          rootHash: latest.rootHash,
          blockNumber: latest.blockNumber,
          anchoredAt: new Date(latest.anchoredAt * 1000).toISOString(),
        },
        health,
        stale: s.stale,
        staleReason: s.reason,
      };
    });
    return { logCount: logs.length, staleAfterS, checkedAt: new Date(snap.at).toISOString(), logs };
  }

  /**
   * The snapshot in force, else one new one shared by every caller: a caller
   * that finds the snapshot it waited on expired (or failed) takes a new one
   * only if no other caller has already started it.
   */
  #fresh(): Promise<Snapshot> {
    const cur = this.#snapshot;
    if (!cur) return this.#take();
    const next = () => (this.#snapshot === cur || this.#snapshot === undefined ? this.#take() : this.#fresh());
    return cur.then((s) => (this.#now() - s.at <= this.#cacheMs ? s : next()), next);
  }

  #take(): Promise<Snapshot> {
    const p = (async (): Promise<Snapshot> => {
      const entries = await this.#chain.logs();
      const rows = await Promise.all(
        entries.map(async (entry) => {
          const [latest, health] = await Promise.all([this.#chain.latestCheckpoint(entry.logId), this.#health(entry.url)]);
          return { entry, latest, health };
        }),
      );
      return { at: this.#now(), rows };
    })();
    this.#snapshot = p;
    p.catch(() => {
      if (this.#snapshot === p) this.#snapshot = undefined;
    });
    return p;
  }

  #health(url: string): Promise<GatewayHealth> {
    if (!url) return Promise.resolve({ reachable: false, ready: false, anchoring: null, logId: null, error: "no URL in the directory" });
    return this.#probe.probe(url, this.#probeTimeoutMs);
  }
}
