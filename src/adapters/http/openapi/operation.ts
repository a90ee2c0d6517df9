/**
 * One operation of the HTTP API as the document describes it. Schemas are
 * the zod objects the routes validate with (request side) or the response
 * schemas of responses.ts; document.ts turns them into OpenAPI.
 */
import type { z } from "zod";

/** Who may call: "anyone" (no token), "any token", or these roles (docs/roles.md). */
export type Who = "anyone" | "any token" | ReadonlyArray<"admin" | "auditor" | "regulator" | "department">;

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

export interface Operation {
  readonly method: "get" | "post" | "put" | "delete";
  /** The OpenAPI path, `{param}` style. */
  readonly path: string;
  /** The Express route serving it when it cannot be written as `path` (a wildcard). */
  readonly expressRoute?: string;
  readonly id: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly who: Who;
  readonly pathParams?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  /** Query parameters: a zod shape (as parseQuery takes) or per-parameter schemas. */
  readonly query?: Readonly<Record<string, z.ZodType>>;
  readonly queryDocs?: Readonly<Record<string, string>>;
  readonly body?: { readonly schema: z.ZodType; readonly description?: string };
  readonly ok: readonly Success[];
  /** Error statuses beyond the ones document.ts adds from the operation's shape (400, 401/403, 413/415, 429, 503). */
  readonly errors?: readonly number[];
}
