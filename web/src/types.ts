/** The shapes of the API answers the console reads (docs/http-api.md). */
export type Kind = "admin" | "auditor" | "regulator" | "department";

export interface Whoami {
  readonly role: Kind;
  readonly department?: string;
}

export interface AnchoringHealth {
  readonly pending: number;
  readonly oldestPendingAgeMs: number;
  readonly anchoredSize: number;
  readonly lastCheckpoint: { index: number; treeSize: number; blockNumber: number; txHash: string } | null;
  readonly lostCheckpoints: number;
  readonly chainHead: number | null;
  readonly chainCheckedAt: string | null;
  readonly lastError: { kind: string; message: string; at: string } | null;
  readonly halted: { reason: string; index: number } | null;
}

export interface Info {
  readonly chainId: number;
  readonly contract: string;
  readonly logId: string;
  readonly logName: string;
  readonly rpcUrl: string;
  readonly treeSize: number;
  readonly anchoredSize: number;
  readonly anchoring: AnchoringHealth;
}

export interface Checkpoint {
  readonly index: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: string;
}

/** One log of GET /v1/federation: the chain's directory entry, its latest checkpoint on chain, its gateway's own word. */
export interface FederationLog {
  readonly logId: string;
  readonly name: string;
  readonly url: string;
  readonly operator: string;
  readonly anchorer: string;
  readonly self: boolean;
  readonly latestCheckpoint: { index: number; treeSize: number; rootHash: string; blockNumber: number; anchoredAt: string } | null;
  readonly health: {
    readonly reachable: boolean;
    readonly ready: boolean;
    readonly anchoring: { pending: number; oldestPendingAgeMs: number } | null;
    readonly logId: string | null;
    readonly error: string | null;
  };
  readonly stale: boolean;
  readonly staleReason: string | null;
}

export interface Federation {
  readonly chainId: number;
  readonly contract: string;
  readonly selfLogId: string;
  readonly logCount: number;
  readonly staleAfterS: number;
  readonly checkedAt: string;
  readonly logs: FederationLog[];
}

export interface Group {
  readonly key: string;
  readonly exchanges: number;
  readonly records: number;
}

export interface AsOf {
  readonly treeSize: number;
  readonly checkpoint: number | null;
}

export interface UsageAnswer {
  readonly from: string;
  readonly to: string;
  readonly groupBy: string | null;
  readonly total: { exchanges: number; records: number };
  readonly groups: Group[];
  readonly asOf: AsOf;
}

export interface Flow {
  readonly provider: string;
  readonly consumer: string;
  readonly exchanges: number;
  readonly records: number;
}

export interface FlowsAnswer {
  readonly flows: Flow[];
  readonly asOf: AsOf;
}

export interface ExchangeItem {
  readonly seq: number;
  readonly id: string;
  readonly provider: string;
  readonly consumer: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly recordCount: number;
  readonly derivedFrom: readonly string[];
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly status: "pending" | "anchored";
  readonly checkpoint: { index: number } | null;
  readonly acknowledgedBySeq: number | null;
}

export interface LineageEdge {
  readonly dataset: string;
  readonly source: string;
  readonly depth: number;
}

export interface Provenance {
  readonly dataset: string;
  readonly origin: { provider: string; consumer: string; occurredAt: string } | null;
  readonly exchanges: ExchangeItem[];
  readonly next: string | null;
  readonly lineage: { upstream: LineageEdge[]; downstream: LineageEdge[]; truncated: boolean };
}

export interface MissingAck {
  readonly seq: number;
  readonly provider: string;
  readonly consumer: string;
  readonly id: string;
  readonly dataset: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
}

/** What each kind of token may open (docs/roles.md). */
export const may = {
  stats: (k: Kind | undefined) => k === "admin" || k === "auditor" || k === "regulator",
  provenance: (k: Kind | undefined) => k === "admin" || k === "auditor" || k === "department",
  missingAcks: (k: Kind | undefined) => k === "admin" || k === "auditor",
};
