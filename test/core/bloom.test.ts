import { expect } from "chai";
import { BloomFilter } from "../../src/core/bloom.ts";

describe("core/bloom", () => {
  it("never forgets a key, and keeps false positives near the target rate", () => {
    const f = new BloomFilter(50_000, 0.01);
    for (let i = 0; i < 50_000; i++) f.add(`tax:rec-${i}`);
    for (let i = 0; i < 50_000; i++) expect(f.mightContain(`tax:rec-${i}`)).to.equal(true);
    let fp = 0;
    for (let i = 0; i < 50_000; i++) if (f.mightContain(`health:rec-${i}`)) fp++;
    expect(fp / 50_000).to.be.lessThan(0.03);
  });
});
