/**
 * What the routes answer, as zod schemas: the success bodies of the HTTP API
 * and the one error body (SPEC §5). They describe; the routes build their
 * answers themselves. test/e2e/openapi.test.ts validates real answers against
 * the document generated from these, so a schema that drifts from its route
 * fails there.
 */
import { z } from "zod";
import { exchangeRecordInput } from "../core/record.ts";
import { RECORD_SHAPE } from "../core/record-fields.ts";
import { acknowledgementInput } from "../core/ack.ts";
import { receiptSchema } from "../core/receipt.ts";
import { ERROR_STATUS } from "../core/errors.ts";
import { CHAIN_ERROR_KINDS } from "../core/chain-error.ts";

/** The one error code not in core/errors.ts: the HTTP layer's rate limit. */
export const RATE_LIMITED = { code: "RATE_LIMITED", status: 429 } as const;

const uint = z.number().int().min(0);
const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const when = z.string().describe("ISO 8601 UTC timestamp");
const status = z.enum(["pending", "anchored"]);

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum([...(Object.keys(ERROR_STATUS) as Array<keyof typeof ERROR_STATUS>), RATE_LIMITED.code]),
      message: z.string(),
      details: z.unknown().optional().describe("evidence: e.g. [{path, message}] for a body, [{parameter, in, message, value}] for a parameter"),
    }),
  })
  .describe("Every error (SPEC §5). The status of each code is in x-error-codes at the top of this document.");

/** The anchorer's own account of anchoring (services/anchor/anchorer.ts `health()`). */
export const AnchorerHealth = z.object({
  pending: uint,
  oldestPendingAgeMs: uint,
  anchoredSize: uint,
  lastCheckpoint: z.object({ index: uint, treeSize: uint, blockNumber: uint, txHash: z.string() }).nullable(),
  lostCheckpoints: uint,
  chainHead: uint.nullable(),
  chainCheckedAt: when.nullable(),
  lastError: z.object({ kind: z.enum([...CHAIN_ERROR_KINDS, "HALTED", "INTERNAL"]), message: z.string(), at: when }).nullable(),
  halted: z.object({ reason: z.string(), index: uint, local: z.unknown(), chain: z.unknown() }).nullable(),
});
/** /readyz's and /v1/info's `anchoring` (SPEC §8): the anchorer's account and the service's settings and chain account. */
export const AnchoringHealth = AnchorerHealth.extend({
  maxUnanchoredAgeMs: uint.describe("MAX_UNANCHORED_AGE_MS (0: no limit)"),
  feeProblem: z.string().nullable().describe("why the chain would refuse the anchoring account's transactions"),
  pendingTx: z.unknown().describe("the anchoring account's transaction in flight, if any"),
});

export const Health = z.object({ status: z.literal("ok") });
export const Readiness = z.object({
  status: z.enum(["ready", "not ready"]),
  checks: z.record(z.string(), z.union([z.boolean(), z.string()])),
  anchoring: AnchoringHealth,
});

const eip712Types = z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() })));
export const Info = z.object({
  chainId: z.number().int().positive(),
  contract: addr,
  logId: hex32,
  logName: z.string(),
  rpcUrl: z.string().describe("the chain endpoint an auditor can use"),
  eip712: z.object({
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int(), verifyingContract: addr }),
    types: eip712Types,
    primaryType: z.literal("Exchange"),
    acknowledgementTypes: eip712Types,
  }),
  treeSize: uint,
  anchoredSize: uint,
  anchoring: AnchoringHealth,
});

export const Checkpoint = z.object({
  logId: hex32,
  index: uint,
  treeSize: uint,
  rootHash: hex32,
  chainId: z.number().int().positive(),
  contract: addr,
  txHash: z.string(),
  blockNumber: uint,
  anchoredAt: when,
});
export const CheckpointPage = z.object({ checkpoints: z.array(Checkpoint), next: z.string().nullable().describe("the next page's path, or null") });
export const ConsistencyProof = z.object({ from: uint, to: uint, proof: z.array(hex32) });

export const ExchangeEntry = z.object({ v: z.literal(1), seq: uint, receivedAt: when, record: exchangeRecordInput });
export const AckEntry = z.object({ v: z.literal(1), seq: uint, receivedAt: when, ack: acknowledgementInput });
const appended = { seq: uint, provider: z.string(), id: z.string(), leafHash: hex32, receivedAt: when, status };
export const Appended = z.object(appended).describe("201 for a new entry; 200 with the original for an identical replay");
export const BatchAppended = z.object({ results: z.array(z.object({ ...appended, replay: z.boolean() })) });
export const AckAppended = z.object({ ...appended, exchangeSeq: uint });
export const Exchange = z.object({
  entry: z.union([ExchangeEntry, AckEntry]),
  leafHash: hex32,
  status,
  acknowledgement: z.object({ seq: uint, acknowledgedAt: when, receivedAt: when }).nullable(),
});
export const Receipt = receiptSchema.extend({
  v: z.literal(1),
  entry: z.union([ExchangeEntry, AckEntry]),
  stateProof: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("with ?proof=state: the checkpoint's storage slots proven under a confirmed block (docs/evidence.md)"),
});
export const MissingAcknowledgements = z.object({
  before: when,
  exchanges: z.array(
    z.object({
      seq: uint,
      provider: z.string(),
      consumer: z.string(),
      id: z.string(),
      dataset: z.string(),
      occurredAt: when,
      receivedAt: when,
      receipt: z.string(),
    }),
  ),
  next: z.string().nullable(),
});

