/**
 * The shapes of the API answers the console reads: the declared response
 * schemas' types (src/api), never a copy.
 */
import type { OPS } from "../../src/api/index.ts";

export type {
  AnchoringHealth,
  Checkpoint,
  ExchangeItem,
  Federation,
  FederationLog,
  Flow,
  Flows as FlowsAnswer,
  Group,
  Info,
  LineageEdge,
  MissingAck,
  Provenance,
  Usage as UsageAnswer,
} from "../../src/api/index.ts";

/** A token's kind of role (`department:<id>` is "department"). */
export type Kind = "admin" | "auditor" | "regulator" | "department";

/** GET /v1/whoami, with the role narrowed to a kind. */
export interface Whoami {
  readonly role: Kind;
  readonly department?: string;
}

// Who may call what, as declared (src/api): the compiler holds each list to its operation's.
const STATS: (typeof OPS)["usage"]["who"] = ["admin", "auditor", "regulator"];
const PROVENANCE: (typeof OPS)["provenance"]["who"] = ["admin", "auditor", "department"];
const MISSING_ACKS: (typeof OPS)["missingAcknowledgements"]["who"] = ["admin", "auditor"];
const allowed = (who: readonly Kind[]) => (k: Kind | undefined) => k !== undefined && who.includes(k);

/** What each kind of token may open (docs/roles.md). */
export const may = {
  stats: allowed(STATS),
  provenance: allowed(PROVENANCE),
  missingAcks: allowed(MISSING_ACKS),
};
