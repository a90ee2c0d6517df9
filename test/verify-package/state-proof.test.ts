/**
 * The verifier's offline evidence, without a chain: the Merkle-Patricia proof
 * walker on a real `eth_getProof` answer (kept as a fixture from Anvil) and on
 * hand-built tries (embedded nodes, extensions), every way a proof can be
 * wrong, the ledger's slot layout against the contract, and an offline
 * verdict on the fixture's receipt.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AbiCoder, decodeRlp, encodeRlp, getBytes, keccak256 } from "ethers";
import { LEDGER_STORAGE_LOCATION, checkStateProof, checkpointSlots, departmentSlot, unpackCheckpoint, verifyMptProof, verifyReceipt } from "@dxledger/verify";

const ROOT = join(import.meta.dirname, "..", "..");
const fx = JSON.parse(readFileSync(join(ROOT, "test/fixtures/state-proof/anvil-receipt.json"), "utf8"));
const sp = fx.receipt.stateProof;
const cp = fx.receipt.checkpoint;
const key = (hex: string) => getBytes(keccak256(hex));

function flip(hex: string, i: number): string {
  const b = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16) ^ 0x80;
  return `${hex.slice(0, 2 + 2 * i)}${b.toString(16).padStart(2, "0")}${hex.slice(4 + 2 * i)}`;
}

/** The storage root the fixture's account proof proves. */
function storageRoot(): string {
  const r = verifyMptProof(fx.stateRoot, key(fx.pins.contract), sp.account.proof);
  if (!r.ok) throw new Error(r.reason);
  return (decodeRlp(r.value) as string[])[2]!;
}

describe("@dxledger/verify: state slots", () => {
  it("the namespace base slot is the contract's _STORAGE_LOCATION, computed by ERC-7201", () => {
    const sol = readFileSync(join(ROOT, "contracts/ExchangeLedger.sol"), "utf8");
    const inContract = /_STORAGE_LOCATION = (0x[0-9a-f]{64})/.exec(sol)![1];
    expect(LEDGER_STORAGE_LOCATION).to.equal(inContract);
    expect(LEDGER_STORAGE_LOCATION).to.equal("0x7fd9bcba5ced9ccb710c3688e829c9f64a0983090356971f819e0b7092185300");
  });

  it("checkpoint i of a log: length at keccak(logId ‖ N+1), element at keccak(length slot) + 2i, root one slot on", () => {
    const logId = `0x${"ab".repeat(32)}`;
    const length = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [logId, BigInt(LEDGER_STORAGE_LOCATION) + 1n]));
    const s = checkpointSlots(logId, 3);
    expect(s.length).to.equal(length);
    expect(BigInt(s.packed)).to.equal(BigInt(keccak256(length)) + 6n);
    expect(BigInt(s.rootHash)).to.equal(BigInt(keccak256(length)) + 7n);
    expect(departmentSlot("tax")).to.equal(
      keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [keccak256("0x746178"), BigInt(LEDGER_STORAGE_LOCATION) + 2n])),
    );
    expect(unpackCheckpoint((7n << 128n) | (1234n << 64n) | 5n)).to.deep.equal({ treeSize: 5n, anchoredAt: 1234n, blockNumber: 7n });
  });

  it("the fixture's proven slots decode to its receipt's checkpoint", () => {
    const s = checkpointSlots(cp.logId, cp.index);
    expect(sp.storage.map((x: { slot: string }) => x.slot)).to.deep.equal([s.length, s.packed, s.rootHash]);
    const packed = unpackCheckpoint(BigInt(sp.storage[1].value));
    expect(packed.treeSize).to.equal(BigInt(cp.treeSize));
    expect(packed.blockNumber).to.equal(BigInt(cp.blockNumber));
    expect(sp.storage[2].value).to.equal(cp.rootHash);
  });
});

