/**
 * What the services read from and write to the local index (SPEC §2, §4):
 * the log's entries and tree, its id indexes, checkpoints, the dataset and
 * lineage index. The LevelDB adapter (src/adapters/leveldb) implements these;
 * a service asks only for the part it uses (`Pick<LogStore, …>`). Nothing
 * here knows a key layout.
 */
import type { NodeId } from "../core/merkle/range.ts";
import type { Checkpoint } from "../core/chain-checkpoint.ts";

export type { Checkpoint } from "../core/chain-checkpoint.ts";

/** An exchange entry as written: its leaf data and the fields its index keys are made of. */
export interface IndexedEntry {
  readonly kind?: "exchange";
  readonly seq: number;
  readonly leafData: string;
  readonly provider: string;
  readonly id: string;
  readonly dataset: string;
  readonly derivedFrom: readonly string[];
  readonly consumer: string;
  readonly occurredAt: string;
}

/** An acknowledgement entry as written. */
export interface AckWrite {
  readonly kind: "ack";
  readonly seq: number;
  readonly leafData: string;
  readonly provider: string;
  readonly id: string;
  /** The acknowledged exchange: no longer awaiting acknowledgement. */
  readonly exchangeSeq: number;
}

/** A usage counter's new value: (exchanges, records). Keys come from CounterStore.keysOf. */
export interface CounterWrite {
  readonly key: string;
  readonly value: readonly [number, number];
}

/** One group commit: entries, their tree nodes, the counters they change and the new size — one durable write. */
export interface AppendWrite {
  readonly entries: ReadonlyArray<IndexedEntry | AckWrite>;
  readonly nodes: ReadonlyArray<{ level: number; index: number; hashHex: string }>;
  /** Usage counters' new values (written with the entries: they never drift). */
  readonly counters?: readonly CounterWrite[];
  readonly newSize: number;
}

/** The log itself: entries (leaf data), tree nodes, the size that commits them, and the id indexes. */
export interface LogStore {
  /** The committed log size. */
  size(): Promise<number>;
  /** Writes one group durably (resolved = on disk): the commit point. */
  append(w: AppendWrite): Promise<void>;
  entry(seq: number): Promise<string | undefined>;
  entries(seqs: readonly number[]): Promise<Array<string | undefined>>;
  /** Seqs of exchanges (or, with `kind: "ack"`, of their acknowledgements) by provider + id. */
  seqsByProviderId(keys: ReadonlyArray<{ provider: string; id: string; kind?: "exchange" | "ack" }>): Promise<Array<number | undefined>>;
  /** Hashes (hex) of stored nodes, in order; a missing node is an integrity error (throws). */
  nodes(ids: readonly NodeId[]): Promise<string[]>;
  /** Every idempotency key in the log: "provider:id" for exchanges, "ack|provider:id" for acknowledgements. */
  providerIdKeys(): AsyncIterable<string>;
  /** Entries from `seq` on, in seq order, as stored (there may be gaps or entries past the size in a damaged store). */
  entriesFrom(seq: number): AsyncIterable<[number, string]>;
  /** Seqs of exchanges not yet acknowledged, after `after`, at most `limit`, in order. */
  unacknowledged(limit: number, after?: number): Promise<number[]>;
}

/** Checkpoints this log anchored, by index. */
export interface CheckpointStore {
  checkpoints(): Promise<Checkpoint[]>;
  putCheckpoint(cp: Checkpoint): Promise<void>;
  deleteCheckpointsFrom(index: number): Promise<void>;
}

/** Exchanges by dataset and the `derivedFrom` edges both ways. */
export interface DatasetIndex {
  /** Seqs of exchanges of `dataset` after `after`, at most `limit`, in log order. */
  exchangesOf(dataset: string, limit: number, after?: number): Promise<number[]>;
  /** Datasets `dataset` was derived from (at most `limit`, by name). */
  sourcesOf(dataset: string, limit: number): Promise<string[]>;
  /** Datasets derived from `source` (at most `limit`, by name). */
  derivedFrom(source: string, limit: number): Promise<string[]>;
}

/** Small JSON records kept by id (API tokens, departments); a resolved `put` is on disk. */
export interface RecordStore<T> {
  get(id: string): Promise<T | undefined>;
  put(id: string, value: T): Promise<void>;
  all(): Promise<T[]>;
}

/** Where a department's exchanges are in its index: the UTC day of occurredAt, then the seq (the index's order). */
export interface DepartmentPosition {
  readonly day: string;
  readonly seq: number;
}

/** Exchanges (never acknowledgements) by department and role, ordered by UTC day of occurredAt, then seq. */
export interface DepartmentIndex {
  /** Positions of exchanges naming `department` as `role` with day in [from, to], after `after`, at most `limit`, in index order. */
  departmentExchanges(
    department: string,
    role: "provider" | "consumer",
    range: { from: string; to: string },
    limit: number,
    after?: DepartmentPosition,
  ): Promise<DepartmentPosition[]>;
}
