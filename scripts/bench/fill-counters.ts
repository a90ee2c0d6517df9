/**
 * Fills an empty store's usage counters with exactly what the appender would
 * write for the same records — the same keys (`store.counters.keysOf`), the
 * same per-tuple sums (`addToTuple`, `spreadTuples`) — without the entries,
 * tree nodes, indexes and signature checks that statistics never read
 * (SPEC §5: statistics come from the counters alone). Records MUST come in
 * day order (cityDays): a day's counters are final when its records are
 * summed and are written then; the month and year rollups when their period
 * ends. Unsynced batches: a benchmark's store, not a ledger.
 * test/bench/fill-counters.test.ts holds it equal to the appender's counters.
 */
import type { Store } from "../../src/adapters/leveldb/store.ts";
import { counterTuple } from "../../src/core/counter-coords.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import { formatCount } from "../../src/adapters/leveldb/counter-store.ts";
import { addToTuple, spreadTuples } from "../../src/services/stats-counters.ts";

const BATCH = 50_000;

/** What a fill wrote: records counted, counter keys written, and a spread of those keys (for point reads). */
export interface CounterFill {
  records: number;
  keys: number;
  sampleKeys: string[];
}

const SAMPLE_EVERY = 997;
const SAMPLE_MAX = 10_000;

export async function fillCounters(store: Store, days: Iterable<readonly ExchangeRecord[]>, progress?: (records: number) => void): Promise<CounterFill> {
  const open = new Map<string, [number, number]>(); // month and year rollups of periods not yet ended
  let records = 0;
  let keys = 0;
  let lastDay = "";
  const sampleKeys: string[] = [];
  let written = 0;
  const write = async (sums: Map<string, [number, number]>) => {
    let ops: Array<{ type: "put"; key: string; value: string }> = [];
    for (const [key, v] of sums) {
      ops.push({ type: "put", key, value: formatCount(v) });
      if (++written % SAMPLE_EVERY === 0 && sampleKeys.length < SAMPLE_MAX) sampleKeys.push(key);
      if (ops.length >= BATCH) {
        await store.db.batch(ops);
        ops = [];
      }
    }
    if (ops.length) await store.db.batch(ops);
    keys += sums.size;
  };
  // Rollup keys carry their period right after the prefix and group: a month's keys end with the month.
  const flushEnded = async (day: string) => {
    const ended = new Map<string, [number, number]>();
    for (const [k, v] of open) {
      const period = /^(?:r:[^:]+:(\d{4}-\d{2})|y:[^:]+:(\d{4}))/.exec(k)!;
      const p = period[1] ?? period[2]!;
      if (day === "" || !day.startsWith(p)) ended.set(k, v);
    }
    for (const k of ended.keys()) open.delete(k);
    await write(ended);
  };
  for (const recs of days) {
    const day = recs[0]!.occurredAt.slice(0, 10);
    if (day < lastDay) throw new Error(`fillCounters: records out of day order (${day} after ${lastDay})`);
    if (day.slice(0, 7) !== lastDay.slice(0, 7) && lastDay !== "") await flushEnded(day);
    lastDay = day;
    const sums = new Map<string, [number, number]>();
    const keysOf = new Map<string, readonly string[]>();
    for (const r of recs) {
      if (r.occurredAt.slice(0, 10) !== day) throw new Error(`fillCounters: a day's records must share their day (${r.occurredAt} in ${day})`);
      const t = counterTuple(r);
      addToTuple(sums, t, r.recordCount);
      if (!keysOf.has(t)) keysOf.set(t, store.counters.keysOf(r));
    }
    const daily = new Map<string, [number, number]>();
    for (const [k, v] of spreadTuples(sums, keysOf)) {
      if (k.startsWith("r:") || k.startsWith("y:")) {
        const cur = open.get(k);
        if (cur) {
          cur[0] += v[0];
          cur[1] += v[1];
        } else open.set(k, v);
      } else daily.set(k, v);
    }
    await write(daily);
    records += recs.length;
    progress?.(records);
  }
  await flushEnded("");
  return { records, keys, sampleKeys };
}
