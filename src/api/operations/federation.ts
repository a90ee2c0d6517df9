/** The federation directory (issue 12): GET /v1/federation and what it answers. */
import { z } from "zod";
import { uintString } from "../params.ts";
import type { Operation } from "../operation.ts";

const uint = z.number().int().min(0);
const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

/** One log of GET /v1/federation. */
export const FederationLog = z.object({
  logId: hex32,
  name: z.string().describe("the LOG_NAME its id is derived from (empty if never set on chain)"),
  url: z.string().describe("its gateway's public URL, from the chain (empty if never set)"),
  operator: z.string().describe("the operating department's id (empty if none)"),
  anchorer: addr.describe("the account bound to anchor it"),
  self: z.boolean().describe("true for the log this gateway keeps"),
  latestCheckpoint: z.object({ index: uint, treeSize: uint, rootHash: hex32, blockNumber: uint, anchoredAt: z.string() }).nullable().describe("from the chain"),
  health: z.object({
    reachable: z.boolean(),
    ready: z.boolean().describe("its GET /readyz answered 200"),
    anchoring: z.looseObject({ pending: uint, oldestPendingAgeMs: uint }).nullable().describe("the gateway's own word (its /v1/info `anchoring`)"),
    logId: hex32.nullable().describe("the log id its /v1/info names"),
    error: z.string().nullable(),
  }),
  stale: z.boolean().describe("unreachable, serving another log, or pending entries older than staleAfterS with no checkpoint on chain newer than that"),
  staleReason: z.string().nullable(),
});

export const Federation = z.object({
  chainId: z.number().int().positive(),
  contract: addr,
  selfLogId: hex32,
  logCount: uint,
  staleAfterS: uint,
  checkedAt: z.string().describe("when the chain was read and the gateways asked (the answer may be reused for 2 s)"),
  logs: z.array(FederationLog),
});

/** Query of GET /v1/federation. */
export const FEDERATION_QUERY = {
  staleAfterS: uintString.pipe(z.number().int().min(1, "must be at least 1").max(31_536_000, "must be at most a year (31536000)")).optional(),
};

export const FEDERATION_OPERATIONS = [
  {
    method: "get",
    path: "/v1/federation",
    id: "federation",
    tag: "federation",
    summary: "Every log on the ledger: its gateway, latest checkpoint on chain and health",
    who: "anyone",
    description:
      "The directory is the chain's (ExchangeLedger.logCount/logAt/logInfo); each gateway is asked GET /readyz and GET /v1/info in parallel with a 2 s timeout, so a dead or slow gateway is reported, never waited for.",
    query: FEDERATION_QUERY,
    queryDocs: { staleAfterS: "seconds after which pending entries with no newer checkpoint on chain make a log stale (default 3600)" },
    ok: [{ status: 200, description: "the federation", schema: Federation }],
  },
] as const satisfies readonly Operation[];
