/** What the HTTP layer needs from the rest of the service (ports, not adapters). */
import type { Intake } from "../../services/intake.ts";
import type { AckIntake } from "../../services/ack-intake.ts";
import type { Appender } from "../../services/appender.ts";
import type { LedgerReader } from "../../services/ledger.ts";
import type { Anchorer } from "../../services/anchorer.ts";
import type { Tokens } from "../../services/tokens.ts";
import type { Departments } from "../../services/departments.ts";
import type { ProvenanceService } from "../../services/provenance.ts";
import type { StatsService } from "../../services/stats.ts";
import type { Eip712Domain } from "../../core/eip712.ts";
import type { Logger } from "./errors.ts";
import type { LedgerError } from "../../core/errors.ts";
import type { AnchoringHealth } from "../../services/anchorer.ts";
import type { MetricsDeps } from "./metrics-routes.ts";
import type { FederationView } from "../../services/federation.ts";

export interface AppDeps {
  readonly intake: Intake;
  readonly ackIntake: AckIntake;
  readonly appender: Appender;
  readonly reader: LedgerReader;
  readonly anchorer: Anchorer;
  readonly tokens: Tokens;
  readonly departments: Departments;
  readonly provenance: ProvenanceService;
  readonly stats: StatsService;
  /** The federation directory of GET /v1/federation (services/federation.ts). */
  readonly federation: { list(staleAfterS: number): Promise<FederationView> };
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
  readonly anchoring: () => AnchoringHealth & Record<string, unknown>;
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
  corsOrigins: Object.freeze([]) as readonly string[],
  bodyBudgetBytes: 256 * 1024 * 1024,
});

/** Largest single-record body, and largest batch body (10 000 records). */
export const SINGLE_BODY_LIMIT = 64 * 1024;
export const BATCH_BODY_LIMIT = 64 * 1024 * 1024;
export const MAX_BATCH_RECORDS = 10_000;