/** A record's fields as the provenance view shows them: all but `dataset` (the one asked about) and `signature`. */
const exchangeViewFields = z.object(RECORD_SHAPE).omit({ dataset: true, signature: true }).shape;
const lineageEdge = z.object({ dataset: z.string(), source: z.string(), depth: uint });
/** One exchange as provenance lists it (the dataset aside). */
const exchangeItem = z.object({
  seq: uint,
  ...exchangeViewFields,
  receivedAt: when,
  leafHash: hex32,
  status,
  checkpoint: z.object({ index: uint, treeSize: uint, rootHash: hex32, txHash: z.string(), blockNumber: uint }).nullable(),
  receipt: z.string(),
  acknowledgedBySeq: uint.nullable(),
});

export const Provenance = z.object({
  dataset: z.string(),
  asOf: z.object({ treeSize: uint, anchoredSize: uint }),
  origin: z.object({ provider: z.string(), consumer: z.string(), seq: uint, id: z.string(), occurredAt: when, receivedAt: when }).nullable(),
  exchanges: z.array(exchangeItem),
  next: z.string().nullable(),
  lineage: z.object({ upstream: z.array(lineageEdge), downstream: z.array(lineageEdge), truncated: z.boolean() }),
});

/** GET /v1/departments/{id}/exchanges: provenance items with their dataset, by day of occurredAt then seq. */
export const DepartmentExchanges = z.object({
  department: z.string(),
  role: z.enum(["consumer", "provider"]),
  from: z.string(),
  to: z.string(),
  asOf: z
    .object({ treeSize: uint, anchoredSize: uint, checkpoint: uint.nullable() })
    .describe("the log size the list covers (the checkpoint's with asOf), what of it is anchored, and the checkpoint asked for"),
  exchanges: z.array(exchangeItem.extend({ dataset: z.string() })),
  next: z.string().nullable().describe("the next page's path, null at the end"),
});

const asOf = z.object({ treeSize: uint, checkpoint: uint.nullable() }).describe("the log size the figures cover, and its checkpoint when anchored");
const counts = { exchanges: uint, records: uint };
export const Usage = z.object({
  from: z.string(),
  to: z.string(),
  filters: z.record(z.string(), z.string()),
  groupBy: z.string().nullable(),
  total: z.object(counts),
  groups: z.array(z.object({ key: z.string(), ...counts })),
  asOf,
});
export const Flows = z.object({ from: z.string(), to: z.string(), flows: z.array(z.object({ provider: z.string(), consumer: z.string(), ...counts })), asOf });

export const Department = z.object({
  id: z.string(),
  name: z.string(),
  signer: addr,
  status: z.enum(["active", "revoked"]),
  registeredAt: when,
  txHash: z.string(),
  rotationNonce: uint,
  pendingRecovery: z.object({ signer: addr, executableAt: when }).nullable(),
});
export const DepartmentList = z.object({ departments: z.array(Department) });
export const DepartmentRegistered = z.object({ id: z.string(), name: z.string(), signer: addr, txHash: z.string() });
export const DepartmentRevoked = z.object({ id: z.string(), signer: addr, active: z.literal(false), txHash: z.string() });
export const SignerChanged = Department.extend({
  rotationTxHash: z.string().nullable().describe("null when no transaction was needed (the change had already landed)"),
  changedBy: z.enum(["authorization", "recovery"]),
});
export const RecoveryPending = z.object({
  id: z.string(),
  signer: addr,
  executableAt: when,
  proposalTxHash: z.string().nullable().describe("null when the recovery was proposed before (this call found it pending)"),
  status: z.literal("recovery-pending"),
});
export const RecoveryCancelled = Department.extend({ cancelledSigner: addr, cancellationTxHash: z.string() });

export const TokenCreated = z.object({
  tokenId: z.string(),
  token: z.string().describe("the secret: shown once, stored only hashed"),
  expiresAt: when.nullable(),
});
export const TokenList = z.object({
  tokens: z.array(
    z.object({
      tokenId: z.string(),
      role: z.string(),
      label: z.string(),
      createdAt: when,
      lastUsedAt: when.nullable(),
      expiresAt: when.nullable(),
      revokedAt: when.nullable(),
      status: z.enum(["active", "revoked", "expired"]),
    }),
  ),
});
export const TokenRevoked = z.object({ tokenId: z.string(), revoked: z.literal(true) });
export const WhoAmI = z.object({ role: z.string(), department: z.string().optional() });
export const ProvJson = z.record(z.string(), z.unknown()).describe("W3C PROV-JSON document");
export const Bundle = z.object({
  v: z.literal(1),
  kind: z.literal("dxledger-provenance-bundle"),
  dataset: z.string(),
  generatedAt: when,
  chainId: z.number().int(),
  contract: addr,
  logId: hex32,
  receipts: z.array(Receipt),
  pending: z.array(uint),
});
