/**
 * One operation of the HTTP API, declared once: method and path, who may
 * call it, the zod schemas of its path parameters, query, body and answers,
 * and the error statuses it adds. Everything else is derived from the
 * declaration:
 * - the route: `adapters/http/mount.ts` checks the role, parses the path and
 *   query with these schemas (SPEC §5 error shape) and hands the handler
 *   typed values;
 * - the OpenAPI document (`adapters/http/openapi/document.ts`);
 * - the HTTP reference table of docs/http-api.md (`scripts/http-reference.ts`);
 * - the answer types the client, the hub and the console read (`api/index.ts`).
 *
 * This module is pure (zod and core only) so that all of them may import it.
 */
import type { z } from "zod";

/** A role kind: a `department:<id>` token is of kind "department". */
export type RoleKind = "admin" | "auditor" | "regulator" | "department";

/** Who may call: "anyone" (no token), "any token", or these roles (docs/roles.md). */
export type Who = "anyone" | "any token" | readonly RoleKind[];

export interface Success {
  readonly status: number;
  readonly description: string;
  /** JSON body; undefined for a non-JSON body (see `media`). */
  readonly schema?: z.ZodType;
  /** Other media types this answer may take (e.g. text/csv with ?format=csv). */
  readonly media?: Readonly<Record<string, { readonly description?: string }>>;
  /** Response headers this answer carries, by name: what each says. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PathParam {
  readonly schema: z.ZodType;
  readonly description: string;
}

export interface Operation {
  readonly method: "get" | "post" | "put" | "delete";
  /** The OpenAPI path, `{param}` style; the route is the same path with `:param`. */
  readonly path: string;
  /** The Express route serving it when it cannot be written as `path` (a wildcard); its handler reads the path itself. */
  readonly expressRoute?: string;
  readonly id: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly who: Who;
  /** Path parameters, parsed before the handler runs (400 BAD_REQUEST naming the parameter). */
  readonly pathParams?: Readonly<Record<string, PathParam>>;
  /** Query parameters as a zod shape, parsed before the handler runs (400 VALIDATION_FAILED; an unknown parameter is refused). */
  readonly query?: z.ZodRawShape;
  readonly queryDocs?: Readonly<Record<string, string>>;
  /** The JSON body. The handler parses it (a record's signature check needs its precise errors), with this schema or a stricter one. */
  readonly body?: { readonly schema: z.ZodType; readonly description?: string };
  readonly ok: readonly Success[];
  /** Error statuses beyond the ones derived from the operation's shape (400, 401/403/422, 413/415, 429, 500, 503). */
  readonly errors?: readonly number[];
}

/** The tags operations are grouped by, in the order the document and the reference list them. */
export const TAGS = ["health", "log", "exchanges", "provenance", "statistics", "departments", "tokens", "federation", "meta"] as const;

/**
 * Error statuses an operation can answer: from its shape (a token → 401, 403,
 * 422; parameters or a body → 400; a body → 413, 415; always 429, 500, 503)
 * and its own list.
 */
export function errorStatuses(op: Operation): number[] {
  const s = new Set<number>([429, 500, 503, ...(op.errors ?? [])]);
  if (op.who !== "anyone") [401, 403, 422].forEach((x) => s.add(x));
  if (op.query || op.pathParams || op.body) s.add(400);
  if (op.body) [413, 415].forEach((x) => s.add(x));
  return [...s].sort((a, b) => a - b);
}

/** The typed values a handler receives, from the operation's schemas. */
export type ParamsOf<O extends Operation> = O extends { expressRoute: string }
  ? Record<string, never> // a wildcard route: its handler reads the path itself
  : O extends { pathParams: infer P extends Record<string, PathParam> }
    ? { readonly [K in keyof P]: z.output<P[K]["schema"]> }
    : Record<string, never>;
export type QueryOf<O extends Operation> = O extends { query: infer Q extends z.ZodRawShape } ? z.output<z.ZodObject<Q>> : Record<string, never>;
export type BodyOf<O extends Operation> = O extends { body: { schema: infer B extends z.ZodType } } ? z.output<B> : undefined;
/** The operation's JSON success schemas' type, as a client reads it. */
export type AnswerOf<O extends Operation> = O["ok"][number] extends infer S ? (S extends { schema: infer A extends z.ZodType } ? z.output<A> : never) : never;
/** What a handler may return for it: the same shape, with string and boolean literals widened and arrays read-only. */
export type Answerable<T> = T extends string
  ? string
  : T extends boolean
    ? boolean
    : T extends ReadonlyArray<infer E>
      ? ReadonlyArray<Answerable<E>>
      : T extends object
        ? string extends keyof T
          ? object
          : { readonly [K in keyof T]: Answerable<T[K]> }
        : T;
