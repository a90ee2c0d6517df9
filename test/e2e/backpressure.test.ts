/**
 * Backpressure: past `maxQueued` waiting records the appender refuses at once
 * with OVERLOADED (the HTTP layer answers 503 + Retry-After), stores nothing
 * of what it refused, and takes writes again once the queue drains.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { isLedgerError } from "../../src/core/errors.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import { tempDir } from "../helpers/service.ts";

const rec = (i: number): ExchangeRecord => ({
  id: `q-${i}`,
  provider: "tax",
  consumer: "health",
  dataset: "ds/q",
  purpose: "backpressure",
  legalBasis: "",
  recordCount: i,
  payloadDigest: payloadDigest(`q ${i}`),
  derivedFrom: [],
  occurredAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
  signature: `0x${"1".repeat(130)}`,
});

describe("appender: backpressure", () => {
  it("refuses with OVERLOADED past maxQueued, stores nothing refused, and recovers once drained", async () => {
    const dir = tempDir();
    const store = await Store.open(join(dir, "ledger"));
    const appender = await Appender.open(store, { maxQueued: 50, maxGroup: 10 });
    try {
      // 40 submissions of 5 records at once: the queue holds 50 records, the rest are refused.
      const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, b) => appender.submit(Array.from({ length: 5 }, (_, i) => rec(b * 5 + i)))));
      const refused = outcomes.filter((o) => o.status === "rejected");
      const taken = outcomes.filter((o) => o.status === "fulfilled");
      expect(refused.length, "some submissions are refused").to.be.above(0);
      expect(taken.length, "some are taken").to.be.above(0);
      for (const o of refused) expect(isLedgerError(o.reason, "OVERLOADED"), String(o.reason)).to.equal(true);
      expect(appender.size, "exactly the records of the taken submissions are in the log").to.equal(taken.length * 5);
      // Drained: writes are taken again.
      const again = await appender.submit([rec(10_000)]);
      expect(again[0]!.seq).to.equal(taken.length * 5);
    } finally {
      await appender.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
