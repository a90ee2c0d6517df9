/**
 * Read side of the log: entries, their status, receipts (SPEC §5) and
 * consistency proofs, over the store, the prover and the anchorer's checkpoints.
 */
import { LedgerError } from "../../core/errors.ts";
import { notFound } from "../../core/not-found.ts";
import type { LogEntry } from "../../core/ack.ts";
import type { Hex } from "../../core/hex.ts";
import type { Checkpoint, LogStore } from "../../ports/store.ts";
import type { StateProof } from "@dxledger/verify";
import type { ChainIdentity, Receipt, ReceiptOptions, StateProofs } from "../../ports/receipts.ts";
import type { LogReader, UnacknowledgedItem } from "../../ports/api/ledger.ts";
import type { Prover } from "./prover.ts";
import type { Anchorer } from "../anchor/anchorer.ts";

export const RECEIPT_VERSION = 1;

export class LedgerReader implements LogReader {
  readonly #store: Pick<LogStore, "entry" | "entries" | "seqsByProviderId" | "unacknowledged">;
  readonly #prover: Prover;
  readonly #anchorer: Anchorer;
  readonly #size: () => number;
  readonly #id: ChainIdentity;
  readonly #stateProofs: StateProofs | undefined;

  constructor(
    store: Pick<LogStore, "entry" | "entries" | "seqsByProviderId" | "unacknowledged">,
    prover: Prover,
    anchorer: Anchorer,
    size: () => number,
    id: ChainIdentity,
    stateProofs?: StateProofs,
  ) {
    this.#store = store;
    this.#prover = prover;
    this.#anchorer = anchorer;
    this.#size = size;
    this.#id = id;
    this.#stateProofs = stateProofs;
  }

  status(seq: number): "pending" | "anchored" {
    return seq < this.#anchorer.anchoredSize ? "anchored" : "pending";
  }

  async entry(seq: number): Promise<LogEntry> {
    const raw = seq < this.#size() ? await this.#store.entry(seq) : undefined;
    if (raw === undefined) throw notFound();
    return JSON.parse(raw) as LogEntry;
  }

  /** The consumer's acknowledgement of exchange provider+id, if any. */
  async acknowledgement(provider: string, id: string): Promise<{ seq: number; acknowledgedAt: string; receivedAt: string } | null> {
    const [seq] = await this.#store.seqsByProviderId([{ provider, id, kind: "ack" }]);
    if (seq === undefined || seq >= this.#size()) return null;
    const e = (await this.entry(seq)) as LogEntry & { ack: { acknowledgedAt: string } };
    return { seq, acknowledgedAt: e.ack.acknowledgedAt, receivedAt: e.receivedAt };
  }

  /**
   * Exchanges received before `before` that no consumer has acknowledged, from
   * seq > `after`; `visible`, when given, hides those the caller may not see
   * (paging still counts them: `next` follows the keys read).
   */
  async unacknowledged(
    before: string,
    after: number | undefined,
    limit: number,
    visible?: (provider: string, consumer: string) => boolean,
  ): Promise<{ items: UnacknowledgedItem[]; next: number | null }> {
    const seqs = (await this.#store.unacknowledged(limit, after)).filter((s) => s < this.#size());
    const raw = await this.#store.entries(seqs);
    const items: UnacknowledgedItem[] = [];
    let done = false;
    for (let i = 0; i < seqs.length; i++) {
      const e = JSON.parse(raw[i]!) as LogEntry & { record: { provider: string; consumer: string; id: string; dataset: string; occurredAt: string } };
      // Entries are in receivedAt order: the first one at or after `before` ends the list.
      if (e.receivedAt >= before) {
        done = true;
        break;
      }
      const r = e.record;
      if (visible && !visible(r.provider, r.consumer)) continue;
      items.push({
        seq: seqs[i]!,
        provider: r.provider,
        consumer: r.consumer,
        id: r.id,
        dataset: r.dataset,
        occurredAt: r.occurredAt,
        receivedAt: e.receivedAt,
        receipt: `/v1/entries/${seqs[i]}/receipt`,
      });
    }
    const last = seqs[seqs.length - 1];
    return { items, next: !done && seqs.length === limit && last !== undefined ? last : null };
  }

  async seqOf(provider: string, id: string): Promise<number> {
    const [seq] = await this.#store.seqsByProviderId([{ provider, id }]);
    if (seq === undefined) throw notFound();
    return seq;
  }

  async exchange(seq: number): Promise<{ entry: LogEntry; leafHash: Hex; status: "pending" | "anchored" }> {
    const entry = await this.entry(seq);
    return { entry, leafHash: await this.#prover.leafHash(seq), status: this.status(seq) };
  }

  /**
   * The receipt of entry `seq`. `maySee`, when given, is asked with the entry
   * before anything else is revealed (it throws to refuse). `opts.proof`
   * "state" adds the checkpoint's state proof (StateProofs).
   */
  async receipt(seq: number, maySee?: (e: LogEntry) => void, opts: ReceiptOptions = {}): Promise<Receipt> {
    const entry = await this.entry(seq);
    maySee?.(entry);
    const cp: Checkpoint | undefined = this.#anchorer.covering(seq);
    if (!cp) {
      throw new LedgerError("NOT_YET_ANCHORED", `entry ${seq} is not anchored yet; retry after the next checkpoint`, {
        seq,
        anchoredSize: this.#anchorer.anchoredSize,
      });
    }
    const { leafHash, proof: inclusionProof } = await this.#prover.leafAndPath(seq, cp.treeSize);
    let stateProof: StateProof | undefined;
    if (opts.proof === "state") {
      if (!this.#stateProofs) throw new LedgerError("STATE_PROOF_UNAVAILABLE", "this service gives no state proofs (no chain adapter for them is configured)");
      stateProof = await this.#stateProofs.prove({
        logId: this.#id.logId,
        index: cp.index,
        treeSize: cp.treeSize,
        rootHash: cp.rootHash,
        blockNumber: cp.blockNumber,
      });
    }
    return {
      v: RECEIPT_VERSION,
      entry,
      leafIndex: seq,
      leafHash,
      checkpoint: {
        logId: this.#id.logId,
        index: cp.index,
        treeSize: cp.treeSize,
        rootHash: cp.rootHash,
        chainId: this.#id.chainId,
        contract: this.#id.contract,
        txHash: cp.txHash,
        blockNumber: cp.blockNumber,
      },
      inclusionProof,
      ...(stateProof ? { stateProof } : {}),
    };
  }

  async consistency(from: number, to: number): Promise<{ from: number; to: number; proof: Hex[] }> {
    const size = this.#size();
    if (!(from >= 1 && from <= to && to <= size)) {
      throw new LedgerError("BAD_REQUEST", `need 1 ≤ from ≤ to ≤ ${size} (the log size), got from=${from}, to=${to}`, { size });
    }
    const proof = from === to ? [] : await this.#prover.consistencyProof(from, to);
    return { from, to, proof };
  }
}
