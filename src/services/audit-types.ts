/** The audit's ports and report (services/audit.ts runs it). */
import type { RegistryEvent } from "../core/key-history.ts";
import type { ChainCheckpoint } from "../core/chain-checkpoint.ts";
import type { CheckpointStore, LogStore } from "../ports/store.ts";
import type { IndexCheck } from "../ports/index-check.ts";

/** What the audit reads locally: the log, its checkpoints, and the derived indexes as stored. */
export type AuditStore = Pick<LogStore, "size" | "entry" | "entriesFrom"> & Pick<CheckpointStore, "checkpoints"> & { readonly indexCheck: IndexCheck };

export type DiscrepancyKind =
  | "ENTRY_MISSING"
  | "ENTRY_CORRUPT"
  | "ENTRY_MISPLACED"
  | "ENTRY_NOT_CANONICAL"
  | "RECORD_INVALID"
  | "ENTRY_BEYOND_LOG_SIZE"
  | "RECEIVED_AT_OUT_OF_ORDER"
  | "RECEIVED_BEFORE_CHECKPOINT"
  | "LEAF_MISMATCH"
  | "TREE_NODE_MISMATCH"
  | "ID_INDEX_WRONG"
  | "ID_INDEX_DANGLING"
  | "DATASET_INDEX_MISSING"
  | "DATASET_INDEX_DANGLING"
  | "DEPARTMENT_INDEX_MISSING"
  | "DEPARTMENT_INDEX_DANGLING"
  | "CHECKPOINT_ROOT_MISMATCH"
  | "CHAIN_CHECKPOINT_MISMATCH"
  | "CHECKPOINT_MISSING_ON_CHAIN"
  | "CHAIN_CHECKPOINT_NOT_LOCAL"
  | "ACK_INDEX_WRONG"
  | "ACK_REFERENCE_INVALID"
  | "COUNTER_MISMATCH"
  | "SIGNATURE_INVALID"
  | "SIGNER_NOT_ACTIVE"
  | "DEPARTMENT_UNKNOWN";

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  readonly seq?: number;
  readonly detail: string;
}

/** What the audit reads from the chain. The entries were signed in the EIP-712 domain of (chainId, address). */
export interface AuditChain {
  readonly chainId: number;
  readonly address: string;
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
  blockNumber(): Promise<number>;
  /** Every department's registry events, each list in chain order. */
  keyHistories(): Promise<ReadonlyMap<string, readonly RegistryEvent[]>>;
}

export interface AuditReport {
  readonly v: 1;
  readonly logSize: number;
  /** Entries beyond the last local checkpoint (not yet anchored). */
  readonly pending: number;
  readonly entriesChecked: number;
  readonly checkpointsChecked: number;
  readonly clean: boolean;
  readonly discrepancies: Discrepancy[];
}
