import { expect } from "chai";
import fc from "fast-check";
import { TypedDataEncoder, Wallet } from "ethers";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  DATASET_ID,
  DEPARTMENT_ID,
  RECORD_FIELDS,
  RECORD_FIELD_NAMES,
  RECORD_ID,
  RECORD_SHAPE,
  SIGNED_FIELDS,
  fieldsExcept,
  inFieldOrder,
  withDefaults,
  type RecordFieldName,
  type RecordValues,
} from "../../src/core/record-fields.ts";
import { canonicalJson, entryText, exchangeRecordInput, normalizeRecord, type ExchangeRecord } from "../../src/core/record.ts";
import { EIP712_TYPES, EXCHANGE_TYPE, Eip712Digester, eip712Domain } from "../../src/core/eip712.ts";
import { toProvJson } from "../../src/core/prov.ts";
import { recoverSigner } from "../../src/core/signature.ts";
import { toHex, utf8 } from "../../src/core/hex.ts";
import { packRecords, unpackRecords } from "../../src/core/signer-pack.ts";
import { signExchange } from "../../src/client/sign.ts";
import { Provenance } from "../../src/api/responses.ts";

/** SPEC §3, verbatim. Every signature made so far covers this type: a change to it MUST NOT happen silently. */
const SPEC_EXCHANGE_TYPE =
  "Exchange(string id,string provider,string consumer,string dataset,string purpose,string legalBasis,uint64 recordCount,bytes32 payloadDigest,string[] derivedFrom,string occurredAt)";
/** SPEC §1's fields, in its order. */
const SPEC_FIELDS = [
  "id",
  "provider",
  "consumer",
  "dataset",
  "purpose",
  "legalBasis",
  "recordCount",
  "payloadDigest",
  "derivedFrom",
  "occurredAt",
  "signature",
];

const domain = eip712Domain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
const digester = new Eip712Digester(domain);
const ethersTypes = { Exchange: EIP712_TYPES.Exchange.map((f) => ({ ...f })) };

const valid = (name: RecordFieldName) => (v: unknown) => RECORD_SHAPE[name].safeParse(v).success;
const text = (minLength: number, maxLength: number) => fc.string({ unit: "grapheme", minLength, maxLength });
const hexBytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(toHex);
const dataset = fc.stringMatching(DATASET_ID);

/**
 * A generator for each declared field, drawing only values its rule accepts
 * (held to that below). Typed by the declaration: a field added to
 * RECORD_FIELDS without one here does not compile.
 */
const ARBITRARY: { [K in RecordFieldName]: fc.Arbitrary<RecordValues[K]> } = {
  id: fc.stringMatching(RECORD_ID),
  provider: fc.stringMatching(DEPARTMENT_ID),
  consumer: fc.stringMatching(DEPARTMENT_ID),
  dataset,
  purpose: text(1, 40).filter(valid("purpose")),
  legalBasis: fc.oneof(fc.constant(""), text(0, 40).filter(valid("legalBasis"))),
  recordCount: fc.oneof(fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER), fc.maxSafeNat()),
  payloadDigest: hexBytes(32),
  derivedFrom: fc.uniqueArray(dataset, { maxLength: 6 }),
  occurredAt: fc.date({ min: new Date(0), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  signature: hexBytes(65),
};
const anyRecord: fc.Arbitrary<ExchangeRecord> = fc.record(ARBITRARY).filter((r) => r.provider !== r.consumer);
const SEED = 13;
const without = <T extends object, K extends keyof T & string>(o: T, ...keys: K[]): Omit<T, K> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !(keys as string[]).includes(k))) as Omit<T, K>;

