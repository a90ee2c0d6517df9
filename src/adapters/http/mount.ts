/**
 * Mounts a declared operation (api/operation.ts) on a router: the one place
 * where a declaration becomes a route.
 *
 * Order, for every operation (each MUST come before the next):
 *   the role check from `op.who` (before any body byte is read)
 *   → the operation's own middleware (`before`: write gate, body parser)
 *   → path parameters (400 BAD_REQUEST)
 *   → the operation's own check of who may act on this resource (`authorize`:
 *     another department's exchanges or key is 403 whatever the query or body)
 *   → query (400 VALIDATION_FAILED,
 *     unknown parameters refused) and body (400 VALIDATION_FAILED) parsed
 *     with the declared schemas
 *   → the handler, which receives typed values and returns the JSON answer
 *     (or answers itself and returns undefined: CSV, files, 304).
 * The status is 200 unless the handler sets another (`res.status(201)`).
 */
import type { Request, RequestHandler, Response, Router } from "express";
import { LedgerError } from "../../core/errors.ts";
import type { Principal } from "../../core/roles.ts";
import type { AnswerOf, Answerable, BodyOf, Operation, ParamsOf, QueryOf } from "../../api/operation.ts";
import { parseBody } from "../../api/body.ts";
import { param, parseQuery } from "../../api/params.ts";
import type { TokenAdmin } from "../../ports/api/tokens.ts";
import { requireRole } from "./auth.ts";

/**
 * What a handler is given. `principal` is the caller, checked against `op.who` (undefined for
 * "anyone" without a token, and with `roleCheck: false`); `body` is undefined with `rawBody`.
 */
export interface Call<O extends Operation> {
  readonly req: Request;
  readonly res: Response;
  readonly params: ParamsOf<O>;
  readonly query: QueryOf<O>;
  /** The body parsed with `op.body.schema` (400 VALIDATION_FAILED); undefined with `rawBody`, where the handler parses it. */
  readonly body: BodyOf<O>;
  readonly principal: O["who"] extends "anyone" ? Principal | undefined : Principal;
}

type Answer<O extends Operation> = Answerable<AnswerOf<O>> | undefined;
export type Handler<O extends Operation> = (call: Call<O>) => Answer<O> | Promise<Answer<O>>;

export interface MountOptions<O extends Operation = Operation> {
  /** Who may act on this resource (e.g. only the department itself): after the path, before the query and body are read. */
  readonly authorize?: (call: Pick<Call<O>, "params" | "principal">) => void;
  /** Middleware between the role check and parsing (write gate, body parser), in order. */
  readonly before?: readonly RequestHandler[];
  /** True: the handler parses the body itself (records and acknowledgements: intake's precise errors, then signatures). */
  readonly rawBody?: boolean;
  /** False: the handler authorizes the caller itself (GET /metrics also takes the scrape token). */
  readonly roleCheck?: boolean;
}

/** `/v1/exchanges/{provider}/{id}` → `/v1/exchanges/:provider/:id`. */
export const expressPath = (op: Operation): string => op.expressRoute ?? op.path.replace(/\{(\w+)\}/g, ":$1");

function roleCheck(op: Operation, tokens: TokenAdmin): RequestHandler[] {
  if (op.who === "anyone") return [];
  return [op.who === "any token" ? requireRole(tokens) : requireRole(tokens, ...op.who)];
}

function parsedParams(op: Operation, req: Request): Record<string, unknown> {
  if (!op.pathParams || op.expressRoute) return {};
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(op.pathParams)) out[name] = param(name, p.schema, (req.params as Record<string, unknown>)[name], "path");
  return out;
}

/** A declared JSON body: any other media type is 415, whatever the parser skipped. */
export function jsonBody(req: Request): unknown {
  if (!req.is("application/json")) throw new LedgerError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  return req.body;
}

/** Mounts `op` on `r` with `handler` (see the order above). */
export function mount<O extends Operation>(r: Router, tokens: TokenAdmin, op: O, handler: Handler<O>, opts: MountOptions<O> = {}): void {
  const run: RequestHandler = async (req, res) => {
    const params = parsedParams(op, req) as ParamsOf<O>;
    const principal = res.locals.principal as Call<O>["principal"];
    opts.authorize?.({ params, principal });
    const query = (op.query ? parseQuery(op.query, req.query as Record<string, unknown>) : {}) as QueryOf<O>;
    const body = (op.body && !opts.rawBody ? parseBody(op.body.schema, jsonBody(req)) : undefined) as BodyOf<O>;
    const answer = await handler({ req, res, params, query, body, principal });
    if (answer !== undefined) res.json(answer);
  };
  const guard = opts.roleCheck === false ? [] : roleCheck(op, tokens);
  r[op.method](expressPath(op), ...guard, ...(opts.before ?? []), run);
}
