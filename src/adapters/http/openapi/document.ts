/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the declared
 * operations (api/) and their zod schemas (json-schema.ts). Built once per
 * process; the same object every time. Every route is mounted from one of
 * these operations (mount.ts), so the document and the routes cannot part.
 */
import { z } from "zod";
import { acknowledgementInput } from "../../../core/ack.ts";
import { exchangeRecordInput } from "../../../core/record.ts";
import { ERROR_STATUS } from "../../../core/errors.ts";
import { toComponents, toJsonSchema, type Io, type JsonSchema } from "./json-schema.ts";
import type { Operation } from "../../../api/operation.ts";
import { batchBody } from "../../../api/operations/log.ts";
import { cancelRecovery, newDepartment, newToken, putSigner } from "../../../api/operations/admin.ts";
import { OPERATIONS as DECLARED } from "../../../api/index.ts";
import * as Responses from "../../../api/responses.ts";

const OPERATIONS: readonly Operation[] = DECLARED;
const { RATE_LIMITED, ...R } = Responses;

/** Request-side components (what a client may send). */
const INPUTS = {
  ExchangeRecordInput: exchangeRecordInput,
  AcknowledgementInput: acknowledgementInput,
  BatchInput: batchBody,
  NewDepartment: newDepartment,
  NewToken: newToken,
  PutSigner: putSigner,
  CancelRecovery: cancelRecovery,
};
/** Response-side components (what the service answers). */
const OUTPUTS: Record<string, z.ZodType> = { ...(R as Record<string, z.ZodType>), ExchangeRecord: exchangeRecordInput, Acknowledgement: acknowledgementInput };

const ERROR_CODES: Record<string, number> = { ...ERROR_STATUS, [RATE_LIMITED.code]: RATE_LIMITED.status };
const codesAt = (status: number) =>
  Object.entries(ERROR_CODES)
    .filter(([, s]) => s === status)
    .map(([c]) => c);

/** Error statuses an operation can answer, from its shape and its own list. */
function errorStatuses(op: Operation): number[] {
  const s = new Set<number>([429, 500, 503, ...(op.errors ?? [])]);
  if (op.who !== "anyone") [401, 403, 422].forEach((x) => s.add(x));
  if (op.query || op.pathParams || op.body) s.add(400);
  if (op.body) [413, 415].forEach((x) => s.add(x));
  return [...s].sort((a, b) => a - b);
}

const whoText = (op: Operation) => (typeof op.who === "string" ? op.who : op.who.join(", "));

// eslint-disable-next-line complexity, max-lines-per-function -- the OpenAPI document assembled in one place; derived from declared operations by issue 19 item 1
function build(): Record<string, unknown> {
  const components = { input: toComponents(INPUTS, "input"), output: toComponents(OUTPUTS, "output") };
  const names = new Map<z.ZodType, Record<Io, string | undefined>>();
  for (const [io, table] of [
    ["input", INPUTS],
    ["output", OUTPUTS],
  ] as const) {
    for (const [name, s] of Object.entries(table)) names.set(s, { ...(names.get(s) ?? { input: undefined, output: undefined }), [io]: name });
  }
  const ref = (s: z.ZodType, io: Io): JsonSchema => {
    const name = names.get(s)?.[io];
    return name ? { $ref: `#/components/schemas/${name}` } : toJsonSchema(s, io);
  };
  const required = (s: z.core.$ZodType) => !z.safeParse(s, undefined).success;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
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
    const roles = typeof op.who === "string" ? [op.who] : [...op.who];
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.id,
      tags: [op.tag],
      summary: op.summary,
      description: [`**Who:** ${whoText(op)}.`, op.description].filter(Boolean).join("\n\n"),
      "x-roles": roles,
      ...(op.expressRoute ? { "x-express-route": op.expressRoute } : {}),
      security: op.who === "anyone" ? [] : [{ bearer: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, description: op.body.description, content: { "application/json": { schema: ref(op.body.schema, "input") } } } }
        : {}),
      responses,
    };
  }

  const statuses = [...new Set(OPERATIONS.flatMap(errorStatuses))].sort((a, b) => a - b);
  const retry = { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer" } } };
  return {
    openapi: "3.1.0",
    info: {
      title: "dxledger HTTP API",
      version: "1",
      description:
        "An audit ledger for data exchanged between departments (specification: docs/spec.md §5, §8). Generated from the zod schemas the routes validate with. Roles: docs/roles.md; each operation's `x-roles` names who may call it.",
    },
    servers: [{ url: "/" }],
    tags: ["health", "log", "exchanges", "provenance", "statistics", "departments", "tokens", "federation", "meta"].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...components.output, ...components.input },
      responses: Object.fromEntries(
        statuses.map((st) => [
          `Error${st}`,
          {
            description: `Error; code ${codesAt(st).join(" | ")}`,
            ...(st === 429 || st === 503 ? { headers: retry } : {}),
            content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
          },
        ]),
      ),
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
