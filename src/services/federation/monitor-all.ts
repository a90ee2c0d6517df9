/**
 * `dxledger monitor --all-logs`: every log of the ledger's directory, each
 * held to its own gateway (the URL on chain) by the per-log Monitor
 * (services/audit/monitor.ts: the gateway knows each checkpoint and proves it
 * consistent), plus the gateway itself: ALARM when it cannot be asked
 * (no URL, unreachable, serving another log) or has stopped anchoring
 * (services/federation/health.ts, the rule GET /v1/federation uses).
 *
 * Contracts:
 * - Logs bound after the monitor started are picked up at the next poll.
 * - A log whose gateway cannot be asked is not checkpoint-checked in that
 *   poll (its checkpoints are checked once it answers again, none skipped);
 *   the gateway alarm stands for it.
 * - A gateway's alarm is reported when it starts (or its reason changes),
 *   and a notice when it ends, not at every poll; `alarming` lists the logs
 *   in alarm now.
 */
import { Monitor, type MonitorChain, type MonitorEvent, type MonitorService } from "../audit/monitor.ts";
import { staleness } from "./health.ts";
import type { DirectoryChain, DirectoryEntry, GatewayProbe } from "../../ports/federation.ts";

export interface LogRef {
  readonly name: string;
  readonly logId: string;
  readonly url: string;
}

export type FederationEvent =
  | (MonitorEvent & { readonly log: LogRef })
  | { readonly kind: "gateway-alarm"; readonly log: LogRef; readonly reason: string; readonly evidence: unknown }
  | { readonly kind: "notice"; readonly log: LogRef; readonly reason: string };

export interface FederationMonitorDeps {
  readonly directory: DirectoryChain;
  readonly chain: MonitorChain;
  /** The per-log service port for a gateway at `url` (the CLI's HTTP client). */
  serviceAt(url: string): MonitorService;
  readonly probe: GatewayProbe;
  readonly staleAfterMs: number;
  readonly probeTimeoutMs?: number;
  readonly now?: () => number;
}

interface Followed {
  entry: DirectoryEntry;
  readonly monitor: Monitor;
  /** The reason of the gateway alarm in force, if any. */
  alarm: string | null;
}

export class FederationMonitor {
  readonly #d: FederationMonitorDeps;
  readonly #logs = new Map<string, Followed>();

  constructor(deps: FederationMonitorDeps) {
    this.#d = deps;
  }

  /** Logs whose gateway is in alarm now. */
  get alarming(): readonly LogRef[] {
    return [...this.#logs.values()].filter((f) => f.alarm !== null).map((f) => ref(f.entry));
  }

  /** Follows the directory once: new logs, each gateway's health, every checkpoint anchored since the last poll. */
  async poll(): Promise<FederationEvent[]> {
    const entries = await this.#d.directory.logs();
    const per = await Promise.all(entries.map((e) => this.#pollLog(e)));
    return per.flat();
  }

  async #pollLog(entry: DirectoryEntry): Promise<FederationEvent[]> {
    const out: FederationEvent[] = [];
    let f = this.#logs.get(entry.logId);
    if (!f) {
      const service: MonitorService = {
        checkpoint: (i) => this.#d.serviceAt(f!.entry.url).checkpoint(i),
        consistency: (from, to) => this.#d.serviceAt(f!.entry.url).consistency(from, to),
      };
      f = { entry, monitor: new Monitor(this.#d.chain, service, entry.logId), alarm: null };
      this.#logs.set(entry.logId, f);
    } else if (f.entry.url !== entry.url) {
      out.push({ kind: "notice", log: ref(entry), reason: `gateway URL changed on chain from ${f.entry.url || "(none)"} to ${entry.url || "(none)"}` });
    }
    f.entry = entry;
    const log = ref(entry);
    const [health, latest] = await Promise.all([
      entry.url
        ? this.#d.probe.probe(entry.url, this.#d.probeTimeoutMs ?? 2000)
        : Promise.resolve({ reachable: false, ready: false, anchoring: null, logId: null, error: "no URL in the directory" }),
      this.#d.chain
        .checkpointCount(entry.logId)
        .then((n) => (n === 0 ? null : this.#d.chain.checkpointAt(entry.logId, n - 1).then((c) => ({ ...c, index: n - 1 })))),
    ]);
    const s = staleness({ url: entry.url, logId: entry.logId, health, latest, staleAfterMs: this.#d.staleAfterMs, now: (this.#d.now ?? Date.now)() });
    if (s.stale && s.reason !== f.alarm) out.push({ kind: "gateway-alarm", log, reason: s.reason!, evidence: { health, latestOnChain: latest } });
    if (!s.stale && f.alarm !== null) out.push({ kind: "notice", log, reason: `recovered: ${f.alarm}` });
    f.alarm = s.stale ? s.reason : null;
    if (health.reachable && (health.logId === null || health.logId === entry.logId)) {
      for (const e of await f.monitor.poll()) out.push({ ...e, log });
    }
    return out;
  }
}

function ref(e: DirectoryEntry): LogRef {
  return { name: e.name || e.logId.slice(0, 10), logId: e.logId, url: e.url };
}
