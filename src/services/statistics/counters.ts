/**
 * Usage counters kept exact by construction: each group commit adds its new
 * exchanges' counts to the current values and writes them in the same durable
 * write as the entries (no second pass that could drift). Current values live
 * in a write-through cache (the appender is the only writer); a miss is read
 * from the store before the group is prepared.
 *
 * Cost: a record's 34 keys depend only on its counter tuple (day, provider,
 * consumer, dataset, purpose). A group sums its records per tuple (one map
 * update per record), then adds each distinct tuple's sums to its keys, which
 * are built once per tuple and remembered (CounterKeyMemo).
 */
import type { CountedRecord } from "../../core/counter-coords.ts";
import type { Count, CounterStore } from "../../ports/counters.ts";
import type { CounterWrite } from "../../ports/store.ts";

/** Most counter values kept in memory; past it, the least recently written are forgotten between groups. */
export const DEFAULT_CACHE_MAX = 500_000;

export class StatsCounters {
  readonly #store: Pick<CounterStore, "read">;
  readonly #cache = new Map<string, Count>();
  readonly #max: number;

  constructor(store: Pick<CounterStore, "read">, max = DEFAULT_CACHE_MAX) {
    this.#store = store;
    this.#max = max;
  }

  /** Reads the keys the cache does not hold. */
  async load(keys: Iterable<string>): Promise<void> {
    const want = new Set<string>();
    for (const k of keys) if (!this.#cache.has(k)) want.add(k);
    if (want.size === 0) return;
    const missing = [...want];
    const vals = await this.#store.read(missing);
    missing.forEach((k, i) => {
      if (!this.#cache.has(k)) this.#cache.set(k, vals[i]!);
    });
  }

  /** Adds a group's deltas; returns the new values to write. Every key MUST have been loaded. */
  apply(deltas: Map<string, [number, number]>): CounterWrite[] {
    const out: CounterWrite[] = [];
    for (const [k, [e, r]] of deltas) {
      const cur = this.#cache.get(k);
      if (!cur) throw new Error(`stats: counter ${k} was not loaded`);
      const next: Count = [cur[0] + e, cur[1] + r];
      // Re-inserted: the Map's order is least recently written first (what trim forgets).
      this.#cache.delete(k);
      this.#cache.set(k, next);
      out.push({ key: k, value: next });
    }
    return out;
  }

  /** After a failed write: forget everything (the store has the truth). */
  clear(): void {
    this.#cache.clear();
  }

  /**
   * Between groups: past the limit, forgets the least recently written values
   * down to 3/4 of it, never one of `protect` (keys of a group not yet written).
   * Counters are keyed by day, month and year: the cold ones are old periods.
   */
  trim(protect: ReadonlySet<string>): void {
    if (this.#cache.size <= this.#max) return;
    const target = Math.floor((this.#max * 3) / 4);
    for (const k of this.#cache.keys()) {
      if (this.#cache.size <= target) break;
      if (!protect.has(k)) this.#cache.delete(k);
    }
  }
}

/** Most tuples whose keys are remembered; past it, the memo is emptied. */
export const DEFAULT_KEY_MEMO_MAX = 20_000;

/** A record's counter keys per counter tuple, remembered (tuples repeat: the same flows and datasets, day after day). */
export class CounterKeyMemo {
  readonly #memo = new Map<string, readonly string[]>();
  readonly #keysOf: (r: CountedRecord) => readonly string[];
  readonly #max: number;

  constructor(keysOf: (r: CountedRecord) => readonly string[], max = DEFAULT_KEY_MEMO_MAX) {
    this.#keysOf = keysOf;
    this.#max = max;
  }

  /** `tuple` MUST be `counterTuple(r)`. Throws what `keysOf` throws. */
  keys(tuple: string, r: CountedRecord): readonly string[] {
    let k = this.#memo.get(tuple);
    if (k === undefined) {
      k = this.#keysOf(r);
      if (this.#memo.size >= this.#max) this.#memo.clear();
      this.#memo.set(tuple, k);
    }
    return k;
  }
}

/** Adds one exchange to a per-tuple sum (exchanges, records). */
export function addToTuple(sums: Map<string, [number, number]>, tuple: string, recordCount: number): void {
  const d = sums.get(tuple);
  if (d) {
    d[0] += 1;
    d[1] += recordCount;
  } else sums.set(tuple, [1, recordCount]);
}

/** Spreads per-tuple sums over their counter keys; `keysOf` MUST know every tuple of `sums`. */
export function spreadTuples(
  sums: ReadonlyMap<string, readonly [number, number]>,
  keysOf: ReadonlyMap<string, readonly string[]>,
): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const [tuple, [e, n]] of sums) {
    for (const k of keysOf.get(tuple)!) {
      const d = out.get(k);
      if (d) {
        d[0] += e;
        d[1] += n;
      } else out.set(k, [e, n]);
    }
  }
  return out;
}
