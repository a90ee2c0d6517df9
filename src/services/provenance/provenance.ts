/**
 * Provenance of a dataset (SPEC §5): its origin, every exchange of it in log
 * order (paged), and its lineage both ways to any depth, from the x: index
 * keys written with each entry. Each exchange carries its leaf hash, status,
 * checkpoint and where to fetch its receipt.
 */
import { fieldsExcept } from "../../core/record-fields.ts";
import type { DatasetIndex, DepartmentIndex, DepartmentPosition, LogStore } from "../../ports/store.ts";
import {
  MAX_PAGE,
  type DepartmentExchangePage,
  type DepartmentExchangeQuery,
  type ExchangeItem,
  type ExchangePage,
  type Lineage,
  type LineageEdge,
  type ProvenanceQueries,
} from "../../ports/api/provenance.ts";

export { DEFAULT_PAGE, MAX_PAGE, type ExchangeItem, type Lineage, type LineageEdge } from "../../ports/api/provenance.ts";

import type { Entry } from "../../core/record.ts";
import type { Anchorer } from "../anchor/anchorer.ts";

/** Lineage walks stop after this many datasets (the answer says it was cut). */
export const MAX_LINEAGE = 1000;
/** For a department's lineage: exchanges of one dataset read to find the edges it may see (the answer says it was cut). */
export const MAX_LINEAGE_SCAN = 10_000;

/** What provenance reads: entries, leaf hashes, acknowledgements, the dataset index and the department index. */
export type ProvenanceStore = Pick<LogStore, "entries" | "nodes" | "seqsByProviderId"> & DatasetIndex & DepartmentIndex;

export class ProvenanceService implements ProvenanceQueries {
  readonly #store: ProvenanceStore;
  readonly #anchorer: Anchorer;
  readonly #size: () => number;

  constructor(store: ProvenanceStore, anchorer: Anchorer, size: () => number) {
    this.#store = store;
    this.#anchorer = anchorer;
    this.#size = size;
  }

