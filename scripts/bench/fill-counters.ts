/**
 * Fills an empty store's usage counters with exactly what the appender would
 * write for the same records — the same keys (`store.counters.keysOf`), the
 * same per-tuple sums (`addToTuple`, `spreadTuples`) — without the entries,
 * tree nodes, indexes and signature checks that statistics never read
 * (SPEC §5: statistics come from the counters alone). It holds for records
 * with distinct ids (the appender counts a replay once and refuses a reused
 * id) given as one array per day, in day order (cityDays): a day's counters
 * are final when its array is summed and are written then; the monthly and
 * yearly rollups when their month or year ends. Unsynced batches: a
 * benchmark's store, not a ledger. test/bench/fill-counters.test.ts holds it
 * equal to the appender's counters.
 */
import type { Store } from "../../src/adapters/leveldb/store.ts";
import { K } from "../../src/adapters/leveldb/keys.ts";
import { counterTuple } from "../../src/core/counter-coords.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import { formatCount } from "../../src/adapters/leveldb/counter-store.ts";
import { addToTuple, spreadTuples } from "../../src/services/statistics/counters.ts";

const BATCH = 50_000;
const SAMPLE_EVERY = 997;
const SAMPLE_MAX = 10_000;

/** The key prefix every monthly (or yearly) rollup shares, counters and flows alike, as keys.ts lays them out. */
const common = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
};
const MONTHLY = common(K.monthCounterPrefix("_"), K.monthFlowPrefix);
const YEARLY = common(K.yearCounterPrefix("_"), K.yearFlowPrefix);

/** What a fill wrote: records counted, counter keys written, and a spread of those keys (for point reads). */
export interface CounterFill {
  records: number;
  keys: number;
  sampleKeys: string[];
}

type Sums = Map<string, [number, number]>;

function addInto(to: Sums, key: string, v: [number, number]): void {
  const cur = to.get(key);
  if (cur) {
    cur[0] += v[0];
    cur[1] += v[1];
  } else to.set(key, [v[0], v[1]]);
}

export async function fillCounters(store: Store, days: Iterable<readonly ExchangeRecord[]>, progress?: (records: number) => void): Promise<CounterFill> {
  let month: Sums = new Map();
  let year: Sums = new Map();
  let records = 0;
  let keys = 0;
  let written = 0;
  let lastDay = "";
  const sampleKeys: string[] = [];
  const write = async (sums: Sums) => {
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
  for (const recs of days) {
    if (recs.length === 0) continue;
    const day = recs[0]!.occurredAt.slice(0, 10);
    // A day given twice would overwrite its first part's counters instead of adding to them.
    if (day <= lastDay) throw new Error(`fillCounters: one array per day, in day order (${day} after ${lastDay})`);
    if (lastDay !== "" && day.slice(0, 7) !== lastDay.slice(0, 7)) {
      await write(month);
      month = new Map();
    }
    if (lastDay !== "" && day.slice(0, 4) !== lastDay.slice(0, 4)) {
      await write(year);
      year = new Map();
    }
    lastDay = day;
    const sums: Sums = new Map();
    const keysOf = new Map<string, readonly string[]>();
    for (const r of recs) {
      if (r.occurredAt.slice(0, 10) !== day) throw new Error(`fillCounters: a day's records must share their day (${r.occurredAt} in ${day})`);
      const t = counterTuple(r);
      addToTuple(sums, t, r.recordCount);
      if (!keysOf.has(t)) keysOf.set(t, store.counters.keysOf(r));
    }
    const daily: Sums = new Map();
    for (const [k, v] of spreadTuples(sums, keysOf)) addInto(k.startsWith(MONTHLY) ? month : k.startsWith(YEARLY) ? year : daily, k, v);
    await write(daily);
    records += recs.length;
    progress?.(records);
  }
  await write(month);
  await write(year);
  return { records, keys, sampleKeys };
}
