/**
 * Records cross to the signer workers as one string (a string is copied, an
 * object graph is walked: ~3× cheaper per record). Fields are separated by
 * U+0000 and records by U+0001; neither can occur in a validated record
 * (ids and digests are restricted, free text refuses control characters).
 * derivedFrom entries are joined by U+0002.
 */
import type { ExchangeRecord } from "../core/record.ts";

const F = "\u0000";
const R = "\u0001";
const L = "\u0002";

export function packRecords(records: readonly ExchangeRecord[]): string {
  let out = "";
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (i > 0) out += R;
    out += r.id + F + r.provider + F + r.consumer + F + r.dataset + F + r.purpose + F + r.legalBasis + F +
      r.recordCount + F + r.payloadDigest + F + r.derivedFrom.join(L) + F + r.occurredAt + F + r.signature;
  }
  return out;
}

export function unpackRecords(packed: string): ExchangeRecord[] {
  if (packed === "") return [];
  return packed.split(R).map((line) => {
    const f = line.split(F);
    return {
      id: f[0]!,
      provider: f[1]!,
      consumer: f[2]!,
      dataset: f[3]!,
      purpose: f[4]!,
      legalBasis: f[5]!,
      recordCount: Number(f[6]),
      payloadDigest: f[7]!,
      derivedFrom: f[8] === "" ? [] : f[8]!.split(L),
      occurredAt: f[9]!,
      signature: f[10]!,
    };
  });
}
