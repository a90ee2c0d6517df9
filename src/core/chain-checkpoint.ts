/** What the chain says about a checkpoint, and where an anchor landed: the chain port's data, shared by adapter and services. */
export interface ChainCheckpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  /** Block timestamp, seconds. */
  readonly anchoredAt: number;
  readonly blockNumber: number;
}

export interface AnchoredTx {
  readonly index: number;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly anchoredAt: number;
}
