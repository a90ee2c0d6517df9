/**
 * The anchoring bookkeeping that decides what is served and whether writes
 * are taken, without a chain: the checkpoint book (services/anchor/checkpoint-book.ts),
 * the backlog's oldest pending age (services/anchor/backlog.ts; its basic
 * cases are in test/core/backlog.test.ts) and the write gate
 * (services/append/write-gate.ts) over a backlog driven by a hand-moved clock.
 */
import { expect } from "chai";
import type { Checkpoint } from "../../src/core/chain-checkpoint.ts";
import { CheckpointMismatchError } from "../../src/services/anchor/anchorer.ts";
import { Backlog } from "../../src/services/anchor/backlog.ts";
import { CheckpointBook } from "../../src/services/anchor/checkpoint-book.ts";
import { writeRefusal } from "../../src/services/append/write-gate.ts";
import { ManualClock } from "../helpers/fake-ports.ts";

const cp = (index: number, treeSize: number): Checkpoint => ({
  index,
  treeSize,
  rootHash: `0x${index.toString(16).padStart(64, "0")}`,
  txHash: `0x${"ab".repeat(32)}`,
  blockNumber: 100 + index,
  anchoredAt: 1_700_000_000 + index,
});

/** A book holding checkpoints of the given sizes, `onChain` of them on the chain. */
function book(sizes: number[], onChain = sizes.length): CheckpointBook {
  const b = new CheckpointBook();
  b.all = sizes.map((s, i) => cp(i, s));
  b.onChain = onChain;
  return b;
}

describe("checkpoint book: only what the chain holds is served", () => {
  it("an empty book serves nothing: no latest, anchored size 0, no receipt for any entry", () => {
    const b = new CheckpointBook();
    expect(b.served).to.deep.equal([]);
    expect(b.latest).to.equal(undefined);
    expect(b.anchoredSize).to.equal(0);
    expect(b.lost).to.equal(0);
    expect(b.covering(0)).to.equal(undefined);
  });

  it("all stored checkpoints on chain: all served, the latest's size is the anchored size", () => {
    const b = book([3, 7, 12]);
    expect(b.served.map((c) => c.index)).to.deep.equal([0, 1, 2]);
    expect(b.latest?.index).to.equal(2);
    expect(b.anchoredSize).to.equal(12);
    expect(b.lost).to.equal(0);
  });

  it("the chain holds fewer than stored: only the first ones are served, the rest counted as lost", () => {
    const b = book([3, 7, 12], 1);
    expect(b.served.map((c) => c.index)).to.deep.equal([0]);
    expect(b.latest?.index).to.equal(0);
    expect(b.anchoredSize).to.equal(3);
    expect(b.lost).to.equal(2);
    expect(b.all).to.have.lengthOf(3); // the stored ones are kept, to be anchored again
  });

  it("the chain holds none of them: nothing served, anchored size 0, every one lost", () => {
    const b = book([3, 7], 0);
    expect(b.served).to.deep.equal([]);
    expect(b.latest).to.equal(undefined);
    expect(b.anchoredSize).to.equal(0);
    expect(b.lost).to.equal(2);
    expect(b.covering(0)).to.equal(undefined);
  });

  it("an entry's receipt names the earliest served checkpoint covering it, the same one however many follow", () => {
    const b = book([3, 7, 12]);
    expect([0, 2, 3, 6, 7, 11].map((seq) => b.covering(seq)?.index)).to.deep.equal([0, 0, 1, 1, 2, 2]);
    expect(b.covering(12)).to.equal(undefined);
    b.all.push(cp(3, 20));
    b.onChain = 4;
    expect(b.covering(5)?.index).to.equal(1);
    expect(b.covering(12)?.index).to.equal(3);
  });

  it("an entry covered only by a checkpoint the chain lost has no receipt until it is anchored again", () => {
    const b = book([3, 7, 12], 2);
    expect(b.covering(6)?.index).to.equal(1);
    expect(b.covering(7)).to.equal(undefined);
    expect(b.covering(11)).to.equal(undefined);
    b.onChain = 3;
    expect(b.covering(11)?.index).to.equal(2);
  });
});

