import { expect } from "chai";
import { signersActiveAt, type RegistryEvent } from "../../src/core/key-history.ts";

describe("core/key-history", () => {
  const h: RegistryEvent[] = [
    { kind: "registered", timestamp: 100, signer: "0xa" },
    { kind: "rotated", timestamp: 200, signer: "0xb" },
    { kind: "revoked", timestamp: 300 },
  ];
  const at = (s: number) => [...signersActiveAt(h, s * 1000 + 500)].sort();
  it("gives the signer active at the time, never just today's", () => {
    expect(at(50)).to.deep.equal([]);
    expect(at(150)).to.deep.equal(["0xa"]);
    expect(at(250)).to.deep.equal(["0xb"]);
    expect(at(350)).to.deep.equal([]);
  });
  it("accepts either signer within the second of a rotation (block times are whole seconds)", () => {
    expect(at(200)).to.deep.equal(["0xa", "0xb"]);
    expect(at(300)).to.deep.equal(["0xb"]);
  });
});
