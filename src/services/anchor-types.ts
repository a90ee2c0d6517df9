/** The anchorer's ports and outcomes: what it needs from the chain, what it reports. */
import type { AnchoredTx, ChainCheckpoint } from "../core/chain-checkpoint.ts";
import type { Checkpoint } from "../core/chain-checkpoint.ts";
import type { AnchorMetrics } from "../ports/metrics.ts";

export interface AnchorChain {
  blockNumber(): Promise<number>;
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
  anchor(
    logId: string,
    treeSize: number,
    rootHash: string,
    proof: readonly string[],
    limits?: { signal?: AbortSignal; deadline?: number },
  ): Promise<AnchoredTx>;
  /** The transaction of an adopted checkpoint, when the chain can still say. */
  checkpointTx?(logId: string, index: number, fromBlock: number): Promise<string | undefined>;
}

export class CheckpointMismatchError extends Error {
  readonly index: number;
  readonly local: unknown;
  readonly chain: unknown;
  constructor(index: number, local: unknown, chain: unknown) {
    super(`checkpoint ${index} differs between this data dir and the chain: local ${JSON.stringify(local)}, chain ${JSON.stringify(chain)}`);
    this.index = index;
    this.local = local;
    this.chain = chain;
  }
}

export interface AnchorerOptions {
  readonly logId: string;
  readonly intervalMs: number;
  readonly maxLeaves: number;
  readonly committedSize: () => number;
  /** How often the chain is looked at (default: min(intervalMs, 2000), at least 100). */
  readonly checkMs?: number;
  /** When entry `seq` was received (ms), for the age of a backlog found at start. */
  readonly receivedAt?: (seq: number) => Promise<number>;
  /** Blocks that must hold a checkpoint found on chain before it is adopted (CONFIRMATIONS; default 1). */
  readonly confirmations?: number;
  /** A background anchoring gives up waiting after this long (default 120 s); the next one settles its transaction first. */
  readonly anchorDeadlineMs?: number;
  /** Called with a failure when it differs from the last one reported, or a minute after it. */
  readonly onError?: (e: unknown) => void;
  readonly onAnchored?: (cp: Checkpoint) => void;
  /**
   * Awaited with each checkpoint the chain now holds, before it is published
   * (before its block becomes the registry's freshness mark): the moment the
   * chain is known to answer. A failure is reported (onEvent) and the
   * checkpoint published anyway: the chain holds it.
   */
  readonly beforePublish?: (cp: Checkpoint) => Promise<void>;
  /** Something changed in what the chain holds (lost, re-anchored, adopted, halted): for the log. */
  readonly onEvent?: (msg: string, details: unknown) => void;
  /** Told of each anchoring confirmed or failed (default: none). */
  readonly metrics?: AnchorMetrics;
}

export type { AnchoringHealth } from "../ports/api/ledger.ts";

/** Runs `opts.beforePublish`; never throws (see there). */
export async function beforePublish(opts: AnchorerOptions, cp: Checkpoint): Promise<void> {
  try {
    await opts.beforePublish?.(cp);
  } catch (e) {
    opts.onEvent?.("checkpoint published before the registry reached its block; writes may need the chain until it answers", {
      index: cp.index,
      blockNumber: cp.blockNumber,
      error: String((e as Error | null | undefined)?.message ?? e),
    });
  }
}
