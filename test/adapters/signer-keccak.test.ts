import { expect } from "chai";
import { TypedDataEncoder } from "ethers";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { EIP712_TYPES, Eip712Digester, eip712Domain } from "../../src/core/eip712.ts";
import { recoverSigner } from "../../src/core/signature.ts";
import { toHex } from "../../src/core/hex.ts";
import { signExchange } from "../../src/client/sign.ts";
import { normalizeRecord, type ExchangeRecord } from "../../src/core/record.ts";
import { wasmKeccak256 } from "../../src/adapters/workers/wasm-keccak.ts";
import { SignerPool } from "../../src/adapters/workers/signer-pool.ts";
import { seededRandom, testWallet } from "../helpers/seeded.ts";

const domain = eip712Domain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
const ethersTypes = { Exchange: EIP712_TYPES.Exchange.map((f) => ({ ...f })) };

/** Seeded records: ids, times and texts vary (non-ASCII, long purposes past one keccak block), some derive from others. */
function records(n: number, seed: number): Array<Omit<ExchangeRecord, "signature">> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: `rec-${i}-${Math.floor(rnd() * 1e9)}`,
    provider: pick(["tax", "health", "police"]),
    consumer: pick(["planning", "audit-office"]),
    dataset: pick(["city/tax-roll", "city/clinics", "county/roads"]),
    purpose: pick(["benefit eligibility", "Überprüfung der Ansprüche", "规划 ".repeat(1 + Math.floor(rnd() * 40)), "x".repeat(Math.floor(rnd() * 300))]) || "p",
    legalBasis: pick(["", "Art. 6(1)(e) GDPR"]),
    recordCount: Math.floor(rnd() * 1e6),
    payloadDigest: toHex(Uint8Array.from({ length: 32 }, () => Math.floor(rnd() * 256))),
    derivedFrom: rnd() < 0.3 ? ["city/clinics", "county/roads"] : [],
    occurredAt: new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 3e10)).toISOString(),
  }));
}

describe("signer workers: keccak256 in WebAssembly", () => {
  it("gives noble's bytes for every length from 0 to 700 (one, two and more keccak blocks), on seeded data", async () => {
    const wasm = await wasmKeccak256();
    const rnd = seededRandom(41);
    for (let len = 0; len <= 700; len++) {
      const data = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      expect(toHex(wasm(data)), `length ${len}`).to.equal(toHex(keccak_256(data)));
    }
    // Each result is its own copy: a later hash does not overwrite an earlier one.
    const a = wasm(new Uint8Array([1]));
    const copy = toHex(a);
    wasm(new Uint8Array([2]));
    expect(toHex(a)).to.equal(copy);
  });

  it("the digest with it equals ethers' TypedDataEncoder, and the signer it recovers is the wallet", async () => {
    const wasm = await wasmKeccak256();
    const fast = new Eip712Digester(domain, wasm);
    const wallet = testWallet("wasm-keccak");
    for (const r of records(60, 7)) {
      expect(toHex(fast.digest(r))).to.equal(TypedDataEncoder.hash(domain, ethersTypes, r));
      const signed = await signExchange(wallet, domain, r);
      const got = recoverSigner(fast.digest(signed), signed.signature, wasm);
      expect(got).to.deep.equal({ ok: true, address: wallet.address.toLowerCase() });
    }
  });

  it("a pool of workers, asked in the tick that starts them, recovers every signer in order; a changed record recovers another", async () => {
    const wallets = [testWallet("pool-a"), testWallet("pool-b")];
    const signed = await Promise.all(records(300, 11).map((r, i) => signExchange(wallets[i % 2]!, domain, r).then(normalizeRecord)));
    const changed = (i: number) => i % 5 === 0;
    const tampered = signed.map((r, i) => (changed(i) ? { ...r, recordCount: r.recordCount + 1 } : r));
    const pool = new SignerPool(domain, 2);
    try {
      const [res, bad] = await Promise.all([pool.recover(signed), pool.recover(tampered)]);
      expect(res).to.deep.equal(signed.map((_, i) => ({ ok: true, address: wallets[i % 2]!.address.toLowerCase() })));
      const unchanged = (_: unknown, i: number) => !changed(i);
      expect(bad.filter(unchanged)).to.deep.equal(res.filter(unchanged));
      const others = bad.filter((_, i) => changed(i)).map((x, k) => (x.ok ? x.address : x.reason) === wallets[(5 * k) % 2]!.address.toLowerCase());
      expect(others).to.have.lengthOf(60).and.to.not.include(true);
    } finally {
      await pool.close();
    }
  });
});
