/**
 * One submission's part of a commit group: idempotency (replay or conflict)
 * against the group, the groups in flight and the store, then seqs, leaf data
 * and tree nodes for its new items, appended to the group's lists.
 *
 * Contract: MAY throw; the caller then undoes this submission alone (its
 * entries, nodes, frontier and keys), never the group.
 */
import { entryText, type Entry } from "../core/record.ts";
import { ackEntryText, logEntryText, type AckEntry } from "../core/ack.ts";
import { LedgerError } from "../core/errors.ts";
import type { Frontier } from "../core/merkle/frontier.ts";
import { hashLeaf } from "../core/merkle/hash.ts";
import { toHex } from "../core/hex.ts";
import { itemKey, itemParty, sameContent, type AppendResult, type Item, type Known, type Lookup, type Pending, type Prepared } from "./append-types.ts";
import type { CounterKeyMemo } from "./stats-counters.ts";
import { counterTuple } from "../core/counter-coords.ts";

export interface PrepareContext {
  /** The tree, appended to in place. */
  readonly frontier: Frontier;
  /** Keys of groups prepared but not yet on disk. */
  readonly inflight: ReadonlyMap<string, Known>;
  readonly found: Lookup;
  /** Index of this submission's first item in the group's lookup. */
  readonly first: number;
  readonly receivedAt: string;
  /** This submission's new idempotency keys (out). */
  readonly keys: string[];
  readonly inGroup: Map<string, Known>;
  readonly entries: Prepared["entries"];
  readonly nodes: Prepared["nodes"];
}

export function conflictError(it: Item): LedgerError {
  const { provider, id, kind } = itemParty(it);
  return new LedgerError(
    "ID_CONFLICT",
    kind === "ack"
      ? `exchange ${id} of provider ${provider} was already acknowledged with other content`
      : `provider ${provider} already recorded id ${id} with other content`,
    { provider, id },
  );
}

/**
 * One submission's entries and tree nodes, appended to `acc`; its new
 * idempotency keys go to `keys`. May throw: the caller then undoes it alone.
 */
export function prepareSubmission(p: Pick<Pending, "items">, ctx: PrepareContext): { results: AppendResult[]; fresh: Item[]; conflict?: LedgerError } {
  const { frontier, inflight, found, first, receivedAt, keys, inGroup, entries, nodes } = ctx;
  const results: AppendResult[] = [];
  const fresh: Item[] = [];
  let conflict: LedgerError | undefined;
  let k = first;
  for (const it of p.items) {
    const seqHit = found.seqs[k++];
    const key = itemKey(it);
    const { provider, id } = itemParty(it);
    const prior = inGroup.get(key) ?? inflight.get(key);
    if (prior) {
      if (!sameContent(it, prior.item)) conflict ??= conflictError(it);
      else results.push({ ...prior.result, replay: true });
      continue;
    }
    if (seqHit !== undefined) {
      const old = found.entries.get(seqHit)!;
      if (!sameContent(it, old)) {
        conflict ??= conflictError(it);
        continue;
      }
      const leafHash = toHex(hashLeaf(Buffer.from(logEntryText(old), "utf8")));
      const result = { seq: old.seq, provider, id, leafHash, receivedAt: old.receivedAt, replay: true };
      inGroup.set(key, { item: it, result });
      keys.push(key);
      results.push(result);
      continue;
    }
    const seq = frontier.size;
    const leafData =
      it.kind === "ack"
        ? ackEntryText({ v: 1, seq, receivedAt, ack: it.ack } satisfies AckEntry)
        : entryText({ v: 1, seq, receivedAt, record: it.record } satisfies Entry);
    const leaf = hashLeaf(Buffer.from(leafData, "utf8"));
    for (const n of frontier.append(leaf)) nodes.push({ level: n.level, index: n.index, hashHex: toHex(n.hash) });
    entries.push(
      it.kind === "ack"
        ? { kind: "ack", seq, leafData, provider, id, exchangeSeq: it.exchangeSeq }
        : {
            seq,
            leafData,
            provider,
            id,
            dataset: it.record.dataset,
            derivedFrom: it.record.derivedFrom,
            consumer: it.record.consumer,
            occurredAt: it.record.occurredAt,
          },
    );
    const result = { seq, provider, id, leafHash: toHex(leaf), receivedAt, replay: false };
    fresh.push(it);
    inGroup.set(key, { item: it, result });
    keys.push(key);
    results.push(result);
  }
  return conflict ? { results, fresh, conflict } : { results, fresh };
}

/**
 * Before a group is looked up: builds each submission's counter keys (per
 * counter tuple) inside its own try. A submission whose keys cannot be built
 * is refused alone (with its own error, logged by the HTTP layer) and the
 * rest of the group goes on.
 */
export function vetGroup(taken: readonly Pending[], memo: CounterKeyMemo): { group: Pending[]; tupleKeys: Map<string, readonly string[]> } {
  const group: Pending[] = [];
  const tupleKeys = new Map<string, readonly string[]>();
  for (const p of taken) {
    try {
      const mine: Array<[string, readonly string[]]> = [];
      for (const it of p.items) {
        if (it.kind !== "exchange") continue;
        const t = counterTuple(it.record);
        mine.push([t, memo.keys(t, it.record)]);
      }
      group.push(p);
      for (const [t, k] of mine) tupleKeys.set(t, k);
    } catch (e) {
      p.reject(e);
    }
  }
  return { group, tupleKeys };
}