describe("backlog: the oldest pending age when the chain loses checkpoints", () => {
  it("entries committed before the loss keep their own (older) commit time", () => {
    const c = new ManualClock(1_000);
    const b = new Backlog(c.now);
    b.committed(10); // at 1000
    b.anchored(4);
    c.t = 5_000;
    b.unanchored(2, 3_000); // entries 2.. wait again since 3000, but 4..10 have waited since 1000
    expect(b.pending).to.equal(8);
    expect(b.oldestAgeMs()).to.equal(4_000);
  });

  it("a loss below everything anchored makes the lost entries wait from `since`; anchoring them again clears it", () => {
    const c = new ManualClock(1_000);
    const b = new Backlog(c.now);
    b.committed(10);
    b.anchored(10);
    expect(b.oldestAgeMs()).to.equal(0);
    c.t = 9_000;
    b.unanchored(6, 2_000);
    expect(b.pending).to.equal(4);
    expect(b.oldestAgeMs()).to.equal(7_000);
    b.anchored(10);
    expect(b.pending).to.equal(0);
    expect(b.oldestAgeMs()).to.equal(0);
  });

  it("a 'loss' at or above the anchored size changes nothing", () => {
    const c = new ManualClock(1_000);
    const b = new Backlog(c.now);
    b.committed(10);
    b.anchored(6);
    c.t = 4_000;
    b.unanchored(6, 3_500);
    b.unanchored(8, 3_500);
    expect(b.pending).to.equal(4);
    expect(b.oldestAgeMs()).to.equal(3_000);
  });

  it("a commit reported with its own time counts from that time; one already anchored (adopted) counts not at all", () => {
    const c = new ManualClock(10_000);
    const b = new Backlog(c.now);
    b.committed(5, 4_000);
    expect(b.oldestAgeMs()).to.equal(6_000);
    b.anchored(12); // checkpoints adopted from the chain ahead of what this process saw committed
    b.committed(12, 9_000);
    expect(b.pending).to.equal(0);
    expect(b.oldestAgeMs()).to.equal(0);
  });

  it("the age never reads negative when a commit time is ahead of the clock", () => {
    const c = new ManualClock(1_000);
    const b = new Backlog(c.now);
    b.committed(3, 2_000);
    expect(b.oldestAgeMs()).to.equal(0);
  });
});

describe("write gate: writes fail closed while anchoring lags", () => {
  const MAX = 60_000;
  function anchorer(c: ManualClock) {
    return { halted: undefined as CheckpointMismatchError | undefined, backlog: new Backlog(c.now) };
  }

  it("writes are taken while the oldest unanchored entry is no older than MAX_UNANCHORED_AGE_MS", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    expect(writeRefusal(a, MAX)).to.equal(undefined);
    a.backlog.committed(5);
    c.advance(MAX);
    expect(writeRefusal(a, MAX)).to.equal(undefined);
  });

  it("past the limit writes are refused with ANCHORING_STALLED (503), naming the backlog", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    a.backlog.committed(5);
    c.advance(MAX + 1);
    const e = writeRefusal(a, MAX);
    expect(e?.code).to.equal("ANCHORING_STALLED");
    expect(e?.status).to.equal(503);
    expect(e?.details).to.deep.equal({ pending: 5, oldestPendingAgeMs: MAX + 1, maxUnanchoredAgeMs: MAX });
    expect(e?.message).to.include("MAX_UNANCHORED_AGE_MS (60 s)");
  });

  it("writes are taken again once anchoring catches up, and refused again if it falls behind", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    a.backlog.committed(5);
    c.advance(MAX + 1);
    a.backlog.committed(9); // still taken by the backlog: the refusal is for new writes at the gate
    expect(writeRefusal(a, MAX)?.code).to.equal("ANCHORING_STALLED");
    a.backlog.anchored(5); // the group committed last is young: open again
    expect(writeRefusal(a, MAX)).to.equal(undefined);
    a.backlog.anchored(9);
    expect(writeRefusal(a, MAX)).to.equal(undefined);
    a.backlog.committed(10);
    c.advance(MAX + 1);
    expect(writeRefusal(a, MAX)?.code).to.equal("ANCHORING_STALLED");
  });

  it("a checkpoint the chain lost makes its entries count as waiting since they were received", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    a.backlog.committed(5);
    a.backlog.anchored(5);
    c.advance(MAX);
    expect(writeRefusal(a, MAX)).to.equal(undefined);
    a.backlog.unanchored(0, 1_000);
    expect(writeRefusal(a, MAX)).to.equal(undefined);
    c.advance(1);
    expect(writeRefusal(a, MAX)?.code).to.equal("ANCHORING_STALLED");
  });

  it("MAX_UNANCHORED_AGE_MS=0 means no limit, however old the backlog", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    a.backlog.committed(5);
    c.advance(365 * 86_400_000);
    expect(writeRefusal(a, 0)).to.equal(undefined);
    expect(writeRefusal(a, MAX)?.code).to.equal("ANCHORING_STALLED");
  });

  it("a checkpoint the log cannot back stops writes for good with CHAIN_MISMATCH, limit or not", () => {
    const c = new ManualClock(1_000);
    const a = anchorer(c);
    a.halted = new CheckpointMismatchError(3, { treeSize: 9, rootHash: "0x01" }, { treeSize: 9, rootHash: "0x02" });
    for (const max of [0, MAX]) {
      const e = writeRefusal(a, max);
      expect(e?.code).to.equal("CHAIN_MISMATCH");
      expect(e?.status).to.equal(503);
      expect(e?.details).to.deep.equal({ index: 3, local: { treeSize: 9, rootHash: "0x01" }, chain: { treeSize: 9, rootHash: "0x02" } });
    }
  });
});
