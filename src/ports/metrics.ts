/**
 * What the services report for metrics: small ports, one per emitter. The
 * metrics adapter (src/adapters/metrics/prometheus.ts) implements them and
 * server.ts wires it; services MUST NOT import a metrics library.
 * `NO_METRICS` is the no-op for callers that do not care (tests, the CLI).
 *
 * Label values MUST come from small fixed sets (kinds, codes, operation
 * names): never an id, a department, a URL or free text.
 */
import type { ChainErrorKind } from "../core/chain-error.ts";

/** The appender: one group committed in one synced batch. */
export interface AppendMetrics {
  groupCommitted(entries: { readonly exchanges: number; readonly acks: number }): void;
}

/** Why a signature was refused: the error code, and a reason from SIGNATURE_REASONS. */
export interface SignatureMetrics {
  signatureRejected(kind: "exchange" | "ack", code: "INVALID_SIGNATURE" | "SIGNER_MISMATCH", reason: SignatureReason): void;
}

/** The anchorer: an anchoring transaction confirmed after `seconds` for `entries` new entries, or an anchoring failed. */
export interface AnchorMetrics {
  anchored(seconds: number, entries: number): void;
  anchorFailed(kind: ChainErrorKind | "HALTED" | "INTERNAL"): void;
}

/** The chain adapter: a chain call failed (by ChainError kind), a transaction was confirmed. `operation` is the contract method or RPC name. */
export interface ChainMetrics {
  chainError(kind: ChainErrorKind, operation: string): void;
  transactionConfirmed(operation: string, gasUsed: bigint): void;
}

export type ServiceMetrics = AppendMetrics & SignatureMetrics & AnchorMetrics & ChainMetrics;

export const NO_METRICS: ServiceMetrics = Object.freeze({
  groupCommitted: () => undefined,
  signatureRejected: () => undefined,
  anchored: () => undefined,
  anchorFailed: () => undefined,
  chainError: () => undefined,
  transactionConfirmed: () => undefined,
});

export const SIGNATURE_REASONS = ["malformed", "recovery-byte", "high-s", "unrecoverable", "not-active-signer"] as const;
export type SignatureReason = (typeof SIGNATURE_REASONS)[number];

/** The reason label of a refused signature: `recovered` is set when it recovered to a key that is not the active signer. */
export function signatureReason(failure: { reason: string } | { recovered: string }): SignatureReason {
  if ("recovered" in failure) return "not-active-signer";
  if (failure.reason.includes("65 bytes")) return "malformed";
  if (failure.reason.includes("recovery byte")) return "recovery-byte";
  if (failure.reason.includes("high s")) return "high-s";
  return "unrecoverable";
}

/** What the HTTP layer needs from a metrics implementation (the port). */
export interface HttpMetrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The exposition: every metric, as Prometheus scrapes it. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsDeps {
  readonly http: HttpMetrics;
  /** METRICS_TOKEN: a bearer token for /metrics only. */
  readonly token?: string | undefined;
}
