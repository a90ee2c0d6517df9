import { expect } from "chai";
import fc from "fast-check";
import { fromHex, toHex } from "../../src/core/hex.ts";

/** What fromHex must agree with: one byte per two digits, the way it decoded before it went by char code. */
const bySubstring = (h: string) => Uint8Array.from({ length: h.length >>> 1 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));

describe("hex", () => {
  it("fromHex(toHex(b)) is b for any bytes, with or without 0x, in either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, upper) => {
        const hex = toHex(bytes);
        expect(hex).to.match(/^0x[0-9a-f]*$/);
        const digits = upper ? hex.slice(2).toUpperCase() : hex.slice(2);
        expect(fromHex(`0x${digits}`)).to.deep.equal(bytes);
        expect(fromHex(digits)).to.deep.equal(bytes);
        expect(fromHex(`0x${digits}`)).to.deep.equal(bySubstring(digits));
      }),
      { seed: 20261201, numRuns: 500 },
    );
  });

  it("every byte value both ways", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).to.equal(`0x${Array.from(all, (b) => b.toString(16).padStart(2, "0")).join("")}`);
    expect(fromHex(toHex(all))).to.deep.equal(all);
    expect(fromHex("0x")).to.deep.equal(new Uint8Array(0));
  });
});
