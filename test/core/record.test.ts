import { expect } from "chai";
import { TypedDataEncoder, Wallet, verifyTypedData } from "ethers";
import { exchangeRecordInput, canonicalJson, entryLeafHash, entryText, leafData, type Entry } from "../../src/core/record.ts";
import { Eip712Digester, eip712Domain, EIP712_TYPES } from "../../src/core/eip712.ts";
import { recoverSigner } from "../../src/core/signature.ts";
import { signExchange, payloadDigest } from "../../src/client/sign.ts";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { toHex } from "../../src/core/hex.ts";

const domain = eip712Domain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
const wallet = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const base = {
  id: "rec-1",
  provider: "tax",
  consumer: "health",
  dataset: "tax/income:2025",
  purpose: "eligibility check",
  recordCount: 1200,
  payloadDigest: payloadDigest("rows"),
  occurredAt: "2026-11-23T10:00:00.000Z",
};

describe("core/record and core/eip712", () => {
  it("fast EIP-712 digest equals ethers' TypedDataEncoder, for many shapes", () => {
    const d = new Eip712Digester(domain);
    const cases = [
      { ...base, legalBasis: "", derivedFrom: [] },
      { ...base, legalBasis: "Art. 6(1)(e) GDPR", derivedFrom: ["a", "b/c:d"] },
      {
        ...base,
        purpose: "ünïcødé ✓ 目的",
        legalBasis: "x".repeat(256),
        derivedFrom: Array.from({ length: 64 }, (_, i) => `ds${i}`),
        recordCount: Number.MAX_SAFE_INTEGER,
      },
      { ...base, recordCount: 0, legalBasis: "", derivedFrom: ["only"] },
    ];
    for (const c of cases) {
      const want = TypedDataEncoder.hash(domain, { Exchange: [...EIP712_TYPES.Exchange] }, c);
      expect(toHex(d.digest(c))).to.equal(want);
    }
  });

  it("native recovery finds the signer ethers finds, and refuses high-s", async () => {
    const r = await signExchange(wallet, domain, { ...base, derivedFrom: ["x"] });
    const d = new Eip712Digester(domain);
    const rec = recoverSigner(d.digest(r), r.signature);
    expect(rec).to.deep.equal({ ok: true, address: wallet.address.toLowerCase() });
    const { signature, ...unsigned } = r;
    expect(verifyTypedData(domain, { Exchange: [...EIP712_TYPES.Exchange] }, unsigned, signature).toLowerCase()).to.equal(wallet.address.toLowerCase());
    // Same signature with s' = n − s and v flipped: valid ECDSA, but malleable.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = parseInt(signature.slice(130), 16);
    const high = `0x${signature.slice(2, 66)}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
    expect(recoverSigner(d.digest(r), high)).to.deep.include({ ok: false });
    // A change to any signed field changes the signer.
    const other = recoverSigner(d.digest({ ...r, recordCount: 1201 }), r.signature);
    expect(other.ok && other.address).to.not.equal(wallet.address.toLowerCase());
  });

  it("fills defaults and accepts a valid record", () => {
    const r = exchangeRecordInput.parse({ ...base, signature: `0x${"1".repeat(130)}` });
    expect(r.legalBasis).to.equal("");
    expect(r.derivedFrom).to.deep.equal([]);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ["unknown field", { extra: 1 }],
    ["id with a space", { id: "a b" }],
    ["id too long", { id: "a".repeat(129) }],
    ["provider uppercase", { provider: "Tax" }],
    ["consumer equals provider", { consumer: "tax" }],
    ["dataset empty", { dataset: "" }],
    ["purpose empty", { purpose: "" }],
    ["purpose too long", { purpose: "p".repeat(257) }],
    ["purpose with control char", { purpose: "a\u0007b" }],
    ["legalBasis too long", { legalBasis: "l".repeat(257) }],
    ["recordCount negative", { recordCount: -1 }],
    ["recordCount fractional", { recordCount: 1.5 }],
    ["recordCount beyond 2^53-1", { recordCount: 2 ** 53 }],
    ["recordCount as string", { recordCount: "12" }],
    ["payloadDigest uppercase", { payloadDigest: `0x${"A".repeat(64)}` }],
    ["payloadDigest short", { payloadDigest: "0x1234" }],
    ["derivedFrom too many", { derivedFrom: Array.from({ length: 65 }, (_, i) => `d${i}`) }],
    ["derivedFrom repeated", { derivedFrom: ["a", "a"] }],
    ["occurredAt without ms", { occurredAt: "2026-11-23T10:00:00Z" }],
    ["occurredAt with offset", { occurredAt: "2026-11-23T10:00:00.000+01:00" }],
    ["occurredAt impossible day", { occurredAt: "2026-02-30T10:00:00.000Z" }],
    ["signature short", { signature: "0x12" }],
    ["signature uppercase", { signature: `0x${"A".repeat(130)}` }],
  ];
  for (const [name, patch] of bad) {
    it(`rejects ${name}`, () => {
      const res = exchangeRecordInput.safeParse({ ...base, signature: `0x${"1".repeat(130)}`, ...patch });
      expect(res.success).to.equal(false);
    });
  }

  it("leaf data is the RFC 8785 form of the entry", () => {
    const record = exchangeRecordInput.parse({ ...base, signature: `0x${"1".repeat(130)}`, purpose: "é €" });
    const entry: Entry = { v: 1, seq: 7, receivedAt: "2026-11-23T10:00:01.000Z", record };
    const text = Buffer.from(leafData(entry)).toString("utf8");
    expect(text.startsWith('{"receivedAt":"2026-11-23T10:00:01.000Z","record":{"consumer":"health"')).to.equal(true);
    expect(text).to.contain('"seq":7,"v":1}');
    expect(canonicalJson({ b: 1, a: [1e21, 0.1] })).to.equal('{"a":[1e+21,0.1],"b":1}');
    expect(toHex(entryLeafHash(entry))).to.equal(toHex(hashLeaf(Buffer.from(text, "utf8"))));
  });

  it("the fast entry text equals the RFC 8785 library's output on random entries", () => {
    const pool = ["a", "é", "€", "😀", "\\", '"', "\u2028", "\u00ad", "<", "Z", "0", " ", "ß", "\ud83d"];
    let state = 0x9e3779b9; // mulberry32, seeded: the same 2000 entries every run
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const rnd = (n: number) => Math.floor(random() * n);
    const str = (max: number) => Array.from({ length: 1 + rnd(max) }, () => pool[rnd(pool.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const entry: Entry = {
        v: 1,
        seq: rnd(2 ** 40),
        receivedAt: new Date(rnd(2 ** 42)).toISOString(),
        record: {
          id: `id-${i}`,
          provider: "tax",
          consumer: "health",
          dataset: `ds/${i}`,
          purpose: str(40),
          legalBasis: i % 3 ? str(20) : "",
          recordCount: [0, 1, 2 ** 53 - 1, rnd(1e9)][i % 4]!,
          payloadDigest: `0x${"0a".repeat(32)}`,
          derivedFrom: Array.from({ length: rnd(4) }, (_, k) => `src${k}`),
          occurredAt: new Date(rnd(2 ** 42)).toISOString(),
          signature: `0x${"1".repeat(130)}`,
        },
      };
      expect(entryText(entry)).to.equal(canonicalJson(entry));
    }
  });
});
