/**
 * The HTTP API, declared once (api/operation.ts): every operation by id, and
 * the answer types derived from the response schemas. Pure: the service, the
 * hub, the client and the console import it.
 */
import type { z } from "zod";
import { LEDGER_OPERATIONS } from "./operations/log.ts";
import { ADMIN_OPERATIONS } from "./operations/admin.ts";
import { FEDERATION_OPERATIONS, type Federation as FederationSchema, type FederationLog as FederationLogSchema } from "./operations/federation.ts";
import { META_OPERATIONS } from "./operations/meta.ts";
import * as Responses from "./responses.ts";
import type * as R from "./responses.ts";
import { acknowledgementInput } from "../core/ack.ts";
import { exchangeRecordInput } from "../core/record.ts";
import { batchBody } from "./operations/log.ts";
import { cancelRecovery, newDepartment, newToken, putSigner } from "./operations/admin.ts";
import { Federation as FederationAnswer } from "./operations/federation.ts";

export const OPERATIONS = [...LEDGER_OPERATIONS, ...ADMIN_OPERATIONS, ...FEDERATION_OPERATIONS, ...META_OPERATIONS] as const;

type AnyOperation = (typeof OPERATIONS)[number];
export type OperationId = AnyOperation["id"];

/** Every operation by its id: `OPS.getReceipt`. */
export const OPS = Object.freeze(Object.fromEntries(OPERATIONS.map((o) => [o.id, o]))) as { readonly [I in OperationId]: Extract<AnyOperation, { id: I }> };

/** The request bodies by the name the OpenAPI document gives them (components). */
export const INPUT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ExchangeRecordInput: exchangeRecordInput,
  AcknowledgementInput: acknowledgementInput,
  BatchInput: batchBody,
  NewDepartment: newDepartment,
  NewToken: newToken,
  PutSigner: putSigner,
  CancelRecovery: cancelRecovery,
};
const { RATE_LIMITED: _notASchema, ...answers } = Responses;
/** The answers by name: the response schemas, the federation's, and the record and acknowledgement as entries hold them. */
export const OUTPUT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ...answers,
  Federation: FederationAnswer,
  ExchangeRecord: exchangeRecordInput,
  Acknowledgement: acknowledgementInput,
};

// The answers, as a client reads them (the response schemas' output types).
export type AnchoringHealth = z.output<typeof R.AnchoringHealth>;
export type Readiness = z.output<typeof R.Readiness>;
export type Info = z.output<typeof R.Info>;
export type Checkpoint = z.output<typeof R.Checkpoint>;
export type CheckpointPage = z.output<typeof R.CheckpointPage>;
export type Appended = z.output<typeof R.Appended>;
export type BatchAppended = z.output<typeof R.BatchAppended>;
export type WhoAmI = z.output<typeof R.WhoAmI>;
export type Usage = z.output<typeof R.Usage>;
export type Flows = z.output<typeof R.Flows>;
export type Federation = z.output<typeof FederationSchema>;
export type FederationLog = z.output<typeof FederationLogSchema>;
export type ErrorBody = z.output<typeof R.ErrorBody>;
export type Provenance = z.output<typeof R.Provenance>;
export type ExchangeItem = Provenance["exchanges"][number];
export type LineageEdge = Provenance["lineage"]["upstream"][number];
export type MissingAcknowledgements = z.output<typeof R.MissingAcknowledgements>;
export type MissingAck = MissingAcknowledgements["exchanges"][number];
export type Group = Usage["groups"][number];
export type Flow = Flows["flows"][number];
export type DepartmentExchanges = z.output<typeof R.DepartmentExchanges>;
