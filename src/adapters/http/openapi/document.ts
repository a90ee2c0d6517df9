/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the declared
 * operations (api/) and their zod schemas (json-schema.ts). Built once per
 * process; the same object every time. Every route is mounted from one of
 * these operations (mount.ts), so the document and the routes cannot part.
 */
import { z } from "zod";
import { ERROR_STATUS } from "../../../core/errors.ts";
import { toComponents, toJsonSchema, type Io, type JsonSchema } from "./json-schema.ts";
import { TAGS, errorStatuses, type Operation } from "../../../api/operation.ts";
import { INPUT_SCHEMAS, OPERATIONS as DECLARED, OUTPUT_SCHEMAS } from "../../../api/index.ts";
import { RATE_LIMITED } from "../../../api/responses.ts";

const OPERATIONS: readonly Operation[] = DECLARED;

const ERROR_CODES: Record<string, number> = { ...ERROR_STATUS, [RATE_LIMITED.code]: RATE_LIMITED.status };
const codesAt = (status: number) =>
  Object.entries(ERROR_CODES)
    .filter(([, s]) => s === status)
    .map(([c]) => c);

const whoText = (op: Operation) => (typeof op.who === "string" ? op.who : op.who.join(", "));
const required = (s: z.core.$ZodType) => !z.safeParse(s, undefined).success;

/** A schema by reference when it is a named component (per side), else inline. */
type Ref = (s: z.ZodType, io: Io) => JsonSchema;
function componentRefs(): Ref {
  const names = new Map<z.ZodType, Record<Io, string | undefined>>();
  for (const [io, table] of [
    ["input", INPUT_SCHEMAS],
    ["output", OUTPUT_SCHEMAS],
  ] as const) {
    for (const [name, s] of Object.entries(table)) names.set(s, { ...(names.get(s) ?? { input: undefined, output: undefined }), [io]: name });
  }
  return (s, io) => {
    const name = names.get(s)?.[io];
    return name ? { $ref: `#/components/schemas/${name}` } : toJsonSchema(s, io);
  };
}

function parametersOf(op: Operation): unknown[] {
  return [
    ...Object.entries(op.pathParams ?? {}).map(([name, p]) => ({
      name,
      in: "path",
      required: true,
      description: p.description,
      schema: toJsonSchema(p.schema, "input"),
    })),
    ...Object.entries(op.query ?? {}).map(([name, s]) => ({
      name,
      in: "query",
      required: required(s),
      schema: toJsonSchema(s, "input"),
      ...(op.queryDocs?.[name] ? { description: op.queryDocs[name] } : {}),
    })),
  ];
}

function responsesOf(op: Operation, ref: Ref): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const ok of op.ok) {
    const content: Record<string, unknown> = {};
    if (ok.schema) content["application/json"] = { schema: ref(ok.schema, "output") };
    for (const [type, m] of Object.entries(ok.media ?? {}))
      content[type] = { schema: { type: "string", ...(m.description ? { description: m.description } : {}) } };
    const headers: Record<string, unknown> = {};
    for (const [name, description] of Object.entries(ok.headers ?? {})) headers[name] = { description, schema: { type: "string" } };
    responses[String(ok.status)] = { description: ok.description, ...(ok.headers ? { headers } : {}), content };
  }
  for (const st of errorStatuses(op)) responses[String(st)] = { $ref: `#/components/responses/Error${st}` };
  return responses;
}

function operationObject(op: Operation, ref: Ref): Record<string, unknown> {
  const parameters = parametersOf(op);
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    description: [`**Who:** ${whoText(op)}.`, op.description].filter(Boolean).join("\n\n"),
    "x-roles": typeof op.who === "string" ? [op.who] : [...op.who],
    ...(op.expressRoute ? { "x-express-route": op.expressRoute } : {}),
    security: op.who === "anyone" ? [] : [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, description: op.body.description, content: { "application/json": { schema: ref(op.body.schema, "input") } } } }
      : {}),
    responses: responsesOf(op, ref),
  };
}

/** One shared response per error status, naming the codes it may carry. */
function errorResponses(): Record<string, unknown> {
  const statuses = [...new Set(OPERATIONS.flatMap(errorStatuses))].sort((a, b) => a - b);
  const retry = { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer" } } };
  return Object.fromEntries(
    statuses.map((st) => [
      `Error${st}`,
      {
        description: `Error; code ${codesAt(st).join(" | ")}`,
        ...(st === 429 || st === 503 ? { headers: retry } : {}),
        content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
      },
    ]),
  );
}

function build(): Record<string, unknown> {
  const ref = componentRefs();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, ref);
  return {
    openapi: "3.1.0",
    info: {
      title: "dxledger HTTP API",
      version: "1",
      description:
        "An audit ledger for data exchanged between departments (specification: docs/spec.md §5, §8). Generated from the declared operations (src/api) and the zod schemas the routes validate with. Roles: docs/roles.md; each operation's `x-roles` names who may call it.",
    },
    servers: [{ url: "/" }],
    tags: TAGS.map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...toComponents(OUTPUT_SCHEMAS, "output"), ...toComponents(INPUT_SCHEMAS, "input") },
      responses: errorResponses(),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "a token with one role: admin, auditor, regulator or department:<id> (POST /v1/tokens)" },
      },
    },
    "x-error-codes": ERROR_CODES,
  };
}

let built: Record<string, unknown> | undefined;

/** The document (built on first use; callers MUST NOT change it). */
export function openApiDocument(): Record<string, unknown> {
  return (built ??= build());
}
