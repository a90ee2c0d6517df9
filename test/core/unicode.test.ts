import { expect } from "chai";
import { exchangeRecordInput } from "../../src/core/record.ts";
import { acknowledgementInput } from "../../src/core/ack.ts";
import { dimensionValue } from "../../src/core/counter-coords.ts";
import { counterKeys } from "../../src/adapters/leveldb/counter-store.ts";

const record = {
  id: "rec-1",
  provider: "tax",
  consumer: "health",
  dataset: "tax/income:2025",
  purpose: "eligibility check",
  legalBasis: "Art. 6(1)(e) GDPR",
  recordCount: 1,
  payloadDigest: `0x${"ab".repeat(32)}`,
  derivedFrom: ["a", "b/c"],
  occurredAt: "2026-11-23T10:00:00.000Z",
  signature: `0x${"1".repeat(130)}`,
};
const ack = {
  provider: "tax",
  id: "rec-1",
  consumer: "health",
  exchangeLeafHash: `0x${"cd".repeat(32)}`,
  acknowledgedAt: "2026-11-24T10:00:00.000Z",
  signature: `0x${"2".repeat(130)}`,
};

const LONE = ["\ud800", "\udfff", "\udc00\ud800"];
const BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"];
const ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"];

/** Paths of the issues when `field` of `obj` is set to `value` (or its array's first entry). */
function issuePaths(schema: typeof exchangeRecordInput | typeof acknowledgementInput, obj: Record<string, unknown>, field: string, value: string): string[] {
  const patched = { ...obj, [field]: Array.isArray(obj[field]) ? [value] : value };
  const r = schema.safeParse(patched);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
}

describe("core: every string of a record and an acknowledgement is well-formed, visible Unicode", () => {
  it("the fixtures are valid", () => {
    expect(exchangeRecordInput.safeParse(record).success).to.equal(true);
    expect(acknowledgementInput.safeParse(ack).success).to.equal(true);
  });

  it("refuses a lone surrogate in every string field, naming the field", () => {
    for (const field of Object.keys(record).filter((k) => k !== "recordCount")) {
      for (const bad of LONE) {
        const base = typeof (record as any)[field] === "string" && field !== "derivedFrom" ? (record as any)[field] : "x";
        const value = field === "purpose" || field === "legalBasis" ? `a${bad}b` : `${base.slice(0, 1)}${bad}${base.slice(1)}`;
        const paths = issuePaths(exchangeRecordInput, record, field, value);
        expect(paths, `${field} ${JSON.stringify(value)}`).to.deep.equal([field === "derivedFrom" ? "derivedFrom.0" : field]);
      }
    }
    for (const field of Object.keys(ack)) {
      const value = `${(ack as any)[field].slice(0, 1)}\ud800${(ack as any)[field].slice(1)}`;
      expect(issuePaths(acknowledgementInput, ack, field, value), field).to.deep.equal([field]);
    }
  });

  it("says why: a lone surrogate is named as such", () => {
    const r = exchangeRecordInput.safeParse({ ...record, legalBasis: "a\ud800b" });
    expect(r.success).to.equal(false);
    expect(r.error!.issues[0]!.message).to.match(/well-formed Unicode/);
  });

  it("refuses bidi controls and zero-width characters in identifiers", () => {
    for (const field of ["id", "provider", "consumer", "dataset", "derivedFrom"]) {
      for (const c of [...BIDI, ...ZERO_WIDTH]) {
        const value = `ab${c}cd`;
        expect(issuePaths(exchangeRecordInput, record, field, value), `${field} U+${c.codePointAt(0)!.toString(16)}`).to.have.length(1);
      }
    }
    for (const field of ["id", "provider", "consumer"]) {
      for (const c of [...BIDI, ...ZERO_WIDTH]) expect(issuePaths(acknowledgementInput, ack, field, `ab${c}cd`), field).to.deep.equal([field]);
    }
  });

  it("refuses bidi controls, zero-width and other invisible format characters in purpose and legalBasis", () => {
    for (const field of ["purpose", "legalBasis"]) {
      for (const c of [...BIDI, ...ZERO_WIDTH, "\u{e0041}", "\u00ad", "\u2061"]) {
        const r = exchangeRecordInput.safeParse({ ...record, [field]: `pay ${c}ment` });
        expect(r.success, `${field} U+${c.codePointAt(0)!.toString(16)}`).to.equal(false);
        expect(r.error!.issues.map((i) => i.path.join("."))).to.deep.equal([field]);
        expect(r.error!.issues[0]!.message).to.contain(`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
      }
    }
  });

  it("accepts visible Unicode in free text: accents (NFC and NFD), CJK, RTL letters, emoji", () => {
    for (const purpose of ["café", "cafe\u0301", "目的 ✓", "מטרה", "هدف", "😀 statistics", "Ⅻ ﬁ"]) {
      expect(exchangeRecordInput.safeParse({ ...record, purpose, legalBasis: purpose }).success, purpose).to.equal(true);
    }
  });

  it("keeps the record as sent, and groups statistics by the NFC form", () => {
    const nfd = "re\u0301sume\u0301 check";
    const nfc = nfd.normalize("NFC");
    expect(nfc).to.not.equal(nfd);
    const parsed = exchangeRecordInput.parse({ ...record, purpose: nfd });
    expect(parsed.purpose).to.equal(nfd);
    expect(dimensionValue(parsed, "u")).to.equal(nfc);
    expect(counterKeys(parsed)).to.deep.equal(counterKeys({ ...parsed, purpose: nfc }));
  });
});
