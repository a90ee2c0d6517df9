/**
 * Where an exchange lands in the usage counters (SPEC §5): its day and its
 * group in each dimension. The appender, reindex, audit and "as of" queries
 * all key counters through here: they MUST agree.
 */
import type { ExchangeRecord } from "./record.ts";

export const DIMENSIONS = ["d", "p", "c", "u"] as const;
/** d dataset, p provider, c consumer, u purpose. */
export type Dimension = (typeof DIMENSIONS)[number];

/** The record fields counters depend on. */
export type CountedRecord = Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose" | "occurredAt">;

/** The form free text is grouped and filtered by: NFC. Requires well-formed text (the record schema checks it). */
export const groupText = (s: string): string => s.normalize("NFC");

/**
 * The group key of a record in one dimension. Free text (`purpose`) is
 * grouped by its NFC form, so canonically equivalent spellings (precomposed
 * "é" and "e" + U+0301) count as one group; the signed record keeps the bytes
 * as sent. Identifiers are ASCII and used as they are.
 */
export function dimensionValue(r: Pick<ExchangeRecord, "dataset" | "provider" | "consumer" | "purpose">, d: Dimension): string {
  return d === "d" ? r.dataset : d === "p" ? r.provider : d === "c" ? r.consumer : groupText(r.purpose);
}

/**
 * The coordinates a record's counters depend on, as one string: two records
 * with the same tuple add to exactly the same counters. "\n" cannot occur in
 * an id or a date, and the purpose (which refuses control characters) is last.
 */
export function counterTuple(r: CountedRecord): string {
  return `${r.occurredAt.slice(0, 10)}\n${r.provider}\n${r.consumer}\n${r.dataset}\n${r.purpose}`;
}
