/**
 * The HTTP reference of docs/http-api.md, generated from the declared
 * operations (src/api): for each operation, grouped by tag, its method and
 * path, who may call it, what it does, its query parameters and body, its
 * answers and its error statuses. `node scripts/http-reference.ts` prints it;
 * `--write` replaces the block between the markers in docs/http-api.md
 * (`npm run docs:http`); `--check` exits 1 when that block differs.
 * test/quality/http-reference.test.ts fails on the same drift.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { acknowledgementInput } from "../src/core/ack.ts";
import { exchangeRecordInput } from "../src/core/record.ts";
import { OPERATIONS } from "../src/api/index.ts";
import type { Operation, Success } from "../src/api/operation.ts";
import { batchBody } from "../src/api/operations/log.ts";
import { cancelRecovery, newDepartment, newToken, putSigner } from "../src/api/operations/admin.ts";
import { Federation } from "../src/api/operations/federation.ts";
import * as Responses from "../src/api/responses.ts";

export const BEGIN = "<!-- http-reference:start -->";
export const END = "<!-- http-reference:end -->";

/** The document that holds the reference. */
export const HTTP_DOC = join(import.meta.dirname, "..", "docs", "http-api.md");

/** The tags in the OpenAPI document's order (adapters/http/openapi/document.ts). */
export const TAGS = ["health", "log", "exchanges", "provenance", "statistics", "departments", "tokens", "federation", "meta"] as const;

/** Bodies by the name of their OpenAPI component. */
const BODIES = new Map<z.ZodType, string>(
  Object.entries({
    ExchangeRecordInput: exchangeRecordInput,
    AcknowledgementInput: acknowledgementInput,
    BatchInput: batchBody,
    NewDepartment: newDepartment,
    NewToken: newToken,
    PutSigner: putSigner,
    CancelRecovery: cancelRecovery,
  }).map(([name, s]) => [s, name]),
);
/** Answers by name: the response schemas of src/api/responses.ts, and the federation's. */
const ANSWERS = new Map<unknown, string>(
  Object.entries({ ...Responses, Federation })
    .filter(([name]) => name !== "RATE_LIMITED")
    .map(([name, s]) => [s, name]),
);

/** Error statuses an operation can answer: the rule of the OpenAPI document (its shape, then its own list). */
export function errorStatuses(op: Operation): number[] {
  const s = new Set<number>([429, 500, 503, ...(op.errors ?? [])]);
  if (op.who !== "anyone") [401, 403, 422].forEach((x) => s.add(x));
  if (op.query || op.pathParams || op.body) s.add(400);
  if (op.body) [413, 415].forEach((x) => s.add(x));
  return [...s].sort((a, b) => a - b);
}

/** A zod schema is required when it refuses an absent value. */
function required(s: z.ZodType): boolean {
  try {
    return !s.safeParse(undefined).success;
  } catch {
    return true;
  }
}

/** One table cell: no line break, no bare pipe. */
const cell = (text: string): string => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
const code = (text: string): string => `\`${text}\``;

/** The `METHOD path` an operation is named by, here and in test/quality/http-reference.test.ts. */
export const signature = (op: Operation): string => `${op.method.toUpperCase()} ${op.path}`;

function who(op: Operation): string {
  return typeof op.who === "string" ? op.who : op.who.join(", ");
}

function query(op: Operation): string {
  const params = Object.entries(op.query ?? {}).map(([name, s]) => {
    const doc = op.queryDocs?.[name];
    return `${code(name)}${required(s as z.ZodType) ? " (required)" : ""}${doc ? `: ${doc}` : ""}`;
  });
  return params.length ? params.join("; ") : "—";
}

function body(op: Operation): string {
  if (!op.body) return "—";
  const name = BODIES.get(op.body.schema);
  return `${name ? code(name) : "JSON body"}${op.body.description ? `: ${op.body.description}` : ""}`;
}

/** The name of an answer's JSON schema: a response component, a union of them, or plain "JSON". */
function answerName(schema: z.ZodType): string {
  const named = ANSWERS.get(schema);
  if (named) return code(named);
  const options = (schema as { options?: unknown }).options;
  if (Array.isArray(options) && options.length && options.every((o) => ANSWERS.has(o))) return options.map((o) => code(ANSWERS.get(o)!)).join(" or ");
  return "JSON";
}

function answer(ok: Success): string {
  const kinds = [...(ok.schema ? [answerName(ok.schema)] : []), ...Object.keys(ok.media ?? {}).map(code)];
  const headers = Object.keys(ok.headers ?? {});
  return `${String(ok.status)} ${kinds.join(" or ")}: ${ok.description}${headers.length ? ` (headers ${headers.map(code).join(", ")})` : ""}`;
}

function row(op: Operation): string {
  const what = op.description ? `${op.summary}. ${op.description}` : op.summary;
  const cells = [code(signature(op)), who(op), what, query(op), body(op), op.ok.map(answer).join("; "), errorStatuses(op).join(", ")];
  return `| ${cells.map(cell).join(" | ")} |`;
}

/** The reference, one table per tag in TAGS order, operations in their declared order. */
export function httpReference(ops: readonly Operation[] = OPERATIONS): string {
  const stray = ops.filter((op) => !(TAGS as readonly string[]).includes(op.tag));
  if (stray.length) throw new Error(`operations with a tag not in TAGS: ${stray.map((op) => `${op.id} (${op.tag})`).join(", ")}`);
  const out = ["<!-- generated by `npm run docs:http` (scripts/http-reference.ts) from the declarations in src/api; do not edit -->"];
  for (const tag of TAGS) {
    const mine = ops.filter((op) => op.tag === tag);
    if (!mine.length) continue;
    out.push("", `### ${tag}`, "", "| operation | who | what | query | body | answers | errors |", "|---|---|---|---|---|---|---|", ...mine.map(row));
  }
  return out.join("\n");
}

/** The generated block of a document's text (between the markers, trimmed), or undefined without the markers. */
export function generatedBlock(md: string): string | undefined {
  const a = md.indexOf(BEGIN);
  const b = md.indexOf(END);
  return a < 0 || b < a ? undefined : md.slice(a + BEGIN.length, b).trim();
}

if (import.meta.main) {
  const reference = httpReference();
  if (process.argv.includes("--write")) {
    const md = readFileSync(HTTP_DOC, "utf8");
    const a = md.indexOf(BEGIN);
    const b = md.indexOf(END);
    if (a < 0 || b < a) throw new Error(`docs/http-api.md has no ${BEGIN} … ${END} section`);
    writeFileSync(HTTP_DOC, `${md.slice(0, a + BEGIN.length)}\n${reference}\n${md.slice(b)}`);
    process.stdout.write("docs/http-api.md: HTTP reference written\n");
  } else if (process.argv.includes("--check")) {
    const block = generatedBlock(readFileSync(HTTP_DOC, "utf8"));
    if (block !== reference) {
      process.stderr.write(
        block === undefined
          ? `docs/http-api.md has no ${BEGIN} … ${END} section\n`
          : "docs/http-api.md: the HTTP reference differs from the declarations in src/api; regenerate it with `npm run docs:http`\n",
      );
      process.exit(1);
    }
    process.stdout.write("docs/http-api.md: HTTP reference up to date\n");
  } else {
    process.stdout.write(`${reference}\n`);
  }
}
