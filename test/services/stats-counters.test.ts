import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { CounterKeyMemo, spreadTuples, addToTuple, StatsCounters } from "../../src/services/statistics/counters.ts";
import { counterKeys, formatCount } from "../../src/adapters/leveldb/counter-store.ts";
import { counterTuple, DIMENSIONS, dimensionValue, type CountedRecord } from "../../src/core/counter-coords.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

const rec = (i: number, purpose: string, dataset: string, day: number): ExchangeRecord => ({
  id: `r-${i}`,
  provider: `p${i % 3}`,
  consumer: `c${i % 2}`,
  dataset,
  purpose,
  legalBasis: "",
  recordCount: 1 + (i % 7),
  payloadDigest: `0x${"0".repeat(64)}`,
  derivedFrom: [],
  occurredAt: new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString(),
  signature: `0x${"1b".repeat(65)}`,
});

/** Sums per key, one record at a time (what the appender did before counters were summed per tuple). */
function perRecord(recs: ExchangeRecord[]): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const r of recs)
    for (const k of counterKeys(r)) {
      const d = out.get(k) ?? [0, 0];
      out.set(k, [d[0] + 1, d[1] + r.recordCount]);
    }
  return out;
}

/** The 34 keys written out literally, key by key (the layout of keys.ts's header), each value encoded where it is used. */
function referenceKeys(r: CountedRecord): string[] {
  const day = r.occurredAt.slice(0, 10);
  const month = day.slice(0, 7);
  const year = day.slice(0, 4);
  const e = (d: (typeof DIMENSIONS)[number]) => encodeURIComponent(dimensionValue(r, d));
  const keys = [
    `q:*::_:${day}`,
    `f:${day}:${r.provider}:${r.consumer}`,
    `r:_:${month}`,
    `r:f:${month}:${r.provider}:${r.consumer}`,
    `y:_:${year}`,
    `y:f:${year}:${r.provider}:${r.consumer}`,
  ];
  for (const g of DIMENSIONS) keys.push(`q:*::${g}:${day}:${e(g)}`, `r:${g}:${month}:${e(g)}`, `y:${g}:${year}:${e(g)}`);
  for (const f of DIMENSIONS) {
    keys.push(`q:${f}:${e(f)}:_:${day}`);
    for (const g of DIMENSIONS) if (g !== f) keys.push(`q:${f}:${e(f)}:${g}:${day}:${e(g)}`);
  }
  return keys;
}

describe("statistics counters: summed per counter tuple", () => {
  it("counterKeys gives the keys of the layout, in order, for any text (':', '%', '/', non-ASCII, NFC variants)", () => {
    expect(counterKeys(rec(1, "caf\u00e9", "city/ds-1", 3))).to.include("q:d:city%2Fds-1:u:2025-01-04:caf%C3%A9");
    const text = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
      fc.constantFrom("caf\u00e9", "cafe\u0301", "a:b", "50%", "city/ds-1", "x y"),
    );
    fc.assert(
      fc.property(fc.tuple(text, text, text, text, fc.nat(2000)), ([dataset, provider, consumer, purpose, day]) => {
        const r = { dataset, provider, consumer, purpose, occurredAt: new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString() };
        const keys = counterKeys(r);
        expect(keys).to.have.lengthOf(34);
        expect(keys).to.deep.equal(referenceKeys(r));
      }),
      { seed: 29, numRuns: 300 },
    );
  });

  it("spreading per-tuple sums gives exactly the per-record sums (NFC-equivalent purposes included)", () => {
    const purposes = ["planning", "caf\u00e9", "cafe\u0301", 'audit, "x"'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(4), fc.nat(40)), { maxLength: 200 }), (xs) => {
        const recs = xs.map(([p, d, day], i) => rec(i, purposes[p]!, `ds-${d}`, day));
        const memo = new CounterKeyMemo(counterKeys, 5);
        const sums = new Map<string, [number, number]>();
        const keysOf = new Map<string, readonly string[]>();
        for (const r of recs) {
          const t = counterTuple(r);
          keysOf.set(t, memo.keys(t, r));
          addToTuple(sums, t, r.recordCount);
        }
        expect(spreadTuples(sums, keysOf)).to.deep.equal(perRecord(recs));
      }),
      { seed: 13, numRuns: 60 },
    );
  });

  it("a value forgotten past the cache limit is read back from the store, so counts stay exact", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dxl-counters-"));
    const store = await Store.open(join(dir, "db"));
    try {
      const c = new StatsCounters(store.counters, 8);
      const expectedTotals = new Map<string, number>();
      for (let round = 0; round < 30; round++) {
        const deltas = new Map<string, [number, number]>([
          [`q:k${round % 11}`, [1, round]],
          [`q:k${(round * 7) % 11}`, [2, 1]],
        ]);
        await c.load(deltas.keys());
        const writes = c.apply(deltas);
        await store.db.batch(writes.map((w) => ({ type: "put" as const, key: w.key, value: formatCount(w.value) })));
        for (const [k, [e]] of deltas) expectedTotals.set(k, (expectedTotals.get(k) ?? 0) + e);
        c.trim(new Set());
      }
      for (const [k, n] of expectedTotals) expect(Number((await store.db.get(k)).split(",")[0])).to.equal(n, k);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
