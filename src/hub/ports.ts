/**
 * What the hub's services need from the world, as small ports. Adapters
 * (src/hub/adapters) implement them; src/hub/server.ts wires them.
 *
 * Every port MUST honour the AbortSignal it is given (the hub answers with
 * what it has when a gateway's time is up) and MUST NOT throw anything but
 * an Error whose message may be shown to the hub's callers.
 */

/** One log of the federation, as the directory (or HUB_GATEWAYS and the gateway's /v1/info) names it. */
export interface LogRef {
  /** LOG_NAME of the gateway; null while it has never answered (HUB_GATEWAYS without a directory). */
  readonly name: string | null;
  /** keccak256("dxledger:" + name); null as above. */
  readonly logId: string | null;
  /** The gateway's public URL, without a trailing "/". */
  readonly url: string;
  /** The department that operates it (directory only). */
  readonly operator?: string | null;
}

/** An answer of a gateway: status and parsed JSON (or the text, when not JSON). */
export interface GatewayReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** HTTP to the gateways. */
export interface GatewayHttp {
  /** GET `url` + `path` with `token` as bearer (none when undefined); rejects on a network error or the signal. */
  get(url: string, path: string, token: string | undefined, signal: AbortSignal): Promise<GatewayReply>;
}

/** A checkpoint as the chain holds it. */
export interface ChainCheckpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: number;
}

/** Reads of the one shared ExchangeLedger. */
export interface LedgerView {
  readonly chainId: number;
  readonly contract: string;
  /** How many checkpoints the chain holds for `logId`. */
  checkpointCount(logId: string, signal: AbortSignal): Promise<number>;
  /** Checkpoint `index` of `logId`; undefined when the chain has no such checkpoint. */
  checkpointAt(logId: string, index: number, signal: AbortSignal): Promise<ChainCheckpoint | undefined>;
  /** Every log of the on-chain directory; undefined when the contract has no directory. */
  directory(signal: AbortSignal): Promise<LogRef[] | undefined>;
}

/** The roles a hub token carries. A department has no hub token: it brings its own gateway tokens. */
export type HubRole = "auditor" | "regulator";

export interface HubTokens {
  /** The role of a presented bearer secret, or undefined. */
  check(secret: string): HubRole | undefined;
}

/**
 * `hub`: an auditor of the hub, read with the hub's gateway tokens.
 * `caller`: the caller's own gateway tokens, forwarded as they are; with
 * `department`, each MUST be that department's (checked with /v1/whoami) —
 * required wherever the hub adds anything of its own to the answer.
 */
export type Reader = { readonly kind: "hub" } | { readonly kind: "caller"; readonly department?: string; readonly tokens: ReadonlyMap<string, string> };

// ── what the hub's HTTP routes ask of its services ──

/** Which gateways answered: a part left out is under `missing` or `unverifiable`, and then `complete` is false. */
export interface Completeness {
  readonly complete: boolean;
  readonly missing: ReadonlyArray<{ readonly log: { readonly name: string | null; readonly url: string } }>;
  readonly unverifiable: ReadonlyArray<{ readonly log: { readonly name: string | null; readonly url: string } }>;
  /** The parts summed, each as of its log's anchored checkpoint (confirmed on chain). */
  readonly parts: ReadonlyArray<{
    readonly log: { readonly logId: string | null };
    readonly checkpoint: { readonly index: number; readonly treeSize: number; readonly rootHash: string };
  }>;
}

export interface FederatedFigures {
  readonly key: string;
  readonly exchanges: number;
  readonly records: number;
}

export interface HubStatistics {
  /** `params`: from, to, at most the filters and groupBy of a gateway's usage query. */
  usage(params: Record<string, string>): Promise<
    Completeness & {
      readonly groupBy: string | null;
      readonly groups: readonly FederatedFigures[];
      readonly total: { readonly exchanges: number; readonly records: number };
    }
  >;
  top(from: string, to: string, by: string, limit: number): Promise<Completeness & { readonly groups: readonly FederatedFigures[] }>;
  flows(
    from: string,
    to: string,
  ): Promise<
    Completeness & {
      readonly flows: ReadonlyArray<{ readonly provider: string; readonly consumer: string; readonly exchanges: number; readonly records: number }>;
    }
  >;
}

/** Record-level reads across gateways; the answers are served as JSON as they are. */
export interface HubRecordQueries {
  provenance(dataset: string, reader: Reader): Promise<object>;
  exchangesOf(department: string, role: "consumer" | "provider", from: string, to: string, reader: Reader): Promise<object>;
}

/** GET /v1/federation at the hub. */
export interface HubFederationView {
  view(): Promise<object>;
}
