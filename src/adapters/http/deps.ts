/** What the HTTP layer needs from the rest of the service (ports, not adapters). */
import type { AnchoringHealth as ServiceAnchoring } from "../../api/index.ts";
import type { AckCheck, AnchoringState, ExchangeIntake, LogAppender, LogReader } from "../../ports/api/ledger.ts";
import type { TokenAdmin } from "../../ports/api/tokens.ts";
import type { DepartmentAdmin } from "../../ports/api/departments.ts";
import type { ProvenanceQueries } from "../../ports/api/provenance.ts";
import type { UsageStatistics } from "../../ports/api/stats.ts";
import type { FederationListing } from "../../ports/federation.ts";
import type { Eip712Domain } from "../../core/eip712.ts";
import type { Logger } from "./errors.ts";
import type { LedgerError } from "../../core/errors.ts";
import type { MetricsDeps } from "../../ports/metrics.ts";

export interface AppDeps {
  readonly intake: ExchangeIntake;
  readonly ackIntake: AckCheck;
  readonly appender: LogAppender;
  readonly reader: LogReader;
  readonly anchorer: AnchoringState;
  readonly tokens: TokenAdmin;
  readonly departments: DepartmentAdmin;
  readonly provenance: ProvenanceQueries;
  readonly stats: UsageStatistics;
  /** The federation directory of GET /v1/federation (services/federation/directory.ts). */
  readonly federation: FederationListing;
  readonly info: {
    readonly chainId: number;
    readonly contract: string;
    readonly logId: string;
    readonly logName: string;
    readonly rpcUrl: string;
    readonly domain: Eip712Domain;
  };
  /** Store open, chain reachable, anchoring possible, writes taken. */
  readonly ready: () => Promise<{ ok: boolean; checks: Record<string, boolean | string> }>;
  /** The anchoring health object of /readyz and /v1/info. */
  readonly anchoring: () => ServiceAnchoring;
  /** Why a write would be refused now (fail-closed rule), if it would. */
  readonly writeRefusal: () => LedgerError | undefined;
  /** Seconds a client is told to wait on a chain or anchoring 503. */
  readonly retryAfterS: number;
  /** Longest a request waits for chain work already under way (2 × RPC_TIMEOUT_MS). */
  readonly chainWaitMs: number;
  readonly log: Logger;
  /** True once shutdown has begun: new requests get 503. */
  readonly closing: () => boolean;
  /** Abuse limits and browser policy; each absent field takes its DEFAULT_SECURITY value. */
  readonly security?: Partial<SecuritySettings>;
  /** Request metrics and GET /metrics (absent: neither). */
  readonly metrics?: MetricsDeps;
}

export interface SecuritySettings {
  /** RATE_LIMIT_RPS: requests per second per token, or per address without one (0: no limit). */
  readonly rateLimitRps: number;
  /** CORS_ORIGINS: browser origins allowed (empty: none). */
  readonly corsOrigins: readonly string[];
  /** BODY_BUDGET_MB in bytes: request body bytes in flight across all requests. */
  readonly bodyBudgetBytes: number;
}

export const DEFAULT_SECURITY: SecuritySettings = Object.freeze({
  rateLimitRps: 1000,
  corsOrigins: Object.freeze([]),
  bodyBudgetBytes: 256 * 1024 * 1024,
});

/** Largest single-record body, and largest batch body (MAX_BATCH_RECORDS, api/operations/log.ts). */
export const SINGLE_BODY_LIMIT = 64 * 1024;
export const BATCH_BODY_LIMIT = 64 * 1024 * 1024;