  /** Exchanges of `dataset` with seq > `after`, at most `limit`, in log order; `filter` may hide some. */
  async exchanges(dataset: string, after: number | undefined, limit: number, filter?: (e: Entry) => boolean): Promise<ExchangePage> {
    const size = this.#size();
    const seqs = (await this.#store.exchangesOf(dataset, limit, after)).filter((s) => s < size);
    const items = (await this.#items(seqs, size)).filter(({ entry }) => !filter || filter(entry)).map((x) => x.item);
    const lastSeq = seqs[seqs.length - 1];
    return { items, next: seqs.length === limit && lastSeq !== undefined ? lastSeq : null };
  }

  /**
   * A department's exchanges in one role with occurredAt's UTC day in [from, to], by day then
   * seq, from the department index: at most `limit` items, each below the log size and
   * `belowSeq`. Keys at or past that bound are passed over (they are the newest entries, as
   * many as came after the checkpoint asked about); `next` is null only when the range is read to its end.
   */
  async departmentExchanges(q: DepartmentExchangeQuery): Promise<DepartmentExchangePage> {
    const bound = Math.min(this.#size(), q.belowSeq ?? Number.MAX_SAFE_INTEGER);
    const kept: DepartmentPosition[] = [];
    let after = q.after;
    for (;;) {
      const ask = q.limit - kept.length;
      const keys = await this.#store.departmentExchanges(q.department, q.role, q, ask, after);
      for (const k of keys) if (k.seq < bound) kept.push(k);
      if (keys.length < ask) return { items: await this.#departmentItems(kept, bound), next: null };
      after = keys[keys.length - 1];
      if (kept.length >= q.limit) return { items: await this.#departmentItems(kept, bound), next: after ?? null };
    }
  }

  async #departmentItems(positions: readonly DepartmentPosition[], size: number) {
    return (
      await this.#items(
        positions.map((p) => p.seq),
        size,
      )
    ).map(({ entry, item }) => ({ ...item, dataset: entry.record.dataset }));
  }

  /** The provenance view of the exchanges at `seqs` (all below `size`), with their entries. */
  async #items(seqs: readonly number[], size: number): Promise<Array<{ entry: Entry; item: ExchangeItem }>> {
    const [raw, leaves] = await Promise.all([this.#store.entries(seqs), this.#store.nodes(seqs.map((index) => ({ level: 0, index })))]);
    const entries = raw.map((t) => JSON.parse(t!) as Entry);
    const acks = await this.#store.seqsByProviderId(entries.map((e) => ({ provider: e.record.provider, id: e.record.id, kind: "ack" as const })));
    return seqs.map((seq, i) => {
      const entry = entries[i]!;
      const ackSeq = acks[i];
      const cp = this.#anchorer.covering(seq);
      const r = entry.record;
      const item: ExchangeItem = {
        seq,
        ...fieldsExcept(r, "dataset", "signature"),
        receivedAt: entry.receivedAt,
        leafHash: leaves[i]!,
        status: cp ? "anchored" : "pending",
        checkpoint: cp ? { index: cp.index, treeSize: cp.treeSize, rootHash: cp.rootHash, txHash: cp.txHash, blockNumber: cp.blockNumber } : null,
        receipt: `/v1/entries/${seq}/receipt`,
        acknowledgedBySeq: ackSeq !== undefined && ackSeq < size ? ackSeq : null,
      };
      return { entry, item };
    });
  }

  /**
   * Both directions of `derivedFrom`, breadth first, each dataset once (cycles
   * end there). With `party` (a department), an edge "dataset derived from
   * source" is shown only when `party` provided or consumed an exchange of
   * `dataset` that declared `source`, and the walk goes on only along edges
   * shown: a department MUST NOT learn of datasets from records it may not read.
   */
  async lineage(dataset: string, party?: string): Promise<Lineage> {
    let budget = MAX_LINEAGE;
    let cut = false;
    const declared = new Map<string, Promise<Set<string>>>();
    const sourcesSeenBy = (d: string, who: string) => {
      let s = declared.get(d);
      if (!s) declared.set(d, (s = this.#declaredSources(d, who).then((r) => ((cut ||= r.cut), r.sources))));
      return s;
    };
    const walk = async (neighbours: (d: string, limit: number) => Promise<string[]>, edge: (from: string, to: string, depth: number) => LineageEdge) => {
      const seen = new Set([dataset]);
      const out: LineageEdge[] = [];
      let frontier = [dataset];
      for (let depth = 1; frontier.length > 0 && budget > 0; depth++) {
        const next: string[] = [];
        for (const d of frontier) {
          for (const other of await neighbours(d, MAX_LINEAGE)) {
            const e = edge(d, other, depth);
            if (party !== undefined && !(await sourcesSeenBy(e.dataset, party)).has(e.source)) continue;
            out.push(e);
            if (!seen.has(other) && budget-- > 0) {
              seen.add(other);
              next.push(other);
            }
          }
        }
        frontier = next;
      }
      return out;
    };
    const upstream = await walk(
      (d, n) => this.#store.sourcesOf(d, n),
      (d, src, depth) => ({ dataset: d, source: src, depth }),
    );
    const downstream = await walk(
      (d, n) => this.#store.derivedFrom(d, n),
      (src, d, depth) => ({ dataset: d, source: src, depth }),
    );
    return { upstream, downstream, truncated: budget <= 0 || cut };
  }

  /** Sources declared by the exchanges of `dataset` that `party` provided or consumed (at most MAX_LINEAGE_SCAN exchanges read). */
  async #declaredSources(dataset: string, party: string): Promise<{ sources: Set<string>; cut: boolean }> {
    const size = this.#size();
    const sources = new Set<string>();
    let after: number | undefined;
    for (let read = 0; read < MAX_LINEAGE_SCAN;) {
      const keys = await this.#store.exchangesOf(dataset, Math.min(MAX_PAGE, MAX_LINEAGE_SCAN - read), after);
      const seqs = keys.filter((s) => s < size);
      for (const raw of await this.#store.entries(seqs)) {
        const r = (JSON.parse(raw!) as Entry).record;
        if (r.provider === party || r.consumer === party) for (const src of r.derivedFrom) sources.add(src);
      }
      read += keys.length;
      if (keys.length < MAX_PAGE || read >= MAX_LINEAGE_SCAN) return { sources, cut: keys.length > 0 && read >= MAX_LINEAGE_SCAN };
      after = keys[keys.length - 1];
    }
    return { sources, cut: true };
  }
}