describe("core/record-fields: one declaration, every form of the record derived from it", () => {
  it("declares SPEC §1's fields in its order, and the signed ones spell SPEC §3's type exactly", () => {
    expect(RECORD_FIELD_NAMES).to.deep.equal(SPEC_FIELDS);
    expect(EXCHANGE_TYPE).to.equal(SPEC_EXCHANGE_TYPE);
    expect(TypedDataEncoder.from(ethersTypes).encodeType("Exchange")).to.equal(SPEC_EXCHANGE_TYPE);
    expect(SIGNED_FIELDS.map((f) => f.name)).to.deep.equal(SPEC_FIELDS.filter((n) => n !== "signature"));
  });

  it("gives each field a kind its EIP-712 type and codecs agree with", () => {
    const kindOf = { string: "text", bytes32: "text", uint64: "count", "string[]": "list" } as const;
    for (const f of RECORD_FIELDS) {
      if (f.eip712 === null) expect(f.name, "only the signature is unsigned").to.equal("signature");
      else expect(f.kind, f.name).to.equal(kindOf[f.eip712]);
    }
  });

  it("the zod schema is the declaration's: every field, strict, the same defaults, provider ≠ consumer", () => {
    expect(Object.keys(exchangeRecordInput.shape)).to.deep.equal(SPEC_FIELDS);
    fc.assert(
      fc.property(anyRecord, (r) => {
        expect(exchangeRecordInput.parse(r)).to.deep.equal(r);
        const bare = without(r, "legalBasis", "derivedFrom");
        expect(exchangeRecordInput.parse(bare)).to.deep.equal({ ...r, legalBasis: "", derivedFrom: [] });
        expect(withDefaults(bare)).to.deep.equal(exchangeRecordInput.parse(bare));
        expect(exchangeRecordInput.safeParse({ ...r, extra: 1 }).success).to.equal(false);
        const same = exchangeRecordInput.safeParse({ ...r, consumer: r.provider });
        expect(same.success).to.equal(false);
        expect(same.error?.issues.map((i) => [i.path, i.message])).to.deep.equal([[["consumer"], "consumer must differ from provider"]]);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("the fast EIP-712 digest equals ethers' TypedDataEncoder, and changes with every signed field", () => {
    const other = fc.sample(anyRecord, { seed: SEED + 1, numRuns: 1 })[0]!;
    fc.assert(
      fc.property(anyRecord, (r) => {
        const fast = toHex(digester.digest(r));
        expect(fast).to.equal(TypedDataEncoder.hash(domain, ethersTypes, r));
        for (const f of SIGNED_FIELDS) {
          if (JSON.stringify(r[f.name]) === JSON.stringify(other[f.name])) continue;
          expect(toHex(digester.digest({ ...r, [f.name]: other[f.name] })), f.name).to.not.equal(fast);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("the struct hash is keccak256(typeHash ‖ one word per signed field, in declaration order)", () => {
    const r = fc.sample(anyRecord, { seed: SEED, numRuns: 1 })[0]!;
    const enc = TypedDataEncoder.from(ethersTypes);
    expect(enc.encodeData("Exchange", r).slice(0, 66)).to.equal(toHex(keccak_256(utf8(SPEC_EXCHANGE_TYPE))));
    expect(toHex(digester.structHash(r))).to.equal(enc.hashStruct("Exchange", r));
    expect(enc.encodeData("Exchange", r).length).to.equal(2 + 64 * (1 + SIGNED_FIELDS.length));
  });

  it("the signer workers' codec carries every declared field, in declaration order", () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 8 }), (records) => {
        const back = unpackRecords(packRecords(records));
        expect(back).to.deep.equal(records);
        for (const r of back) expect(Object.keys(r)).to.deep.equal(RECORD_FIELD_NAMES);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("normalizeRecord, views and the entry text hold every declared field, no other, in SPEC and JCS order", () => {
    fc.assert(
      fc.property(anyRecord, fc.nat(), (r, seq) => {
        const shuffled = Object.fromEntries(Object.entries({ ...r, extra: "x" }).reverse()) as unknown as ExchangeRecord;
        const n = normalizeRecord(shuffled);
        expect(Object.keys(n)).to.deep.equal(RECORD_FIELD_NAMES);
        expect(n).to.deep.equal(r);
        expect(inFieldOrder(shuffled)).to.deep.equal(r);
        const view = fieldsExcept(shuffled, "dataset", "signature");
        expect(Object.keys(view)).to.deep.equal(RECORD_FIELD_NAMES.filter((k) => k !== "dataset" && k !== "signature"));
        expect(view).to.deep.equal(without(r, "dataset", "signature"));
        const entry = { v: 1 as const, seq, receivedAt: r.occurredAt, record: n };
        expect(entryText(entry)).to.equal(canonicalJson(entry));
        expect(entryText({ ...entry, record: shuffled })).to.equal(canonicalJson(entry));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("the client signs every signed field and returns the record in declaration order", async () => {
    const wallet = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const address = wallet.address.toLowerCase();
    for (const r of fc.sample(anyRecord, { seed: SEED, numRuns: 12 })) {
      const unsigned = without(r, "signature", "legalBasis");
      const signed = await signExchange(wallet, domain, { ...unsigned, ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}) });
      expect(Object.keys(signed)).to.deep.equal(RECORD_FIELD_NAMES);
      expect({ ...signed, signature: r.signature }).to.deep.equal(r);
      expect(recoverSigner(digester.digest(signed), signed.signature)).to.deep.equal({ ok: true, address });
    }
  });

  it("PROV shows the fields declared provAttribute as dx: attributes", () => {
    const r = fc.sample(anyRecord, { seed: SEED, numRuns: 1 })[0]!;
    const doc = toProvJson(r.dataset, [{ ...r, seq: 3, receivedAt: r.occurredAt, leafHash: `0x${"0".repeat(64)}`, status: "pending", checkpoint: null }], []);
    const activity = (doc.activity as Record<string, Record<string, unknown>>)["dx:exchange/3"]!;
    const shown = RECORD_FIELDS.filter((f) => f.provAttribute);
    expect(shown.map((f) => f.name)).to.deep.equal(["id", "purpose", "legalBasis", "recordCount"]);
    for (const f of shown) expect(activity[`dx:${f.name}`], f.name).to.deep.equal(r[f.name]);
  });

  it("the OpenAPI provenance answer lists every field but the dataset and the signature", () => {
    const item = Provenance.shape.exchanges.element.shape;
    expect(Object.keys(item).filter((k) => (RECORD_FIELD_NAMES as readonly string[]).includes(k))).to.deep.equal(
      RECORD_FIELD_NAMES.filter((n) => n !== "dataset" && n !== "signature"),
    );
  });
});
