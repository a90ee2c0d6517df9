/**
 * The exchange record (SPEC §1) and the entry it becomes (SPEC §2): schema,
 * defaults, canonical form (RFC 8785) and leaf hash. The fields and their
 * rules are declared in record-fields.ts; everything here derives from them.
 */
import canonicalizeImport from "canonicalize";
import { z } from "zod";
import { hashLeaf, type Hash } from "./merkle/hash.ts";
import { utf8 } from "./hex.ts";
import { RECORD_FIELD_NAMES, RECORD_SHAPE, inFieldOrder, keyTemplate } from "./record-fields.ts";

// canonicalize ships CommonJS with `export default`; under ESM it arrives as the function itself.
const canonicalize = canonicalizeImport as unknown as (v: unknown) => string;

export {
  DATASET_ID,
  DEPARTMENT_ID,
  RECORD_ID,
  datasetId,
  departmentId,
  freeText,
  hexField,
  isWellFormed,
  isoTimestamp,
  recordId,
  wellFormed,
} from "./record-fields.ts";

/**
 * The record as submitted (RECORD_FIELDS' rules, no other field): optional
 * fields may be absent and get their defaults.
 */
export const exchangeRecordInput = z
  .strictObject(RECORD_SHAPE)
  .refine((r) => r.provider !== r.consumer, { error: "consumer must differ from provider", path: ["consumer"] });

export type ExchangeRecord = z.output<typeof exchangeRecordInput>;

export interface Entry {
  readonly v: 1;
  readonly seq: number;
  readonly receivedAt: string;
  readonly record: ExchangeRecord;
}

/** The record with its fields in SPEC order (the stored form). */
export function normalizeRecord(r: ExchangeRecord): ExchangeRecord {
  return inFieldOrder(r);
}

export function canonicalJson(value: unknown): string {
  return canonicalize(value);
}

/** The record's field names in UTF-16 code unit order (`Array#sort`'s), the order JCS writes keys in. */
const JCS_FIELD_ORDER = [...RECORD_FIELD_NAMES].sort();
const JCS_RECORD = keyTemplate(JCS_FIELD_ORDER);

/**
 * The JCS (RFC 8785) text of an entry, fast: the entry's fields are all
 * strings, safe integers and arrays of strings, for which JCS is exactly
 * `JSON.stringify` with keys in UTF-16 order, so the keys are laid out in that
 * order here. MUST equal `canonicalJson(entry)` (checked by property tests).
 */
export function entryText(e: Entry): string {
  const r = e.record;
  const record: Record<string, unknown> = { ...JCS_RECORD };
  for (const name of JCS_FIELD_ORDER) record[name] = r[name];
  return JSON.stringify({ receivedAt: e.receivedAt, record, seq: e.seq, v: e.v });
}

/** Leaf data = UTF-8 bytes of the JCS form of the entry. */
export function leafData(entry: Entry): Uint8Array {
  return utf8(entryText(entry));
}

export function entryLeafHash(entry: Entry): Hash {
  return hashLeaf(leafData(entry));
}
