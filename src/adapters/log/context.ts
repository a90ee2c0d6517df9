/**
 * The request a piece of work belongs to, carried by AsyncLocalStorage: the
 * request-id middleware enters it, the log adapter adds its id to every line
 * written inside it (services log without knowing of requests).
 *
 * Contract: work that outlives a request or serves many (the appender's
 * group commit, anchoring set off by a commit) MUST be started through
 * `outsideRequest`, or its lines would carry the id of whichever request
 * happened to start it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  readonly requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `f` in no request's context. */
export function outsideRequest<T>(f: () => T): T {
  return requestContext.exit(f);
}
