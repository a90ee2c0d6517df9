/** Types shared by the appender's stages. */
import { canonicalJson, type ExchangeRecord } from "../core/record.ts";
import type { Acknowledgement, LogEntry } from "../core/ack.ts";
import type { Frontier } from "../core/merkle/frontier.ts";
import type { AckWrite, CounterWrite, IndexedEntry, LogStore } from "../ports/store.ts";
import type { AppendResult } from "../ports/api/ledger.ts";
import type { CounterStore } from "../ports/counters.ts";
import type { AppendMetrics } from "../ports/metrics.ts";

export type { AppendResult } from "../ports/api/ledger.ts";

/** What the appender reads and writes: the log, and the usage counters it keeps in step. */
export type AppendStore = Pick<LogStore, "size" | "nodes" | "entry" | "entries" | "seqsByProviderId" | "providerIdKeys" | "append"> & {
  readonly counters: CounterStore;
};

export interface AppenderOptions {
  readonly maxGroup?: number;
  readonly maxQueued?: number;
  /** Called after each commit with the new size. */
  readonly onCommit?: (size: number) => void;
  /** Told of every committed group (default: no metrics). */
  readonly metrics?: AppendMetrics;
}

/** What can be appended: an exchange, or a consumer's acknowledgement of one. */
export type Item =
  { readonly kind: "exchange"; readonly record: ExchangeRecord } | { readonly kind: "ack"; readonly ack: Acknowledgement; readonly exchangeSeq: number };

/** The idempotency key: "provider:id" for exchanges, "ack|provider:id" for acknowledgements. */
export function itemKey(it: Item): string {
  return it.kind === "ack" ? `ack|${it.ack.provider}:${it.ack.id}` : `${it.record.provider}:${it.record.id}`;
}

export function itemParty(it: Item): { provider: string; id: string; kind: "exchange" | "ack" } {
  const r = it.kind === "ack" ? it.ack : it.record;
  return { provider: r.provider, id: r.id, kind: it.kind };
}

/** Same content as what an entry holds (a replay), or not (a conflict). */
export function sameContent(it: Item, e: LogEntry | Item): boolean {
  const a = it.kind === "ack" ? it.ack : it.record;
  const b = "kind" in e ? (e.kind === "ack" ? e.ack : e.record) : "ack" in e ? e.ack : e.record;
  return a === b || canonicalJson(a) === canonicalJson(b);
}

export interface Pending {
  readonly items: readonly Item[];
  readonly resolve: (r: AppendResult[]) => void;
  readonly reject: (e: unknown) => void;
}

export interface Known {
  readonly item: Item;
  readonly result: AppendResult;
}

export interface Lookup {
  readonly seqs: Array<number | undefined>;
  readonly entries: Map<number, LogEntry>;
}

export interface Prepared {
  readonly accepted: Array<{ p: Pending; results: AppendResult[] }>;
  readonly entries: Array<IndexedEntry | AckWrite>;
  readonly nodes: Array<{ level: number; index: number; hashHex: string }>;
  /** New values of the usage counters this group changes. */
  readonly counters: CounterWrite[];
  readonly counterKeys: ReadonlySet<string>;
  readonly newSize: number;
  /** The tree before this group, to go back to if its write fails. */
  readonly before: Frontier;
  readonly keys: readonly string[];
}

/** How many of a group's new entries are exchanges and how many acknowledgements. */
export function entryKinds(entries: Prepared["entries"]): { exchanges: number; acks: number } {
  const acks = entries.filter((e) => e.kind === "ack").length;
  return { exchanges: entries.length - acks, acks };
}
