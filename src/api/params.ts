/**
 * Parsing of path and query parameters into precise 400s, with zod.
 *
 * Contract:
 * - A query parameter that is missing when required, repeated (`?a=1&a=2`),
 *   malformed or impossible (`2026-02-30`, month `00`, `limit=0`) MUST be
 *   answered `400 VALIDATION_FAILED` whose `details` name it:
 *   `[{ "parameter": "from", "in": "query", "message": "…", "value": "2026-13-01" }]`.
 * - Nothing here may throw anything but a LedgerError: no value reaches
 *   `Date`, `encodeURIComponent` or a store key unchecked, so a parameter is
 *   never a 500.
 * - Path parameters keep `BAD_REQUEST` (they name a resource, not a query).
 */
import { z } from "zod";
import { LedgerError } from "../core/errors.ts";
import { isUtcDay } from "../core/periods.ts";
import { isWellFormed, isoTimestamp } from "../core/record.ts";

export interface ParamIssue {
  readonly parameter: string;
  readonly in: "query" | "path";
  readonly message: string;
  readonly value?: unknown;
}

/** What a query parser hands over: a string, a repeated parameter's array, or absent. */
type Raw = unknown;

const shown = (raw: Raw): unknown => (typeof raw === "string" && raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);

/** The one way a parameter is refused. */
export function paramError(issues: readonly ParamIssue[]): LedgerError {
  const first = issues[0]!;
  const code = issues.every((i) => i.in === "path") ? "BAD_REQUEST" : "VALIDATION_FAILED";
  return new LedgerError(code, `invalid ${first.in} parameter ${first.parameter}: ${first.message}`, issues);
}

const issue = (name: string, message: string, raw: Raw, where: "query" | "path" = "query"): ParamIssue =>
  raw === undefined ? { parameter: name, in: where, message } : { parameter: name, in: where, message, value: shown(raw) };

/** One string, not an array of repeats, well-formed Unicode. */
export const single = z
  .string({ error: (i) => (Array.isArray(i.input) ? "must be given once" : i.input === undefined ? "is required" : "must be a string") })
  .refine(isWellFormed, "must be well-formed Unicode (it holds a lone UTF-16 surrogate)");

/** A UTC calendar day `YYYY-MM-DD` that exists. */
export const dayParam = single.refine(isUtcDay, "must be a real UTC day YYYY-MM-DD (month 01–12, day within the month)");

/** A timestamp exactly as `Date#toISOString` prints it, and a real instant. */
export const timestampParam = single.pipe(isoTimestamp);

/** A decimal non-negative safe integer, no sign, no exponent, no leading "+". */
export const uintString = single
  .regex(/^\d{1,16}$/, "must be a non-negative integer")
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), "must be a safe integer");

/** A page size or count: 1–`max` (the handler applies its default when absent; an empty value is refused, never read as the default). */
export const limitParam = (max: number) => uintString.pipe(z.number().min(1, "must be at least 1").max(max, `must be at most ${max}`)).optional();

/** One of a fixed set of words. */
export const enumParam = <T extends string>(values: readonly [T, ...T[]]) =>
  single.pipe(z.enum(values as [T, ...T[]], { error: () => `must be one of ${values.join(", ")}` }));

/**
 * The object schema of a query shape, built once per shape: zod compiles a
 * schema on its first parse, and building one per request compiled it per
 * request (a fifth of a receipt's garbage).
 */
const querySchemas = new WeakMap<z.ZodRawShape, { strict?: z.ZodType; loose?: z.ZodType }>();
function querySchema(shape: z.ZodRawShape, allowUnknown: boolean): z.ZodType {
  let built = querySchemas.get(shape);
  if (!built) querySchemas.set(shape, (built = {}));
  if (allowUnknown) return (built.loose ??= z.object(shape));
  return (built.strict ??= z.strictObject(shape));
}

/**
 * Parses `query` against a schema of its parameters. Unknown parameters are
 * refused (a mistyped filter would otherwise silently widen an answer).
 */
export function parseQuery<S extends z.ZodRawShape>(shape: S, query: Record<string, unknown>, opts: { allowUnknown?: boolean } = {}): z.output<z.ZodObject<S>> {
  const r = querySchema(shape, opts.allowUnknown === true).safeParse({ ...query });
  if (r.success) return r.data as z.output<z.ZodObject<S>>;
  const issues: ParamIssue[] = [];
  for (const i of r.error.issues) {
    if (i.code === "unrecognized_keys") {
      for (const k of i.keys) issues.push(issue(k, `is not a parameter of this endpoint (it takes ${Object.keys(shape).join(", ")})`, query[k]));
      continue;
    }
    const name = String(i.path[0] ?? "(query)");
    issues.push(issue(name, i.message, query[name]));
  }
  throw paramError(issues);
}

/** Parses one parameter with a schema; `undefined` when absent and not required. */
export function param<T>(name: string, schema: z.ZodType<T>, raw: Raw, where: "query" | "path" = "query"): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw paramError([issue(name, r.error.issues[0]!.message, raw, where)]);
  return r.data;
}

/** `?proof=` of the receipt endpoints: absent, or "state" (SPEC-shaped 400 for anything else, or any other parameter). */
export const RECEIPT_QUERY = { proof: enumParam(["state"] as const).optional() };
