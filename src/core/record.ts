/**
 * The exchange record (SPEC §1) and the entry it becomes (SPEC §2): schema,
 * defaults, canonical form (RFC 8785) and leaf hash.
 */
import canonicalizeImport from "canonicalize";
import { z } from "zod";
import { hashLeaf, type Hash } from "./merkle/hash.ts";

// canonicalize ships CommonJS with `export default`; under ESM it arrives as the function itself.
const canonicalize = canonicalizeImport as unknown as (v: unknown) => string;

export const DEPARTMENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX32 = /^0x[0-9a-f]{64}$/;
const SIG = /^0x[0-9a-f]{130}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /\p{Cc}/u;

const codePoints = (s: string): number => [...s].length;

export const departmentId = z.string().regex(DEPARTMENT_ID, "must match ^[a-z0-9][a-z0-9._-]{0,63}$");
export const datasetId = z.string().regex(DATASET_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");

/** A timestamp exactly as `Date#toISOString` prints it, and a real instant. */
export const isoTimestamp = z
  .string()
  .regex(ISO_MS, "must be UTC in the form YYYY-MM-DDTHH:mm:ss.sssZ")
  .refine((s) => {
    const d = new Date(s);
    return !Number.isNaN(d.getTime()) && d.toISOString() === s;
  }, "is not a real UTC instant (check month, day and time fields)");

/** The record as submitted: optional fields may be absent and get their defaults. */
export const exchangeRecordInput = z.strictObject({
  id: z.string().regex(RECORD_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"),
  provider: departmentId,
  consumer: departmentId,
  dataset: datasetId,
  purpose: z
    .string()
    .refine((s) => codePoints(s) >= 1 && codePoints(s) <= 256, "must be 1–256 characters")
    .refine((s) => !CONTROL.test(s), "must not contain control characters"),
  legalBasis: z
    .string()
    .refine((s) => codePoints(s) <= 256, "must be at most 256 characters")
    .refine((s) => !CONTROL.test(s), "must not contain control characters")
    .default(""),
  recordCount: z.number().int("must be an integer").min(0).max(Number.MAX_SAFE_INTEGER),
  payloadDigest: z.string().regex(HEX32, "must be 0x + 64 lowercase hex (SHA-256 of the data handed over)"),
  derivedFrom: z
    .array(datasetId)
    .max(64, "at most 64 source datasets")
    .refine((a) => new Set(a).size === a.length, "must not repeat a dataset")
    .default([]),
  occurredAt: isoTimestamp,
  signature: z.string().regex(SIG, "must be 0x + 130 lowercase hex (65-byte EIP-712 signature)"),
}).refine((r) => r.provider !== r.consumer, { message: "consumer must differ from provider", path: ["consumer"] });

export type ExchangeRecord = z.output<typeof exchangeRecordInput>;

export interface Entry {
  readonly v: 1;
  readonly seq: number;
  readonly receivedAt: string;
  readonly record: ExchangeRecord;
}

/** The record with its fields in SPEC order (the stored form). */
export function normalizeRecord(r: ExchangeRecord): ExchangeRecord {
  return {
    id: r.id,
    provider: r.provider,
    consumer: r.consumer,
    dataset: r.dataset,
    purpose: r.purpose,
    legalBasis: r.legalBasis,
    recordCount: r.recordCount,
    payloadDigest: r.payloadDigest,
    derivedFrom: r.derivedFrom,
    occurredAt: r.occurredAt,
    signature: r.signature,
  };
}

export function canonicalJson(value: unknown): string {
  return canonicalize(value);
}

/**
 * The JCS (RFC 8785) text of an entry, fast: the entry's fields are all
 * strings, safe integers and arrays of strings, for which JCS is exactly
 * `JSON.stringify` with keys in UTF-16 order, so the keys are laid out in that
 * order here. MUST equal `canonicalJson(entry)` (checked by property tests).
 */
export function entryText(e: Entry): string {
  const r = e.record;
  return JSON.stringify({
    receivedAt: e.receivedAt,
    record: {
      consumer: r.consumer,
      dataset: r.dataset,
      derivedFrom: r.derivedFrom,
      id: r.id,
      legalBasis: r.legalBasis,
      occurredAt: r.occurredAt,
      payloadDigest: r.payloadDigest,
      provider: r.provider,
      purpose: r.purpose,
      recordCount: r.recordCount,
      signature: r.signature,
    },
    seq: e.seq,
    v: e.v,
  });
}

/** Leaf data = UTF-8 bytes of the JCS form of the entry. */
export function leafData(entry: Entry): Uint8Array {
  return Buffer.from(entryText(entry), "utf8");
}

export function entryLeafHash(entry: Entry): Hash {
  return hashLeaf(leafData(entry));
}