describe("@dxledger/verify: Merkle-Patricia proofs", () => {
  it("a real account proof and storage proofs (Anvil's eth_getProof) hold", () => {
    const acct = verifyMptProof(fx.stateRoot, key(fx.pins.contract), sp.account.proof);
    expect(acct.ok).to.equal(true);
    const fields = decodeRlp((acct as { value: string }).value) as string[];
    expect(fields).to.have.length(4);
    for (const s of sp.storage) {
      const r = verifyMptProof(storageRoot(), key(s.slot), s.proof);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      expect(BigInt(decodeRlp((r as { value: string }).value) as string)).to.equal(BigInt(s.value));
    }
  });

  const bad: Array<[string, () => ReturnType<typeof verifyMptProof>, RegExp]> = [
    [
      "a byte of the root node flipped",
      () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), [flip(sp.account.proof[0], 50), ...sp.account.proof.slice(1)]),
      /node 0 hashes to/,
    ],
    [
      "a byte of the leaf flipped",
      () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), [...sp.account.proof.slice(0, -1), flip(sp.account.proof.at(-1), 40)]),
      /hashes to/,
    ],
    ["the proof cut short", () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), sp.account.proof.slice(0, -1)), /the proof ends after/],
    [
      "a node left over after the leaf",
      () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), [...sp.account.proof, sp.account.proof[0]]),
      /after the leaf/,
    ],
    ["another key (an absent account)", () => verifyMptProof(fx.stateRoot, key(`0x${"12".repeat(20)}`), sp.account.proof), /absent|hashes to|ends after/],
    ["another root", () => verifyMptProof(`0x${"00".repeat(32)}`, key(fx.pins.contract), sp.account.proof), /node 0 hashes to/],
    ["the nodes out of order", () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), [...sp.account.proof].reverse()), /hashes to/],
    ["an empty proof", () => verifyMptProof(fx.stateRoot, key(fx.pins.contract), []), /the proof ends after 0 nodes/],
    ["a storage proof under the state root", () => verifyMptProof(fx.stateRoot, key(sp.storage[0].slot), sp.storage[0].proof), /hashes to/],
  ];
  for (const [what, run, reason] of bad) {
    it(`fails, never throws: ${what}`, () => {
      const r = run();
      expect(r.ok).to.equal(false);
      expect((r as { reason: string }).reason).to.match(reason);
    });
  }

  it("fails on every single flipped byte of every node of a real proof", () => {
    const proof: string[] = sp.storage[2].proof;
    const root = storageRoot();
    for (let n = 0; n < proof.length; n++) {
      for (let i = 0; i < (proof[n]!.length - 2) / 2; i++) {
        const tampered = proof.map((x, j) => (j === n ? flip(x, i) : x));
        expect(verifyMptProof(root, key(sp.storage[2].slot), tampered).ok, `node ${n} byte ${i}`).to.equal(false);
      }
    }
  });

  it("walks embedded nodes (RLP < 32 bytes) and extensions of hand-built tries", () => {
    // A branch at the root whose child at nibble 1 is a leaf [hp(0x2), 0x05], embedded (6 bytes).
    const leaf = ["0x32", "0x05"];
    const branch = Array.from({ length: 17 }, (_, i) => (i === 1 ? leaf : "0x"));
    const root = keccak256(encodeRlp(branch));
    expect(verifyMptProof(root, Uint8Array.of(0x12), [encodeRlp(branch)])).to.deep.equal({ ok: true, value: "0x05" });
    // The embedded node repeated as its own proof element is accepted too.
    expect(verifyMptProof(root, Uint8Array.of(0x12), [encodeRlp(branch), encodeRlp(leaf)]).ok).to.equal(true);
    expect(verifyMptProof(root, Uint8Array.of(0x13), [encodeRlp(branch)]).ok).to.equal(false);
    expect(verifyMptProof(root, Uint8Array.of(0x22), [encodeRlp(branch)]).ok).to.equal(false);
    // An extension [hp(even: 0x00 ‖ 0x12)] → hashed branch → hashed leaf with a 30-byte remainder.
    const value = `0x${"77".repeat(40)}`;
    const longLeaf = encodeRlp([`0x3${"a".repeat(59)}`, value]);
    const br2 = Array.from({ length: 17 }, (_, i) => (i === 4 ? keccak256(longLeaf) : "0x"));
    const ext = encodeRlp(["0x0012", keccak256(encodeRlp(br2))]);
    const k = getBytes(`0x124${"a".repeat(59)}`);
    expect(verifyMptProof(keccak256(ext), k, [ext, encodeRlp(br2), longLeaf])).to.deep.equal({ ok: true, value });
    expect(verifyMptProof(keccak256(ext), getBytes(`0x134${"a".repeat(59)}`), [ext, encodeRlp(br2), longLeaf]).ok).to.equal(false);
    // A node of 32 bytes or more may not be embedded.
    const fat = ["0x20", `0x${"55".repeat(40)}`];
    const br3 = Array.from({ length: 17 }, (_, i) => (i === 0 ? fat : "0x"));
    expect(verifyMptProof(keccak256(encodeRlp(br3)), Uint8Array.of(0x00), [encodeRlp(br3)])).to.include({ ok: false });
    // Not RLP at all.
    const junk = "0xf9ffff00";
    expect(verifyMptProof(keccak256(junk), Uint8Array.of(0x00), [junk])).to.include({ ok: false });
  });
});

describe("@dxledger/verify: offline verdicts on a kept receipt (no chain)", () => {
  it("valid offline under the trusted block hash; scope offline", async () => {
    const v = await verifyReceipt(fx.receipt, { trustedBlockHash: fx.trustedBlockHash, pins: fx.pins });
    expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    expect(v.scope).to.equal("offline");
    expect(v.checks.map((c) => [c.step, c.code])).to.deep.equal([
      ["leaf-hash", "OK"],
      ["inclusion", "OK"],
      ["checkpoint", "OK"],
      ["signature", "NOT_CHECKED"],
      ["consistency", "NOT_CHECKED"],
      ["state-proof", "OK"],
    ]);
  });

  it("checkStateProof returns a typed failure for anything but a state proof", () => {
    const want = { contract: fx.pins.contract, logId: cp.logId, index: cp.index, treeSize: cp.treeSize, rootHash: cp.rootHash, blockNumber: cp.blockNumber };
    expect(checkStateProof(sp, want).ok).to.equal(true);
    for (const junk of [
      null,
      1,
      "x",
      {},
      { ...sp, block: { ...sp.block, header: "0xzz" } },
      { ...sp, storage: [] },
      { ...sp, block: { ...sp.block, header: "0x80", hash: keccak256("0x80") } },
    ]) {
      const r = checkStateProof(junk, want);
      expect(r.ok).to.equal(false);
      expect((r as { code: string }).code).to.equal("STATE_PROOF_INVALID");
    }
    expect(checkStateProof(sp, { ...want, treeSize: want.treeSize + 1 })).to.include({ ok: false, code: "CHECKPOINT_MISMATCH" });
    expect(checkStateProof(sp, { ...want, contract: `0x${"12".repeat(20)}` })).to.include({ ok: false, code: "STATE_PROOF_INVALID" });
    expect(checkStateProof(sp, { ...want, blockNumber: sp.block.number + 1 })).to.include({ ok: false, code: "STATE_PROOF_INVALID" });
  });
});
