/**
 * Brings the log's view of what is anchored in line with the chain (see the
 * rules in anchorer.ts): checks the common checkpoints (all, or only the last),
 * stops serving the ones the chain lost, adopts confirmed ones the chain has
 * beyond ours when our tree backs them, anchors lost ones again with the same
 * index, size and root — and halts on any disagreement.
 *
 * MUST run under the anchorer's lock: it is the only writer of the book then.
 */
import type { Checkpoint } from "../core/chain-checkpoint.ts";
import { beforePublish, CheckpointMismatchError, type AnchorChain, type AnchorerOptions } from "./anchor-types.ts";
import type { Backlog } from "./backlog.ts";
import type { CheckpointBook } from "./checkpoint-book.ts";
import type { Prover } from "./prover.ts";

export interface ReconcileContext {
  readonly book: CheckpointBook;
  readonly backlog: Backlog;
  readonly chain: AnchorChain;
  readonly prover: Pick<Prover, "root" | "consistencyProof">;
  readonly store: { putCheckpoint(cp: Checkpoint): Promise<void> };
  readonly opts: AnchorerOptions;
}

// eslint-disable-next-line complexity -- one case per way the chain and the local book can differ, in the order they are decided
export async function reconcileWithChain(
  ctx: ReconcileContext,
  checkAll: boolean,
  limits: { signal: AbortSignal; deadline?: number },
  halt: (e: CheckpointMismatchError) => never,
): Promise<{ reanchored: number; adopted: number }> {
  const { book, backlog, chain, prover, store, opts } = ctx;
  const logId = opts.logId;
  const local = book.all;
  const onChain = await chain.checkpointCount(logId);
  const common = Math.min(onChain, local.length);
  for (let i = checkAll ? 0 : Math.max(0, common - 1); i < common; i++) {
    const c = await chain.checkpointAt(logId, i);
    const l = local[i]!;
    if (c.treeSize !== l.treeSize || c.rootHash !== l.rootHash) {
      halt(new CheckpointMismatchError(i, { treeSize: l.treeSize, rootHash: l.rootHash }, c));
    }
  }
  if (common < book.onChain) {
    const lost = book.onChain - common;
    book.onChain = common;
    const since = opts.receivedAt ? await opts.receivedAt(book.anchoredSize).catch(() => Date.now()) : Date.now();
    backlog.unanchored(book.anchoredSize, since);
    opts.onEvent?.("the chain lost anchored checkpoints; receipts against them wait until they are anchored again", {
      lost,
      from: common,
      chainCount: onChain,
    });
  } else book.onChain = common;
  let adopted = 0;
  const size = opts.committedSize();
  const confirmedUpTo = onChain > local.length ? (await chain.blockNumber()) - (opts.confirmations ?? 1) + 1 : 0;
  for (let i = local.length; i < onChain; i++) {
    const c = await chain.checkpointAt(logId, i);
    if (c.blockNumber > confirmedUpTo) break; // adopted only once CONFIRMATIONS blocks hold it
    const root = c.treeSize <= size ? await prover.root(c.treeSize) : undefined;
    if (root !== c.rootHash) halt(new CheckpointMismatchError(i, { treeSize: size, rootHash: root ?? null }, c));
    const txHash = (await chain.checkpointTx?.(logId, i, c.blockNumber).catch(() => undefined)) ?? "";
    const cp: Checkpoint = { index: i, treeSize: c.treeSize, rootHash: c.rootHash, txHash, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt };
    await beforePublish(opts, cp);
    await store.putCheckpoint(cp);
    local.push(cp);
    book.onChain = local.length;
    adopted++;
  }
  let reanchored = 0;
  for (let i = book.onChain; i < local.length; i++) {
    const l = local[i]!;
    const proof = i === 0 ? [] : await prover.consistencyProof(local[i - 1]!.treeSize, l.treeSize);
    const tx = await chain.anchor(logId, l.treeSize, l.rootHash, proof, limits);
    if (tx.index !== i) halt(new CheckpointMismatchError(i, l, { index: tx.index }));
    const cp: Checkpoint = { ...l, txHash: tx.txHash, blockNumber: tx.blockNumber, anchoredAt: tx.anchoredAt };
    await beforePublish(opts, cp);
    await store.putCheckpoint(cp);
    local[i] = cp;
    book.onChain = i + 1;
    backlog.anchored(book.anchoredSize);
    opts.onAnchored?.(cp);
    reanchored++;
  }
  if (adopted || reanchored) opts.onEvent?.("checkpoints reconciled with the chain", { adopted, reanchored });
  return { reanchored, adopted };
}
