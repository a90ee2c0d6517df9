/**
 * Whose token the hub shows a gateway for record-level reads (provenance,
 * a department's exchanges).
 *
 * Rule: the hub MUST NOT lend its own gateway tokens' reach to a department.
 * An auditor of the hub reads with the hub's gateway token (an auditor token
 * each gateway's admin issued to the hub). A department reads with its OWN
 * token for each gateway (header X-Gateway-Tokens), so the gateway itself
 * decides what it sees, exactly as if asked directly; the hub first asks the
 * gateway's /v1/whoami that the token is that department's. A gateway for
 * which the department brought no token is `missing` (NO_TOKEN), not empty.
 */
import { GatewayFailure, okBody, type AskContext } from "./gather.ts";
import type { TokenFor } from "./stats.ts";

import type { Reader } from "../ports.ts";

export type { Reader } from "../ports.ts";

/** The token to read record-level data of `c.log` with, for `reader`. */
export async function readToken(c: AskContext, reader: Reader, hubToken: TokenFor): Promise<string> {
  if (reader.kind === "hub") {
    const t = hubToken(c.log);
    if (!t) throw new GatewayFailure("missing", "NO_TOKEN", "the hub holds no token for this gateway (HUB_GATEWAY_TOKENS)");
    return t;
  }
  const t = reader.tokens.get(c.log.name) ?? reader.tokens.get(c.log.url);
  if (!t) throw new GatewayFailure("missing", "NO_TOKEN", "X-Gateway-Tokens holds no token for this gateway (by log name or URL)");
  if (reader.department === undefined) return t;
  const who = await c.get("/v1/whoami", t);
  if (who.status === 401 || who.status === 403 || who.status === 422) {
    const code = (who.body as { error?: { code?: string } } | null | undefined)?.error?.code ?? String(who.status);
    throw new GatewayFailure("missing", "TOKEN_REFUSED", `the gateway refused the department's token (${who.status} ${code})`);
  }
  const me = okBody(who, "GET /v1/whoami") as { role?: string; department?: string };
  if (me.role !== "department" || me.department !== reader.department) {
    throw new GatewayFailure("missing", "TOKEN_REFUSED", `the token given for this gateway is not department ${reader.department}'s`);
  }
  return t;
}
