/**
 * What the full audit (SPEC §6) reads of the derived indexes to compare them
 * with the entries: raw stored values, so a damaged store is reported, not
 * thrown on. `key` strings are labels for reports, opaque to the audit.
 */
import type { CountedRecord } from "../core/counter-coords.ts";
import type { NodeId } from "../core/merkle/range.ts";

export interface IdIndexKey {
  readonly provider: string;
  readonly id: string;
  /** "ack": the acknowledgement index; else the exchange (id) index. */
  readonly kind?: "exchange" | "ack";
}

export interface IndexCheck {
  /** Stored node hashes (hex), undefined where none is stored. */
  storedNodes(ids: readonly NodeId[]): Promise<Array<string | undefined>>;
  /** Stored id-index values as they are (normally a decimal seq). */
  idIndex(keys: readonly IdIndexKey[]): Promise<Array<string | undefined>>;
  /** Label of an id-index key, for reports. */
  idIndexLabel(k: IdIndexKey): string;
  /** The dataset and lineage index keys these exchanges should have: which are missing, and how many dataset keys are present. */
  datasetIndex(
    exchanges: ReadonlyArray<{ seq: number; dataset: string; derivedFrom: readonly string[] }>,
  ): Promise<{ missing: Array<{ seq: number; key: string }>; present: number }>;
  /** The department index keys these exchanges should have (as provider and as consumer): which are missing, and how many are present. */
  departmentIndex(
    exchanges: ReadonlyArray<{ seq: number; provider: string; consumer: string; occurredAt: string }>,
  ): Promise<{ missing: Array<{ seq: number; key: string }>; present: number }>;
  /** How many department-index keys are stored. */
  countDepartmentIndex(): Promise<number>;
  /** Every department-index key: its label, the role and department it files the exchange under, its day and seq. */
  departmentIndexEntries(): AsyncIterable<{ key: string; role: "provider" | "consumer"; department: string; day: string; seq: number }>;
  /** How many id-index and dataset-index keys are stored. */
  countIdIndex(): Promise<number>;
  countDatasetIndex(): Promise<number>;
  /** Every id-index key: its label, the provider and id it names, and its raw value. */
  idIndexEntries(): AsyncIterable<{ key: string; provider: string; id: string; value: string }>;
  /** Every dataset-index key: its label, dataset and seq. */
  datasetIndexEntries(): AsyncIterable<{ key: string; dataset: string; seq: number }>;
  /** A tally of counters recomputed from exchanges, to compare with the stored ones. */
  counterTally(): CounterTally;
}

export interface CounterTally {
  add(r: CountedRecord & { readonly recordCount: number }): void;
  /** Stored counters that differ from the tally, either way (at most `max` listed; `total` counts all). */
  compare(max?: number): Promise<{ diffs: Array<{ key: string; stored: string | null; recomputed: string | null }>; total: number }>;
}
