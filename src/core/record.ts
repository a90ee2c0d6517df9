/**
 * The exchange record (SPEC §1) and the entry it becomes (SPEC §2): schema,
 * defaults, canonical form (RFC 8785) and leaf hash.
 */
import canonicalizeImport from "canonicalize";
import { z } from "zod";
import { hashLeaf, type Hash } from "./merkle/hash.ts";
import { utf8 } from "./hex.ts";

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
/**
 * Invisible format characters (Unicode category Cf). Among them the bidi
 * controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C (they reorder
 * what a reader sees: spoofing), the zero-width U+200B–U+200D, U+2060, U+FEFF
 * (two purposes that look the same would count as two groups) and the tag
 * characters U+E0000–U+E007F (text a reader cannot see at all).
 */
const FORMAT = /\p{Cf}/u;

/** In a `u` regex a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Well-formed UTF-16 (what `String#isWellFormed` answers, ES2024). */
export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

const codePoints = (s: string): number => [...s].length;
const u = (s: string): string => `U+${s.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Every string of a record or an acknowledgement: well-formed Unicode. A lone
 * UTF-16 surrogate (JSON "\ud800") MUST be refused before anything else: it
 * would be signed over as U+FFFD but stored as itself, and cannot be
 * URI-encoded into a statistics key.
 */
export const wellFormed = z.string().refine(isWellFormed, "must be well-formed Unicode (it holds a lone UTF-16 surrogate)");

/** An identifier: well-formed, then its ASCII pattern (which leaves no room for bidi or zero-width characters). */
const ident = (re: RegExp, message: string) => wellFormed.pipe(z.string().regex(re, message));

/**
 * Free text (`purpose`, `legalBasis`): well-formed, at most `max` code points,
 * no control characters and no invisible format characters (see FORMAT).
 */
export const freeText = (min: number, max: number) =>
  wellFormed.pipe(
    z
      .string()
      .refine((s) => codePoints(s) >= min && codePoints(s) <= max, min > 0 ? `must be ${min}–${max} characters` : `must be at most ${max} characters`)
      .refine((s) => !CONTROL.test(s), "must not contain control characters")
      .superRefine((s, ctx) => {
        const m = FORMAT.exec(s);
        if (m) ctx.addIssue({ code: "custom", message: `must not contain invisible format characters (bidi controls, zero-width characters): found ${u(m[0])}` });
      }),
  );

export const departmentId = ident(DEPARTMENT_ID, "must match ^[a-z0-9][a-z0-9._-]{0,63}$");
export const datasetId = ident(DATASET_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");
export const recordId = ident(RECORD_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
/** A hex field: well-formed, then its pattern. */
export const hexField = (re: RegExp, message: string) => ident(re, message);

/** A timestamp exactly as `Date#toISOString` prints it, and a real instant. */
export const isoTimestamp = wellFormed.pipe(z
  .string()
  .regex(ISO_MS, "must be UTC in the form YYYY-MM-DDTHH:mm:ss.sssZ")
  .refine((s) => {
    const d = new Date(s);
    return !Number.isNaN(d.getTime()) && d.toISOString() === s;
  }, "is not a real UTC instant (check month, day and time fields)"));

/** The record as submitted: optional fields may be absent and get their defaults. */
export const exchangeRecordInput = z.strictObject({
  id: recordId,
  provider: departmentId,
  consumer: departmentId,
  dataset: datasetId,
  purpose: freeText(1, 256),
  legalBasis: freeText(0, 256).default(""),
  recordCount: z.number().int("must be an integer").min(0).max(Number.MAX_SAFE_INTEGER),
  payloadDigest: hexField(HEX32, "must be 0x + 64 lowercase hex (SHA-256 of the data handed over)"),
  derivedFrom: z
    .array(datasetId)
    .max(64, "at most 64 source datasets")
    .refine((a) => new Set(a).size === a.length, "must not repeat a dataset")
    .default([]),
  occurredAt: isoTimestamp,
  signature: hexField(SIG, "must be 0x + 130 lowercase hex (65-byte EIP-712 signature)"),
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
  return utf8(entryText(entry));
}

export function entryLeafHash(entry: Entry): Hash {
  return hashLeaf(leafData(entry));
}
