/**
 * The metrics ports (src/ports/metrics.ts, adapters/http/metrics-routes.ts)
 * implemented with prom-client, on a registry of its own (two services in one
 * process never share counters). Names and labels are listed in docs/operators.md
 * "Metrics and logs"; docs/grafana/dxledger.json uses them, and
 * test/e2e/metrics.test.ts checks that every name it queries exists.
 *
 * Gauges of state the services already keep (the backlog, tree sizes) are
 * read at scrape time from `watch()`'s sources, never pushed.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ChainErrorKind } from "../../core/chain-error.ts";
import { SIGNATURE_REASONS, type ServiceMetrics, type SignatureReason } from "../../ports/metrics.ts";
import type { HttpMetrics } from "../../ports/metrics.ts";

/** What the scrape-time gauges read. */
export interface MetricSources {
  readonly anchoring: () => { readonly pending: number; readonly oldestPendingAgeMs: number; readonly anchoredSize: number; readonly halted: unknown };
  readonly treeSize: () => number;
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const GROUP_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
const ANCHOR_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
const GAS_BUCKETS = [21_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000, 300_000, 500_000, 1_000_000];

export class PrometheusMetrics implements ServiceMetrics, HttpMetrics {
  readonly registry = new Registry();
  #sources: MetricSources | undefined;

  readonly #http: Histogram<"method" | "route" | "status">;
  readonly #appended: Counter<"kind">;
  readonly #group: Histogram;
  readonly #signatures: Counter<"kind" | "code" | "reason">;
  readonly #anchorSeconds: Histogram;
  readonly #anchoredEntries: Counter;
  readonly #anchors: Counter<"result" | "kind">;
  readonly #gas: Histogram<"operation">;
  readonly #chainErrors: Counter<"kind" | "operation">;

  // eslint-disable-next-line max-lines-per-function -- the metric catalogue: one declaration per metric
  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#http = new Histogram({
      name: "dxledger_http_request_duration_seconds",
      help: "HTTP requests by method, route pattern and status: latency (its _count is the request count)",
      labelNames: ["method", "route", "status"],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.#appended = new Counter({
      name: "dxledger_entries_appended_total",
      help: "Entries appended to the log (each on disk), by kind: exchange or ack",
      labelNames: ["kind"],
      registers,
    });
    this.#group = new Histogram({
      name: "dxledger_commit_group_entries",
      help: "New entries per group commit (one synced LevelDB batch)",
      buckets: GROUP_BUCKETS,
      registers,
    });
    this.#signatures = new Counter({
      name: "dxledger_signature_failures_total",
      help: "Submissions refused for their signature, by kind (exchange, ack), code (INVALID_SIGNATURE, SIGNER_MISMATCH) and reason",
      labelNames: ["kind", "code", "reason"],
      registers,
    });
    this.#anchorSeconds = new Histogram({
      name: "dxledger_anchor_duration_seconds",
      help: "Time from sending an anchoring transaction to its checkpoint confirmed (CONFIRMATIONS blocks)",
      buckets: ANCHOR_BUCKETS,
      registers,
    });
    this.#anchoredEntries = new Counter({ name: "dxledger_anchored_entries_total", help: "Entries covered by newly anchored checkpoints", registers });
    this.#anchors = new Counter({
      name: "dxledger_anchors_total",
      help: "Anchorings by result (ok, failed) and, when failed, the ChainError kind (or HALTED, INTERNAL)",
      labelNames: ["result", "kind"],
      registers,
    });
    this.#gas = new Histogram({
      name: "dxledger_chain_gas_used",
      help: "Gas used by each confirmed transaction, by contract method",
      labelNames: ["operation"],
      buckets: GAS_BUCKETS,
      registers,
    });
    this.#chainErrors = new Counter({
      name: "dxledger_chain_errors_total",
      help: "Failed chain calls by ChainError kind (UNAVAILABLE, REVERTED, UNDERPRICED, FEE_CAP, NONCE, INSUFFICIENT_FUNDS, WRONG_CONTRACT, OTHER) and operation",
      labelNames: ["kind", "operation"],
      registers,
    });
    const sources = () => this.#sources;
    const gauge = (name: string, help: string, read: (s: MetricSources) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const s = sources();
          if (s) this.set(read(s));
        },
      });
    gauge(
      "dxledger_anchoring_pending_entries",
      "Entries committed but not yet covered by an anchored checkpoint (the anchoring backlog)",
      (s) => s.anchoring().pending,
    );
    gauge(
      "dxledger_anchoring_oldest_pending_age_seconds",
      "How long the oldest unanchored entry has waited (0 when none); writes stop at MAX_UNANCHORED_AGE_MS",
      (s) => s.anchoring().oldestPendingAgeMs / 1000,
    );
    gauge("dxledger_anchoring_halted", "1 when the chain holds a checkpoint this log cannot back and appending has stopped", (s) =>
      s.anchoring().halted ? 1 : 0,
    );
    gauge("dxledger_tree_size", "Entries in the log (committed)", (s) => s.treeSize());
    gauge("dxledger_anchored_tree_size", "Entries covered by the latest checkpoint the chain holds", (s) => s.anchoring().anchoredSize);
    // Series that exist from the start, so that rate() and increase() see their first change.
    for (const kind of ["exchange", "ack"]) this.#appended.inc({ kind }, 0);
    for (const kind of ["exchange", "ack"] as const) {
      for (const reason of SIGNATURE_REASONS)
        this.#signatures.inc({ kind, code: reason === "not-active-signer" ? "SIGNER_MISMATCH" : "INVALID_SIGNATURE", reason }, 0);
    }
    this.#anchors.inc({ result: "ok", kind: "" }, 0);
  }

  /** Where the scrape-time gauges read from (set once the services exist). */
  watch(sources: MetricSources): void {
    this.#sources = sources;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.#http.observe({ method, route, status: String(status) }, seconds);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  groupCommitted(entries: { readonly exchanges: number; readonly acks: number }): void {
    if (entries.exchanges) this.#appended.inc({ kind: "exchange" }, entries.exchanges);
    if (entries.acks) this.#appended.inc({ kind: "ack" }, entries.acks);
    this.#group.observe(entries.exchanges + entries.acks);
  }

  signatureRejected(kind: "exchange" | "ack", code: "INVALID_SIGNATURE" | "SIGNER_MISMATCH", reason: SignatureReason): void {
    this.#signatures.inc({ kind, code, reason });
  }

  anchored(seconds: number, entries: number): void {
    this.#anchorSeconds.observe(seconds);
    this.#anchoredEntries.inc(entries);
    this.#anchors.inc({ result: "ok", kind: "" });
  }

  anchorFailed(kind: ChainErrorKind | "HALTED" | "INTERNAL"): void {
    this.#anchors.inc({ result: "failed", kind });
  }

  chainError(kind: ChainErrorKind, operation: string): void {
    this.#chainErrors.inc({ kind, operation });
  }

  transactionConfirmed(operation: string, gasUsed: bigint): void {
    this.#gas.observe({ operation }, Number(gasUsed));
  }
}
