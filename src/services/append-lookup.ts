/**
 * Before a group is prepared: the stored seqs and entries of its
 * provider+id keys (read only for keys the filter may have seen), and the
 * current values of every usage counter it may change.
 */
import type { LogStore } from "../ports/store.ts";
import type { LogEntry } from "../core/ack.ts";
import { itemKey, itemParty, type Item, type Lookup } from "./append-types.ts";
import type { KnownKeys } from "./known-keys.ts";
import type { StatsCounters } from "./stats-counters.ts";

/** `counterKeys`: every counter key the items may change, built beforehand per submission (see Appender#vet). */
export async function lookupGroup(
  store: Pick<LogStore, "seqsByProviderId" | "entries">,
  seen: KnownKeys,
  counters: StatsCounters,
  items: readonly Item[],
  counterKeys: Iterable<string>,
): Promise<Lookup> {
  const counterLoad = counters.load(counterKeys);
  const maybe: number[] = [];
  for (let i = 0; i < items.length; i++) if (seen.mightContain(itemKey(items[i]!))) maybe.push(i);
  const seqs = new Array<number | undefined>(items.length);
  if (maybe.length === 0) {
    await counterLoad;
    return { seqs, entries: new Map() };
  }
  const got = await store.seqsByProviderId(maybe.map((i) => itemParty(items[i]!)));
  maybe.forEach((i, j) => (seqs[i] = got[j]));
  const hitSeqs = [...new Set(seqs.filter((s): s is number => s !== undefined))];
  const raw = await store.entries(hitSeqs);
  await counterLoad;
  return { seqs, entries: new Map(hitSeqs.map((s, i) => [s, JSON.parse(raw[i]!) as LogEntry])) };
}

/** Every counter key of a group, from its keys per counter tuple (repeats included: `load` skips them). */
export function* allKeys(tupleKeys: ReadonlyMap<string, readonly string[]>): Generator<string> {
  for (const keys of tupleKeys.values()) yield* keys;
}
