/**
 * Which logs make up the federation: the chain's directory (logCount, logAt,
 * logInfo of the shared ExchangeLedger), or HUB_GATEWAYS when given (an
 * explicit list of gateway URLs, each asked for its /v1/info).
 *
 * A log the hub cannot place (a listed gateway that does not answer, one on
 * another chain or contract, a directory entry without a URL) is still
 * returned, with its `problem`: every answer MUST list it under `missing`,
 * never leave it out.
 */
import type { GatewayHttp, LedgerView, LogRef } from "../ports.ts";
import { deadline } from "./deadline.ts";

export interface Problem {
  readonly code: string;
  readonly reason: string;
}

export type FederationLog = LogRef & { readonly problem?: Problem };

export interface LogList {
  readonly source: "chain directory" | "HUB_GATEWAYS";
  readonly logs: readonly FederationLog[];
}

interface Info {
  readonly chainId?: unknown;
  readonly contract?: unknown;
  readonly logId?: unknown;
  readonly logName?: unknown;
}

export const trimUrl = (u: string): string => u.replace(/\/+$/, "");

export class FederationLogs {
  readonly #ledger: LedgerView;
  readonly #http: GatewayHttp;
  readonly #explicit: readonly string[] | undefined;
  readonly #timeoutMs: number;
  /** The last /v1/info each listed gateway gave: a gateway down now is still named by its log. */
  readonly #known = new Map<string, { name: string; logId: string }>();

  constructor(ledger: LedgerView, http: GatewayHttp, explicit: readonly string[] | undefined, timeoutMs: number) {
    this.#ledger = ledger;
    this.#http = http;
    this.#explicit = explicit?.map(trimUrl);
    this.#timeoutMs = timeoutMs;
  }

  async list(): Promise<LogList> {
    if (this.#explicit) return { source: "HUB_GATEWAYS", logs: await Promise.all(this.#explicit.map((u) => this.#fromInfo(u))) };
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const dir = await deadline(this.#ledger.directory(signal), signal, "the chain's directory");
    if (!dir) throw new Error("the contract has no federation directory (logCount/logInfo); set HUB_GATEWAYS");
    return {
      source: "chain directory",
      logs: dir.map((l) => (l.url ? { ...l, url: trimUrl(l.url) } : { ...l, problem: { code: "NO_URL", reason: "the directory names no URL for this log" } })),
    };
  }

  async #fromInfo(url: string): Promise<FederationLog> {
    const known = this.#known.get(url);
    const named = { url, name: known?.name ?? null, logId: known?.logId ?? null };
    try {
      const signal = AbortSignal.timeout(this.#timeoutMs);
      const r = await this.#http.get(url, "/v1/info", undefined, signal);
      const info = r.body as Info | null | undefined;
      if (r.status !== 200 || typeof info?.logId !== "string" || typeof info.logName !== "string") {
        return { ...named, problem: { code: "GATEWAY_ERROR", reason: `GET /v1/info answered ${r.status}` } };
      }
      const contract = String(info.contract).toLowerCase();
      if (info.chainId !== this.#ledger.chainId || contract !== this.#ledger.contract) {
        return {
          ...named,
          problem: {
            code: "WRONG_LEDGER",
            reason: `the gateway anchors to ${contract} on chain ${String(info.chainId)}, not to ${this.#ledger.contract} on chain ${this.#ledger.chainId}`,
          },
        };
      }
      const log = { url, name: info.logName, logId: info.logId.toLowerCase() };
      this.#known.set(url, { name: log.name, logId: log.logId });
      return log;
    } catch (e) {
      return { ...named, problem: unreachable(e, this.#timeoutMs) };
    }
  }
}

/** The problem of a gateway that gave no answer. */
export function unreachable(e: unknown, timeoutMs: number): Problem {
  const err = e as Error | null | undefined;
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return { code: "TIMEOUT", reason: `no answer within ${timeoutMs} ms` };
  const cause = (err as { cause?: { code?: string; message?: string } } | null | undefined)?.cause;
  return { code: "UNREACHABLE", reason: cause?.code ?? cause?.message ?? err?.message ?? String(e) };
}
