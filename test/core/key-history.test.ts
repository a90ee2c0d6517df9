import { expect } from "chai";
import { signersActiveIn, signingWindow, type RegistryEvent } from "../../src/core/key-history.ts";
import { judgeSigner } from "../../src/core/signer-check.ts";
import { SignatureAuditor } from "../../src/core/signature-audit.ts";
import { eip712Domain } from "../../src/core/eip712.ts";

describe("core/key-history: which key was valid, by chain order", () => {
  // Registered in block 10 with A, rotated to B in block 20, to C in block 20 (a later log), revoked in block 30.
  const h: RegistryEvent[] = [
    { kind: "registered", block: 10, logIndex: 0, signer: "0xa" },
    { kind: "rotated", block: 20, logIndex: 1, signer: "0xb" },
    { kind: "rotated", block: 20, logIndex: 3, signer: "0xc" },
    { kind: "revoked", block: 30, logIndex: 0 },
  ];
  const active = (from: number, to: number) => [...signersActiveIn(h, { from, to })].sort();

  it("gives the signer in force at the window's start, plus every signer an event inside it set", () => {
    expect(active(0, 5)).to.deep.equal([]);
    expect(active(0, 10)).to.deep.equal(["0xa"]);
    expect(active(11, 19)).to.deep.equal(["0xa"]);
    expect(active(15, 20)).to.deep.equal(["0xa", "0xb", "0xc"]);
    expect(active(20, 20)).to.deep.equal(["0xa", "0xb", "0xc"]);
    expect(active(21, 29)).to.deep.equal(["0xc"]);
    expect(active(25, 40)).to.deep.equal(["0xc"]);
    expect(active(31, 40)).to.deep.equal([]);
  });

  it("the window of checkpoint i is [B_{i-2}, B_i], with B_{-1} = B_{-2} = 0", () => {
    const B = [100, 200, 300, 400];
    const at = (i: number) => B[i]!;
    expect(signingWindow(0, at)).to.deep.equal({ from: 0, to: 100 });
    expect(signingWindow(1, at)).to.deep.equal({ from: 0, to: 200 });
    expect(signingWindow(3, at)).to.deep.equal({ from: 200, to: 400 });
  });

  it("refuses events out of chain order (a precondition, not a guess)", () => {
    expect(() => signersActiveIn([h[1]!, h[0]!], { from: 0, to: 99 })).to.throw(RangeError);
    expect(() => signersActiveIn([h[2]!, h[1]!], { from: 0, to: 99 })).to.throw(RangeError);
  });

  it("a naive reading agrees: S valid iff S was in force at some block of the window (seeded random histories)", () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const events: RegistryEvent[] = [];
      let block = rnd(5);
      for (let k = 0, n = 1 + rnd(6); k < n; k++) {
        block += rnd(3); // several events may share a block
        const kind = k === 0 ? "registered" : rnd(5) === 0 ? "revoked" : "rotated";
        events.push({ kind, block, logIndex: k, signer: kind === "revoked" ? undefined : `0x${rnd(4)}` });
      }
      const from = rnd(block + 3);
      const to = from + rnd(5);
      // Naive: walk every block of the window; the signer at its start and after each of its events.
      const after = (pred: (e: RegistryEvent) => boolean) => events.filter(pred).at(-1)?.signer;
      const inForce = new Set<string>();
      for (let b = from; b <= to; b++) {
        for (const s of [
          after((e) => e.block < b),
          ...events.filter((e) => e.block === b).map((x) => after((e) => e.block < b || (e.block === b && e.logIndex <= x.logIndex))),
        ]) {
          if (s) inForce.add(s);
        }
      }
      expect([...signersActiveIn(events, { from, to })].sort(), JSON.stringify({ events, from, to })).to.deep.equal([...inForce].sort());
    }
  });
});

describe("core/signer-check: one verdict for verify and audit", () => {
  const h: RegistryEvent[] = [
    { kind: "registered", block: 10, logIndex: 0, signer: "0xa" },
    { kind: "rotated", block: 20, logIndex: 0, signer: "0xb" },
  ];
  it("names why: invalid signature, unknown department, key not active in the window", () => {
    expect(judgeSigner("tax", { ok: true, address: "0xA" }, h, { from: 0, to: 15 })).to.include({ ok: true, signer: "0xa" });
    expect(judgeSigner("tax", { ok: false, reason: "high s" }, h, { from: 0, to: 15 })).to.include({ ok: false, code: "SIGNATURE_INVALID" });
    expect(judgeSigner("tax", { ok: true, address: "0xa" }, h, { from: 0, to: 5 })).to.include({ ok: false, code: "DEPARTMENT_UNKNOWN" });
    expect(judgeSigner("tax", { ok: true, address: "0xa" }, [], { from: 0, to: 50 })).to.include({ ok: false, code: "DEPARTMENT_UNKNOWN" });
    expect(judgeSigner("tax", { ok: true, address: "0xa" }, h, { from: 21, to: 30 })).to.include({ ok: false, code: "SIGNER_NOT_ACTIVE" });
    expect(judgeSigner("tax", { ok: true, address: "0xeve" }, h, { from: 0, to: 30 })).to.include({ ok: false, code: "SIGNER_NOT_ACTIVE" });
  });

  it("the audit finds each entry's first covering checkpoint by tree size; pending entries run to the head", () => {
    const cps = [
      { treeSize: 3, blockNumber: 10 },
      { treeSize: 5, blockNumber: 20 },
      { treeSize: 9, blockNumber: 30 },
    ];
    const a = new SignatureAuditor(eip712Domain(1, `0x${"11".repeat(20)}`), cps, 77, new Map([["tax", h]]));
    expect([0, 2, 3, 4, 5, 8, 9, 100].map((s) => a.firstCovering(s))).to.deep.equal([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(a.windowOf(0)).to.deep.equal({ from: 0, to: 10 });
    expect(a.windowOf(4)).to.deep.equal({ from: 0, to: 20 });
    expect(a.windowOf(8)).to.deep.equal({ from: 10, to: 30 });
    expect(a.windowOf(9)).to.deep.equal({ from: 20, to: 77 });
    expect(a.judge(9, "tax", { ok: true, address: "0xa" })).to.include({ ok: true }); // 0xa was in force until block 20
    expect(a.judge(9, "tax", { ok: true, address: "0xb" })).to.include({ ok: true });
  });
});
