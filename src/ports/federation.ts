/**
 * What the federation directory and the federation monitor need from the
 * outside world (ports; the chain adapter and the gateway prober implement
 * them, src/server.ts and src/cli/monitor.ts wire them).
 */
import type { ChainCheckpoint } from "../core/chain-checkpoint.ts";

/** One log of the on-chain directory (ExchangeLedger.logAt / logInfo). */
export interface DirectoryEntry {
  readonly logId: string;
  /** The LOG_NAME it was set for ("" if never set). */
  readonly name: string;
  /** Its gateway's public URL ("" if never set). */
  readonly url: string;
  /** The operating department's id ("" if none). */
  readonly operator: string;
  /** The account bound to anchor it. */
  readonly anchorer: string;
}

/** The latest checkpoint of a log, as the chain has it. */
export type LatestOnChain = ChainCheckpoint & { readonly index: number };

/** Chain reads. Each MUST fail with a ChainError (never hang past RPC_TIMEOUT_MS). */
export interface DirectoryChain {
  /** Every log bound on the ledger, in the order first bound, with its entry. */
  logs(): Promise<readonly DirectoryEntry[]>;
  /** The log's latest checkpoint on chain, or null if it has none. */
  latestCheckpoint(logId: string): Promise<LatestOnChain | null>;
}

/** What a gateway says about itself (GET /readyz and GET /v1/info). */
export interface GatewayHealth {
  /** It answered HTTP at all. */
  readonly reachable: boolean;
  /** GET /readyz answered 200. */
  readonly ready: boolean;
  /** The `anchoring` object of /v1/info (or /readyz); null if it gave none. */
  readonly anchoring: GatewayAnchoring | null;
  /** The log id its /v1/info names (null if it gave none). */
  readonly logId: string | null;
  /** Why it is unreachable or not ready, in words; null when all is well. */
  readonly error: string | null;
}

/** The fields of SPEC §8's anchoring object the federation reads (more are passed through). */
export type GatewayAnchoring = { readonly pending: number; readonly oldestPendingAgeMs: number } & Readonly<Record<string, unknown>>;

/** Asks a gateway for its health. MUST resolve (never reject) within `timeoutMs`. */
export interface GatewayProbe {
  probe(url: string, timeoutMs: number): Promise<GatewayHealth>;
}

/** Seconds without a new checkpoint after which a log with pending entries is called stale. */
export const DEFAULT_STALE_AFTER_S = 3600;

/** GET /v1/federation: every log of the directory, its latest checkpoint on chain and its gateway's health. */
export interface FederationLog {
  readonly logId: string;
  readonly name: string;
  readonly url: string;
  readonly operator: string;
  readonly anchorer: string;
  /** True for the log this gateway keeps. */
  readonly self: boolean;
  readonly latestCheckpoint: {
    readonly index: number;
    readonly treeSize: number;
    readonly rootHash: string;
    readonly blockNumber: number;
    readonly anchoredAt: string;
  } | null;
  readonly health: GatewayHealth;
  readonly stale: boolean;
  readonly staleReason: string | null;
}

export interface FederationView {
  readonly logCount: number;
  readonly staleAfterS: number;
  readonly checkedAt: string;
  readonly logs: readonly FederationLog[];
}

export interface FederationListing {
  list(staleAfterS?: number): Promise<FederationView>;
}
