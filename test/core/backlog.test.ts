import { expect } from "chai";
import { Backlog } from "../../src/services/anchor/backlog.ts";

describe("backlog: the age of the oldest unanchored entry", () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, at: (v: number) => (t = v) };
  };

  it("is 0 with nothing pending, and the wait of the oldest commit not wholly anchored", () => {
    const c = clock();
    const b = new Backlog(c.now);
    expect(b.oldestAgeMs()).to.equal(0);
    b.committed(5); // t = 1000
    c.at(1_500);
    b.committed(8);
    c.at(2_000);
    expect(b.pending).to.equal(8);
    expect(b.oldestAgeMs()).to.equal(1_000);
    b.anchored(5);
    expect(b.pending).to.equal(3);
    expect(b.oldestAgeMs()).to.equal(500);
    b.anchored(7); // part of the second group: it still waits since 1500
    expect(b.oldestAgeMs()).to.equal(500);
    b.anchored(8);
    expect(b.pending).to.equal(0);
    expect(b.oldestAgeMs()).to.equal(0);
  });

  it("ignores sizes it has seen, and counts again from `since` what the chain lost", () => {
    const c = clock();
    const b = new Backlog(c.now);
    b.committed(4);
    b.committed(4);
    b.committed(3);
    b.anchored(4);
    c.at(5_000);
    b.committed(6);
    b.unanchored(2, 900); // the chain lost the checkpoint at 4: entries 2.. wait since 900
    expect(b.pending).to.equal(4);
    expect(b.oldestAgeMs()).to.equal(4_100);
    b.anchored(6);
    expect(b.oldestAgeMs()).to.equal(0);
  });
});
