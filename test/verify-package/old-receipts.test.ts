/**
 * Issue 10: receipts issued before department-held keys (contract and format
 * of commit a211e68) still verify with @dxledger/verify — every receipt and
 * the provenance bundle, on their own chain rebuilt from its raw transactions.
 */
import { expect } from "chai";
import { ChainView, verifyBundle, verifyWith } from "@dxledger/verify";
import { tampered, v0Chain, type V0Chain } from "../helpers/receipts.ts";
import { ifSet } from "../helpers/service.ts";

describe("@dxledger/verify: receipts issued before issue 10", function () {
  let v0: V0Chain;
  before(async () => {
    v0 = await v0Chain();
  });
  after(async () => ifSet(v0)?.node.stop());

  it("every receipt (before and after the registrar's immediate rotation, an acknowledgement) is valid, pinned, on the earlier build", async () => {
    const view = new ChainView({ rpcUrl: v0.node.rpcUrl });
    try {
      const signers: string[] = [];
      for (const r of v0.receipts) {
        const v = await verifyWith(view, r, { pins: v0.pins });
        expect(v.valid, `seq ${r.leafIndex}: ${JSON.stringify(v.checks)}`).to.equal(true);
        expect(v.checks.map((c) => c.step)).to.deep.equal(["leaf-hash", "inclusion", "checkpoint", "signature", "consistency"]);
        expect(v.checks.find((c) => c.step === "checkpoint")!.message).to.contain("earlier build a211e68");
        expect(v.flags).to.deep.equal([]);
        signers.push(/ by (0x[0-9a-f]{40})/.exec(v.checks.find((c) => c.step === "signature")!.message)![1]!);
      }
      // tax's first key, then (after the rotation) its second; seq 7 is health's acknowledgement (fixture README).
      const [oldKey, newKey, health] = [
        "0xf1c8d48d50940a740c19b4916a18efe84c98308b",
        "0x2ff2cc33f250985e35a6f5227366fbd93d2e1dee",
        "0x2e6f8b4a3bbe22d2ce47114ed63634fe8c142534",
      ];
      expect(signers).to.deep.equal([oldKey, oldKey, oldKey, oldKey, oldKey, newKey, newKey, health, newKey, newKey]);
    } finally {
      view.close();
    }
  });

  it("the provenance bundle is valid; a tampered old receipt is not", async () => {
    const b = await verifyBundle(v0.bundle, { rpcUrl: v0.node.rpcUrl, pins: v0.pins });
    expect(b).to.include({ valid: true, receipts: 9, verified: 9, dataset: "population/register" });
    const view = new ChainView({ rpcUrl: v0.node.rpcUrl });
    try {
      const v = await verifyWith(view, tampered(v0.receipts[0]), { pins: v0.pins });
      expect(v.valid).to.equal(false);
      expect(v.checks[0]).to.include({ step: "leaf-hash", ok: false, code: "LEAF_HASH_MISMATCH" });
    } finally {
      view.close();
    }
  });
});
