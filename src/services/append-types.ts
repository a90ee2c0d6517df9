/** Types shared by the appender's stages. */
import type { Entry, ExchangeRecord } from "../core/record.ts";
import type { Frontier } from "../core/merkle/frontier.ts";
import type { IndexedEntry } from "../adapters/leveldb/store.ts";

export interface AppendResult {
  readonly seq: number;
  readonly provider: string;
  readonly id: string;
  readonly leafHash: string;
  readonly receivedAt: string;
  /** True when this record was already in the log (identical replay). */
  readonly replay: boolean;
}

export interface Pending {
  readonly records: readonly ExchangeRecord[];
  readonly resolve: (r: AppendResult[]) => void;
  readonly reject: (e: unknown) => void;
}

export interface Known {
  readonly record: ExchangeRecord;
  readonly result: AppendResult;
}

export interface Lookup {
  readonly seqs: Array<number | undefined>;
  readonly entries: Map<number, Entry>;
}

export interface Prepared {
  readonly accepted: Array<{ p: Pending; results: AppendResult[] }>;
  readonly entries: IndexedEntry[];
  readonly nodes: Array<{ level: number; index: number; hashHex: string }>;
  readonly newSize: number;
  /** The tree before this group, to go back to if its write fails. */
  readonly before: Frontier;
  readonly keys: readonly string[];
}
