/**
 * Asks every gateway of the federation one question, in parallel, each tied
 * to an anchored checkpoint the chain holds.
 *
 * Per log, within HUB_TIMEOUT_MS:
 *   1. the gateway's latest checkpoint (GET /v1/checkpoints/latest, public);
 *   2. the same checkpoint read from the chain (checkpointAt(logId, index)):
 *      size and root MUST match, or the log is `unverifiable` (with both
 *      sides as evidence) and is not asked further;
 *   3. the question itself (`ask`), which MUST pin its answer to that
 *      checkpoint (statistics: `asOf=<index>`) or say what it covers.
 *
 * A log whose gateway does not answer in time, answers with an error, or has
 * nothing anchored yet is `missing`, with the reason. `complete` is true only
 * when every log of the federation is a part: a total MUST NOT be presented
 * as the federation's while anything is missing or unverifiable.
 */
import type { ChainCheckpoint, GatewayHttp, GatewayReply, LedgerView, LogRef } from "../ports.ts";
import { deadline } from "./deadline.ts";
import { unreachable, type FederationLog, type FederationLogs } from "./logs.ts";

/** A checkpoint the gateway claimed and the chain confirmed. */
export interface VerifiedCheckpoint {
  readonly index: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: string;
  /** How many checkpoints the chain held for this log when checked (index + 1 when the gateway is current). */
  readonly onChainCount: number;
}

export interface Part<T> {
  readonly log: LogRef;
  readonly checkpoint: VerifiedCheckpoint;
  /** The gateway request whose answer this part is: ask the gateway the same and compare. */
  readonly request: string;
  readonly answer: T;
}

export interface Missing {
  readonly log: LogRef;
  readonly code: string;
  readonly reason: string;
}

export interface Unverifiable extends Missing {
  readonly claimed?: unknown;
  readonly onChain?: unknown;
}

export interface Gathered<T> {
  readonly complete: boolean;
  readonly source: string;
  readonly parts: Array<Part<T>>;
  readonly missing: Missing[];
  readonly unverifiable: Unverifiable[];
}

/** Why one log is not a part: thrown by the steps and by `ask`. */
export class GatewayFailure extends Error {
  readonly kind: "missing" | "unverifiable";
  readonly code: string;
  readonly evidence: { claimed?: unknown; onChain?: unknown };
  constructor(kind: "missing" | "unverifiable", code: string, reason: string, evidence: { claimed?: unknown; onChain?: unknown } = {}) {
    super(reason);
    this.kind = kind;
    this.code = code;
    this.evidence = evidence;
  }
}

/** What `ask` gets for one log. */
export interface AskContext {
  readonly log: LogRef & { readonly name: string; readonly logId: string };
  readonly checkpoint: VerifiedCheckpoint;
  readonly signal: AbortSignal;
  /** GET on this log's gateway. */
  get(path: string, token: string | undefined): Promise<GatewayReply>;
}

export type Ask<T> = (c: AskContext) => Promise<{ answer: T; request: string }>;

/** The body of a 2xx reply (untrusted JSON: the caller types what it checks), else a `missing` failure naming the gateway's status and error code. */
export function okBody(r: GatewayReply, what: string): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  const err = (r.body as { error?: { code?: string; message?: string } } | null | undefined)?.error;
  throw new GatewayFailure("missing", "GATEWAY_ERROR", `${what} answered ${r.status}${err?.code ? ` ${err.code}: ${err.message ?? ""}` : ""}`.trim());
}

export const logRef = (l: FederationLog): LogRef => ({ name: l.name, logId: l.logId, url: l.url, ...(l.operator ? { operator: l.operator } : {}) });

export class Gatherer {
  readonly #logs: FederationLogs;
  readonly #ledger: LedgerView;
  readonly #http: GatewayHttp;
  readonly timeoutMs: number;

  constructor(logs: FederationLogs, ledger: LedgerView, http: GatewayHttp, timeoutMs: number) {
    this.#logs = logs;
    this.#ledger = ledger;
    this.#http = http;
    this.timeoutMs = timeoutMs;
  }

