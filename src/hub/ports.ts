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
