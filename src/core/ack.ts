/**
 * The consumer's acknowledgement of an exchange: a second record kind, signed
 * by the consumer department (EIP-712), naming the exchange by provider + id
 * and binding its exact entry by leaf hash. Logged and anchored like any entry:
 *   {"v":1,"seq":n,"receivedAt":"…","ack":{…}}
 */
import { z } from "zod";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { departmentId, entryText, hexField, isoTimestamp, recordId, type Entry } from "./record.ts";
import type { Eip712Digester } from "./eip712.ts";
import { fromHex, utf8 } from "./hex.ts";

export const ACK_TYPE = "Acknowledgement(string provider,string id,string consumer,bytes32 exchangeLeafHash,string acknowledgedAt)";

export const ACK_EIP712_TYPES = {
  Acknowledgement: [
    { name: "provider", type: "string" },
    { name: "id", type: "string" },
    { name: "consumer", type: "string" },
    { name: "exchangeLeafHash", type: "bytes32" },
    { name: "acknowledgedAt", type: "string" },
  ],
} as const;

export const acknowledgementInput = z.strictObject({
  provider: departmentId,
  id: recordId,
  consumer: departmentId,
  exchangeLeafHash: hexField(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lowercase hex (the exchange's leaf hash)"),
  acknowledgedAt: isoTimestamp,
  signature: hexField(/^0x[0-9a-f]{130}$/, "must be 0x + 130 lowercase hex (65-byte EIP-712 signature)"),
});

export type Acknowledgement = z.output<typeof acknowledgementInput>;

export interface AckEntry {
  readonly v: 1;
  readonly seq: number;
  readonly receivedAt: string;
  readonly ack: Acknowledgement;
}

/** Any entry of the log. */
export type LogEntry = Entry | AckEntry;

export function isAckEntry(e: LogEntry): e is AckEntry {
  return "ack" in e;
}

/** The two departments an entry concerns. */
export function partiesOf(e: LogEntry): { provider: string; consumer: string } {
  const r = isAckEntry(e) ? e.ack : e.record;
  return { provider: r.provider, consumer: r.consumer };
}

/** JCS text of an ack entry (keys in UTF-16 order; all values strings or safe integers). */
export function ackEntryText(e: AckEntry): string {
  const a = e.ack;
  return JSON.stringify({
    ack: {
      acknowledgedAt: a.acknowledgedAt,
      consumer: a.consumer,
      exchangeLeafHash: a.exchangeLeafHash,
      id: a.id,
      provider: a.provider,
      signature: a.signature,
    },
    receivedAt: e.receivedAt,
    seq: e.seq,
    v: e.v,
  });
}

/** JCS text of any log entry. */
export function logEntryText(e: LogEntry): string {
  return isAckEntry(e) ? ackEntryText(e) : entryText(e);
}

const kString = (s: string): Uint8Array => keccak_256(utf8(s));
const ACK_TYPEHASH = kString(ACK_TYPE);

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(ack)). */
export function ackDigest(d: Eip712Digester, a: Omit<Acknowledgement, "signature">): Uint8Array {
  const buf = new Uint8Array(6 * 32);
  buf.set(ACK_TYPEHASH, 0);
  buf.set(kString(a.provider), 32);
  buf.set(kString(a.id), 64);
  buf.set(kString(a.consumer), 96);
  buf.set(fromHex(a.exchangeLeafHash), 128);
  buf.set(kString(a.acknowledgedAt), 160);
  const out = new Uint8Array(66);
  out[0] = 0x19;
  out[1] = 0x01;
  out.set(d.domainSeparator, 2);
  out.set(keccak_256(buf), 34);
  return keccak_256(out);
}
