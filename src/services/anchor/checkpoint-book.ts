/**
 * The checkpoints this log anchored, as stored (the local truth), and how
 * many of them, from the first, the chain holds now. Only those are served:
 * receipts, /v1/checkpoints, the anchored size.
 *
 * Invariant: 0 ≤ onChain ≤ all.length; all[i].index === i.
 */
import { firstCovering, type Checkpoint } from "../../core/chain-checkpoint.ts";

export class CheckpointBook {
  /** Every checkpoint this log anchored, as stored. The anchorer alone changes it. */
  all: Checkpoint[] = [];
  /** How many of `all`, from the first, the chain holds now. */
  onChain = 0;

  /** Checkpoints the chain holds, oldest first. */
  get served(): readonly Checkpoint[] {
    return this.all.slice(0, this.onChain);
  }

  get latest(): Checkpoint | undefined {
    return this.onChain ? this.all[this.onChain - 1] : undefined;
  }

  /** Leaves covered by the latest checkpoint the chain holds. */
  get anchoredSize(): number {
    return this.latest?.treeSize ?? 0;
  }

  /** Anchored checkpoints the chain does not hold now (lost, to be anchored again). */
  get lost(): number {
    return this.all.length - this.onChain;
  }

  /** The earliest served checkpoint covering `seq`, if any (stable: receipts don't change over time). */
  covering(seq: number): Checkpoint | undefined {
    const i = firstCovering(this.onChain, (j) => this.all[j]!.treeSize, seq);
    return i < this.onChain ? this.all[i] : undefined;
  }
}