  /**
   * `eachRequest`: each request of `ask` gets HUB_TIMEOUT_MS of its own (a paged read of many pages), instead of
   * all of them sharing one; the checkpoint and its chain check keep the shared one.
   */
  async gather<T>(ask: Ask<T>, opts: { eachRequest?: boolean } = {}): Promise<Gathered<T>> {
    const list = await this.#logs.list();
    const out = await Promise.all(list.logs.map((l) => this.#one(l, ask, opts.eachRequest === true)));
    const parts: Array<Part<T>> = [];
    const missing: Missing[] = [];
    const unverifiable: Unverifiable[] = [];
    for (const o of out) {
      if ("answer" in o) parts.push(o);
      else if (o.kind === "unverifiable") unverifiable.push(o.entry);
      else missing.push(o.entry);
    }
    return { complete: missing.length === 0 && unverifiable.length === 0, source: list.source, parts, missing, unverifiable };
  }

  async #one<T>(l: FederationLog, ask: Ask<T>, eachRequest: boolean): Promise<Part<T> | { kind: "missing" | "unverifiable"; entry: Unverifiable }> {
    const log = logRef(l);
    if (l.problem) return { kind: "missing", entry: { log, ...l.problem } };
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const checkpoint = await this.#checkpoint(l as FederationLog & { name: string; logId: string }, signal);
      const get = (path: string, token: string | undefined) => this.#http.get(l.url, path, token, eachRequest ? AbortSignal.timeout(this.timeoutMs) : signal);
      const { answer, request } = await ask({ log: log as AskContext["log"], checkpoint, signal, get });
      return { log, checkpoint, request: `${l.url}${request}`, answer };
    } catch (e) {
      if (e instanceof GatewayFailure) return { kind: e.kind, entry: { log, code: e.code, reason: e.message, ...e.evidence } };
      return { kind: "missing", entry: { log, ...unreachable(e, this.timeoutMs) } };
    }
  }

  /** Steps 1 and 2: the gateway's latest checkpoint, confirmed by the chain. */
  async #checkpoint(l: FederationLog & { name: string; logId: string }, signal: AbortSignal): Promise<VerifiedCheckpoint> {
    const r = await this.#http.get(l.url, "/v1/checkpoints/latest", undefined, signal);
    if (r.status === 404)
      throw new GatewayFailure("missing", "NO_ANCHORED_CHECKPOINT", "the gateway has anchored no checkpoint yet: nothing of it is tied to the chain");
    const claimed = okBody(r, "GET /v1/checkpoints/latest") as { logId?: string; index?: number; treeSize?: number; rootHash?: string };
    if (String(claimed.logId).toLowerCase() !== l.logId || !Number.isSafeInteger(claimed.index) || typeof claimed.rootHash !== "string") {
      throw new GatewayFailure("unverifiable", "LOG_MISMATCH", `the gateway's checkpoint is not one of log ${l.logId}`, { claimed });
    }
    let onChain: ChainCheckpoint | undefined;
    let count: number;
    try {
      [onChain, count] = await deadline(
        Promise.all([this.#ledger.checkpointAt(l.logId, claimed.index!, signal), this.#ledger.checkpointCount(l.logId, signal)]),
        signal,
        "reading the chain",
      );
    } catch (e) {
      throw new GatewayFailure(
        "unverifiable",
        "CHAIN_UNAVAILABLE",
        `the hub could not read checkpoint ${claimed.index} from the chain: ${(e as Error).message}`,
        { claimed },
      );
    }
    const shown = { index: claimed.index, treeSize: claimed.treeSize, rootHash: claimed.rootHash };
    if (!onChain)
      throw new GatewayFailure("unverifiable", "CHECKPOINT_NOT_ON_CHAIN", `the chain holds no checkpoint ${claimed.index} for this log`, {
        claimed: shown,
        onChain: null,
      });
    if (onChain.treeSize !== claimed.treeSize || onChain.rootHash !== claimed.rootHash.toLowerCase()) {
      throw new GatewayFailure("unverifiable", "CHECKPOINT_MISMATCH", `the gateway's checkpoint ${claimed.index} differs from the chain's`, {
        claimed: shown,
        onChain: { index: claimed.index, treeSize: onChain.treeSize, rootHash: onChain.rootHash },
      });
    }
    return {
      index: claimed.index!,
      treeSize: onChain.treeSize,
      rootHash: onChain.rootHash,
      blockNumber: onChain.blockNumber,
      anchoredAt: new Date(onChain.anchoredAt * 1000).toISOString(),
      onChainCount: count,
    };
  }
}
