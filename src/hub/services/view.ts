/**
 * The hub's own view of the federation (GET /v1/federation): every log it
 * knows, what the chain holds for it, and whether its gateway answers and
 * backs the chain's latest checkpoint. Read-only; nothing here is summed.
 */
import type { GatewayHttp, LedgerView } from "../ports.ts";
import { deadline } from "./deadline.ts";
import { logRef } from "./gather.ts";
import { unreachable, type FederationLog, type FederationLogs } from "./logs.ts";
import type { TokenFor } from "./stats.ts";

export class FederationView {
  readonly #logs: FederationLogs;
  readonly #ledger: LedgerView;
  readonly #http: GatewayHttp;
  readonly #timeoutMs: number;
  readonly #tokenFor: TokenFor;

  constructor(logs: FederationLogs, ledger: LedgerView, http: GatewayHttp, timeoutMs: number, tokenFor: TokenFor) {
    this.#logs = logs;
    this.#ledger = ledger;
    this.#http = http;
    this.#timeoutMs = timeoutMs;
    this.#tokenFor = tokenFor;
  }

  async view() {
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
