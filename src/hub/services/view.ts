/**
 * The hub's own view of the federation (GET /v1/federation): every log it
 * knows, what the chain holds for it, and whether its gateway answers and
 * backs the chain's latest checkpoint. Read-only; nothing here is summed.
 *
 * The route is public, so a burst MUST NOT fan out to the gateways: concurrent
 * callers share one computation in flight, and an answer is reused for
 * `cacheMs` (VIEW_CACHE_MS, 2 s) after it was computed (its `checkedAt`).
 */
import type { GatewayHttp, LedgerView } from "../ports.ts";
import { deadline } from "./deadline.ts";
import { logRef } from "./gather.ts";
import { unreachable, type FederationLog, type FederationLogs } from "./logs.ts";
import type { TokenFor } from "./stats.ts";

/** How long one answer of GET /v1/federation is reused at the hub. */
export const VIEW_CACHE_MS = 2000;

type View = Awaited<ReturnType<FederationView["compute"]>>;

export class FederationView {
  readonly #logs: FederationLogs;
  readonly #ledger: LedgerView;
  readonly #http: GatewayHttp;
  readonly #timeoutMs: number;
  readonly #tokenFor: TokenFor;
  readonly #cacheMs: number;
  readonly #now: () => number;
  /** `at`: when the answer was computed; undefined while it is in flight. */
  #last: { at: number | undefined; answer: Promise<View> } | undefined;

  constructor(
    logs: FederationLogs,
    ledger: LedgerView,
    http: GatewayHttp,
    timeoutMs: number,
    tokenFor: TokenFor,
    opts: { cacheMs?: number; now?: () => number } = {},
  ) {
    this.#logs = logs;
    this.#ledger = ledger;
    this.#http = http;
    this.#timeoutMs = timeoutMs;
    this.#tokenFor = tokenFor;
    this.#cacheMs = opts.cacheMs ?? VIEW_CACHE_MS;
    this.#now = opts.now ?? Date.now;
  }

  /** The view, shared with every caller while in flight and for `cacheMs` after; a failed computation is not kept. */
  view(): Promise<View> {
    const last = this.#last;
    if (last && (last.at === undefined || this.#now() - last.at <= this.#cacheMs)) return last.answer;
    const entry: { at: number | undefined; answer: Promise<View> } = { at: undefined, answer: this.compute() };
    this.#last = entry;
    entry.answer.then(
      () => (entry.at = this.#now()),
      () => {
        if (this.#last === entry) this.#last = undefined;
      },
    );
    return entry.answer;
  }

  /** One fresh view (no cache). */
  async compute() {
    const list = await this.#logs.list();
    const logs = await Promise.all(list.logs.map((l) => this.#one(l)));
    return {
      chainId: this.#ledger.chainId,
      contract: this.#ledger.contract,
      directory: list.source,
      checkedAt: new Date().toISOString(),
      healthy: logs.every((l) => l.gateway.status === "ok"),
      logs,
    };
  }

  async #one(l: FederationLog) {
    const base = { ...logRef(l), hubHasToken: this.#tokenFor(logRef(l)) !== undefined };
    if (l.problem || !l.logId)
      return {
        ...base,
        chain: null,
        gateway: { status: "missing", ...(l.problem ?? { code: "UNKNOWN_LOG", reason: "the gateway never said which log it keeps" }) },
      };
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const logId = l.logId;
    const chain = await deadline(
      (async () => {
        const count = await this.#ledger.checkpointCount(logId, signal);
        const latest = count > 0 ? await this.#ledger.checkpointAt(logId, count - 1, signal) : undefined;
        return {
          checkpoints: count,
          latest: latest
            ? { index: count - 1, treeSize: latest.treeSize, rootHash: latest.rootHash, anchoredAt: new Date(latest.anchoredAt * 1000).toISOString() }
            : null,
        };
      })(),
      signal,
      "reading the chain",
    ).catch((e: unknown) => ({ error: (e as Error).message }));
    try {
      const [ready, cp] = await Promise.all([
        this.#http.get(l.url, "/readyz", undefined, signal),
        this.#http.get(l.url, "/v1/checkpoints/latest", undefined, signal),
      ]);
      const claimed = cp.status === 200 ? (cp.body as { index: number; treeSize: number; rootHash: string }) : null;
      const latest = "latest" in chain ? chain.latest : undefined;
      const backsChain =
        latest === undefined
          ? null
          : latest === null
            ? claimed === null
            : claimed !== null && claimed.index === latest.index && claimed.rootHash === latest.rootHash;
      return {
        ...base,
        chain,
        gateway: {
          status: ready.status === 200 && backsChain !== false ? "ok" : "degraded",
          ready: ready.status === 200,
          latestCheckpoint: claimed ? { index: claimed.index, treeSize: claimed.treeSize, rootHash: claimed.rootHash } : null,
          backsChainLatest: backsChain,
        },
      };
    } catch (e) {
      return { ...base, chain, gateway: { status: "missing", ...unreachable(e, this.#timeoutMs) } };
    }
  }
}
