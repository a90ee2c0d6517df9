/**
 * What the HTTP layer asks of the write and read sides of the log: intake
 * (schema and signature), the appender, the reader (entries, receipts,
 * proofs) and the anchorer's state (SPEC §2–§5).
 */
import type { Acknowledgement, LogEntry } from "../../core/ack.ts";
import type { z } from "zod";
import type { AnchorerHealth } from "../../api/responses.ts";
import type { Hex } from "../../core/hex.ts";
import type { ExchangeRecord } from "../../core/record.ts";
import type { Receipt, ReceiptOptions } from "../receipts.ts";
import type { Checkpoint } from "../store.ts";

export interface AppendResult {
  readonly seq: number;
  readonly provider: string;
  readonly id: string;
  readonly leafHash: string;
  readonly receivedAt: string;
  /** True when this record was already in the log (identical replay). */
  readonly replay: boolean;
}

/** The anchorer's account of anchoring, as declared in the API (api/responses.ts AnchorerHealth). */
export type AnchoringHealth = z.output<typeof AnchorerHealth>;

/** Records from untrusted JSON: schema and defaults, then signatures against the registry. Changes nothing. */
export interface ExchangeIntake {
  parse(body: unknown, at?: number): ExchangeRecord;
  verify(records: readonly ExchangeRecord[], batch: boolean): Promise<void>;
}

/** A consumer's acknowledgement checked against the exchange it names. */
export interface AckCheck {
  check(body: unknown): Promise<{ ack: Acknowledgement; exchangeSeq: number }>;
}

/** The append-only log's write side: a resolved submit is durable. */
export interface LogAppender {
  /** Committed log size. */
  readonly size: number;
  submit(records: readonly ExchangeRecord[]): Promise<AppendResult[]>;
  submitAcks(acks: ReadonlyArray<{ ack: Acknowledgement; exchangeSeq: number }>): Promise<AppendResult[]>;
}

/** An exchange still waiting for its consumer's acknowledgement. */
export interface UnacknowledgedItem {
  readonly seq: number;
  readonly provider: string;
  readonly consumer: string;
  readonly id: string;
  readonly dataset: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly receipt: string;
}

export interface LogReader {
  status(seq: number): "pending" | "anchored";
  acknowledgement(provider: string, id: string): Promise<{ seq: number; acknowledgedAt: string; receivedAt: string } | null>;
  unacknowledged(
    before: string,
    after: number | undefined,
    limit: number,
    visible?: (provider: string, consumer: string) => boolean,
  ): Promise<{ items: UnacknowledgedItem[]; next: number | null }>;
  seqOf(provider: string, id: string): Promise<number>;
  exchange(seq: number): Promise<{ entry: LogEntry; leafHash: Hex; status: "pending" | "anchored" }>;
  receipt(seq: number, maySee?: (e: LogEntry) => void, opts?: ReceiptOptions): Promise<Receipt>;
  consistency(from: number, to: number): Promise<{ from: number; to: number; proof: Hex[] }>;
}

/** The anchorer's state, and an anchor on demand (admin). */
export interface AnchoringState {
  readonly checkpoints: readonly Checkpoint[];
  readonly latest: Checkpoint | undefined;
  readonly anchoredSize: number;
  health(): AnchoringHealth;
  anchorNow(limits?: { deadline?: number }): Promise<Checkpoint | undefined>;
}
