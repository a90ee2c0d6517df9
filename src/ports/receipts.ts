/** Receipts (SPEC §5) and the offline evidence a receipt may carry: the read side's shapes and its chain port. */
import type { StateProof } from "@dxledger/verify";
import type { LogEntry } from "../core/ack.ts";
import type { Hex } from "../core/hex.ts";

export interface Receipt {
  readonly v: 1;
  readonly entry: LogEntry;
  readonly leafIndex: number;
  readonly leafHash: Hex;
  readonly checkpoint: {
    readonly logId: string;
    readonly index: number;
    readonly treeSize: number;
    readonly rootHash: string;
    readonly chainId: number;
    readonly contract: string;
    readonly txHash: string;
    readonly blockNumber: number;
  };
  readonly inclusionProof: Hex[];
  /** With `?proof=state`: the checkpoint's storage slots under a confirmed block's state root (docs/evidence.md). */
  readonly stateProof?: StateProof;
}

/** The checkpoint a state proof is asked for. */
export interface ProvenCheckpoint {
  readonly logId: string;
  readonly index: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly blockNumber: number;
}

/**
 * Port: offline evidence of a checkpoint (adapters/chain/state-proof.ts).
 * `prove` MUST return a proof at a block the service considers confirmed, at
 * or after the checkpoint's block, that it has checked itself (header hash,
 * Merkle-Patricia proofs, slot values); when it cannot, it MUST throw a
 * LedgerError or ChainError naming why — never return a wrong proof.
 */
export interface StateProofs {
  prove(cp: ProvenCheckpoint): Promise<StateProof>;
}

/** What a receipt carries beyond SPEC §5's fields. */
export interface ReceiptOptions {
  /** "state": add `stateProof`. */
  readonly proof?: "state";
}

export interface ChainIdentity {
  readonly logId: string;
  readonly chainId: number;
  readonly contract: string;
}
