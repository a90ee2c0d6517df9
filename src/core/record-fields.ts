/**
 * The exchange record's fields (SPEC §1), declared once: each field's rule,
 * its type in the EIP-712 `Exchange` struct (SPEC §3), the shape of its value
 * and the facts its encoders need. The zod schema (record.ts), the stored field
 * order, the EIP-712 types and fast encoder (eip712.ts), the signer workers'
 * codec, the client's signing, the PROV output and the OpenAPI answers derive
 * from RECORD_FIELDS; test/core/record-fields.test.ts fails when one of them
 * does not carry a declared field.
 *
 * Invariants: the order is SPEC §1's; the signed fields, in this order, MUST
 * spell SPEC §3's type string exactly (old signatures stay valid only so).
 */
import { z } from "zod";

export const DEPARTMENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX32 = /^0x[0-9a-f]{64}$/;
const SIG = /^0x[0-9a-f]{130}$/;
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

// eslint-disable-next-line @typescript-eslint/no-misused-spread -- SPEC §1 counts code points, which is what spreading a string yields
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
        if (m)
          ctx.addIssue({ code: "custom", message: `must not contain invisible format characters (bidi controls, zero-width characters): found ${u(m[0])}` });
      }),
  );

export const departmentId = ident(DEPARTMENT_ID, "must match ^[a-z0-9][a-z0-9._-]{0,63}$");
export const datasetId = ident(DATASET_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");
export const recordId = ident(RECORD_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
/** A hex field: well-formed, then its pattern. */
export const hexField = (re: RegExp, message: string) => ident(re, message);

/** A timestamp exactly as `Date#toISOString` prints it, and a real instant. */
export const isoTimestamp = wellFormed.pipe(
  z
    .string()
    .regex(ISO_MS, "must be UTC in the form YYYY-MM-DDTHH:mm:ss.sssZ")
    .refine((s) => {
      const d = new Date(s);
      return !Number.isNaN(d.getTime()) && d.toISOString() === s;
    }, "is not a real UTC instant (check month, day and time fields)"),
);

/** A field's value: text, a safe non-negative integer, or a list of texts (none holds U+0000–U+0002). */
export type FieldKind = "text" | "count" | "list";
/** The EIP-712 types a signed field may have. */
export type Eip712FieldType = "string" | "uint64" | "bytes32" | "string[]";

export interface FieldDeclaration {
  readonly name: string;
  /** The rule (with its default when the field may be left out). */
  readonly schema: z.ZodType;
  readonly kind: FieldKind;
  /** Its type in `Exchange` (SPEC §3); null for the one field the signature does not cover, itself. */
  readonly eip712: Eip712FieldType | null;
  /** Its values repeat across records (departments, datasets, purposes): encoders may cache their hashes. */
  readonly repeats: boolean;
  /** Shown as a `dx:<name>` attribute of the exchange in W3C PROV output (prov.ts). */
  readonly provAttribute: boolean;
}

/** Every field of the record, in SPEC §1 order. */
export const RECORD_FIELDS = [
  { name: "id", schema: recordId, kind: "text", eip712: "string", repeats: false, provAttribute: true },
  { name: "provider", schema: departmentId, kind: "text", eip712: "string", repeats: true, provAttribute: false },
  { name: "consumer", schema: departmentId, kind: "text", eip712: "string", repeats: true, provAttribute: false },
  { name: "dataset", schema: datasetId, kind: "text", eip712: "string", repeats: true, provAttribute: false },
  { name: "purpose", schema: freeText(1, 256), kind: "text", eip712: "string", repeats: true, provAttribute: true },
  { name: "legalBasis", schema: freeText(0, 256).default(""), kind: "text", eip712: "string", repeats: true, provAttribute: true },
  {
    name: "recordCount",
    schema: z.number().int("must be an integer").min(0).max(Number.MAX_SAFE_INTEGER),
    kind: "count",
    eip712: "uint64",
    repeats: false,
    provAttribute: true,
  },
  {
    name: "payloadDigest",
    schema: hexField(HEX32, "must be 0x + 64 lowercase hex (SHA-256 of the data handed over)"),
    kind: "text",
    eip712: "bytes32",
    repeats: false,
    provAttribute: false,
  },
  {
    name: "derivedFrom",
    schema: z
      .array(datasetId)
      .max(64, "at most 64 source datasets")
      .refine((a) => new Set(a).size === a.length, "must not repeat a dataset")
      .default([]),
    kind: "list",
    eip712: "string[]",
    repeats: true,
    provAttribute: false,
  },
  { name: "occurredAt", schema: isoTimestamp, kind: "text", eip712: "string", repeats: false, provAttribute: false },
  {
    name: "signature",
    schema: hexField(SIG, "must be 0x + 130 lowercase hex (65-byte EIP-712 signature)"),
    kind: "text",
    eip712: null,
    repeats: false,
    provAttribute: false,
  },
] as const satisfies readonly FieldDeclaration[];

type Field = (typeof RECORD_FIELDS)[number];
export type RecordFieldName = Field["name"];
export type SignedField = Extract<Field, { eip712: Eip712FieldType }>;
export type SignedFieldName = SignedField["name"];
export type ProvAttributeName = Extract<Field, { provAttribute: true }>["name"];

/** The zod shape of the record, field by field in declaration order. */
export type RecordShape = { [F in Field as F["name"]]: F["schema"] };
/** The record's values once its defaults are filled (= `ExchangeRecord`). */
export type RecordValues = { [F in Field as F["name"]]: z.output<F["schema"]> };

interface KindValue {
  text: string;
  count: number;
  list: string[];
}
type Assert<T extends true> = T;
/** Compile-time: each field's kind holds exactly what its schema produces; a field whose does not is named in the error here. */
export type KindsMatchSchemas = Assert<
  {
    [F in Field as F["name"]]: [z.output<F["schema"]>, KindValue[F["kind"]]] extends [KindValue[F["kind"]], z.output<F["schema"]>] ? true : F["name"];
  }[RecordFieldName]
>;

export const RECORD_FIELD_NAMES: readonly RecordFieldName[] = RECORD_FIELDS.map((f) => f.name);
export const RECORD_SHAPE = Object.fromEntries(RECORD_FIELDS.map((f) => [f.name, f.schema])) as RecordShape;
/** The fields the provider's signature covers, in `Exchange`'s order. */
export const SIGNED_FIELDS: readonly SignedField[] = RECORD_FIELDS.filter((f): f is SignedField => f.eip712 !== null);

/** The fields that may be left out of a submitted record (their schema has a default). */
export type DefaultedFieldName = Extract<Field, { schema: z.ZodDefault }>["name"];
const DEFAULTED = RECORD_FIELDS.flatMap((f) => (f.schema instanceof z.ZodDefault ? [{ name: f.name, schema: f.schema }] : []));

/** `r` with each defaulted field it leaves out (undefined) set to its default (a fresh value each time). */
export function withDefaults<T extends object>(r: T): T & Pick<RecordValues, DefaultedFieldName> {
  const out = { ...r } as Record<string, unknown>;
  for (const f of DEFAULTED) if (out[f.name] === undefined) out[f.name] = f.schema.def.defaultValue;
  return out as T & Pick<RecordValues, DefaultedFieldName>;
}

/**
 * An object with `names` as its keys, in that order: spreading it gives every
 * copy the same hidden class at once, which keeps building records in a loop
 * as fast as an object literal (a fresh `{}` filled key by key is ~2× slower).
 */
export function keyTemplate(names: readonly string[]): Readonly<Record<string, unknown>> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}

const IN_ORDER = keyTemplate(RECORD_FIELD_NAMES);

/** The declared fields of `r`, in declaration (SPEC) order, and nothing else. */
export function inFieldOrder<T extends Record<RecordFieldName, unknown>>(r: T): Pick<T, RecordFieldName> {
  const out: Record<string, unknown> = { ...IN_ORDER };
  for (const name of RECORD_FIELD_NAMES) out[name] = r[name];
  return out as Pick<T, RecordFieldName>;
}

/** `r`'s declared fields but `omit`, in declaration order: a view of the record (e.g. provenance's, without dataset and signature). */
export function fieldsExcept<K extends RecordFieldName>(r: RecordValues, ...omit: K[]): Omit<RecordValues, K> {
  const out: Record<string, unknown> = {};
  for (const name of RECORD_FIELD_NAMES) if (!(omit as readonly string[]).includes(name)) out[name] = r[name];
  return out as Omit<RecordValues, K>;
}
