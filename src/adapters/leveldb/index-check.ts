/** The audit's view of the derived indexes (ports/index-check.ts), read from LevelDB as stored. */
import type { Level } from "level";
import type { NodeId } from "../../core/merkle/range.ts";
import type { CounterTally, IdIndexKey, IndexCheck } from "../../ports/index-check.ts";
import { COUNTER_PREFIXES } from "./counter-store.ts";
import { compareDerived, DerivedIndexes } from "./derived-indexes.ts";
import { departmentKeys, indexKeys, K, prefixEnd, type DepartmentIndexed } from "./keys.ts";

const idKey = (k: IdIndexKey): string => (k.kind === "ack" ? K.ackOf(k.provider, k.id) : K.byProvider(k.provider, k.id));
const DATASET = "x:d:";
const BY_PROVIDER = "x:p:";
const BY_CONSUMER = "x:c:";

export class LevelIndexCheck implements IndexCheck {
  readonly #db: Level;

  constructor(db: Level) {
    this.#db = db;
  }

  async storedNodes(ids: readonly NodeId[]): Promise<Array<string | undefined>> {
    return ids.length === 0 ? [] : this.#db.getMany(ids.map((n) => K.node(n.level, n.index)));
  }

  async idIndex(keys: readonly IdIndexKey[]): Promise<Array<string | undefined>> {
    return keys.length === 0 ? [] : this.#db.getMany(keys.map(idKey));
  }

  idIndexLabel(k: IdIndexKey): string {
    return idKey(k);
  }

  async datasetIndex(
    exchanges: ReadonlyArray<{ seq: number; dataset: string; derivedFrom: readonly string[] }>,
  ): Promise<{ missing: Array<{ seq: number; key: string }>; present: number }> {
    const keys = exchanges.flatMap((e) => indexKeys(e).map((k) => [e.seq, k] as const));
    const got = keys.length === 0 ? [] : await this.#db.getMany(keys.map(([, k]) => k));
    const missing: Array<{ seq: number; key: string }> = [];
    let present = 0;
    keys.forEach(([seq, key], i) => {
      if (got[i] === undefined) missing.push({ seq, key });
      else if (key.startsWith(DATASET)) present++;
    });
    return { missing, present };
  }

  async departmentIndex(exchanges: readonly DepartmentIndexed[]): Promise<{ missing: Array<{ seq: number; key: string }>; present: number }> {
    const keys = exchanges.flatMap((e) => departmentKeys(e).map((k) => [e.seq, k] as const));
    const got = keys.length === 0 ? [] : await this.#db.getMany(keys.map(([, k]) => k));
    const missing = keys.filter((_, i) => got[i] === undefined).map(([seq, key]) => ({ seq, key }));
    return { missing, present: keys.length - missing.length };
  }

  async countDepartmentIndex(): Promise<number> {
    return (await this.#count(BY_PROVIDER)) + (await this.#count(BY_CONSUMER));
  }

  async *departmentIndexEntries(): AsyncGenerator<{ key: string; role: "provider" | "consumer"; department: string; day: string; seq: number }> {
    for (const [prefix, role] of [
      [BY_PROVIDER, "provider"],
      [BY_CONSUMER, "consumer"],
    ] as const) {
      for await (const key of this.#db.keys({ gte: prefix, lt: prefixEnd(prefix) })) {
        const [department = "", day = "", seq = ""] = key.slice(prefix.length).split("!");
        yield { key, role, department, day, seq: Number(seq) };
      }
    }
  }

  async #count(prefix: string): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys({ gte: prefix, lt: prefixEnd(prefix) })) n++;
    return n;
  }

  countIdIndex(): Promise<number> {
    return this.#count("p:");
  }

  countDatasetIndex(): Promise<number> {
    return this.#count(DATASET);
  }

  async *idIndexEntries(): AsyncGenerator<{ key: string; provider: string; id: string; value: string }> {
    for await (const [key, value] of this.#db.iterator({ gte: "p:", lt: prefixEnd("p:") })) {
      const rest = key.slice(2);
      const i = rest.indexOf(":"); // provider ids have no ":"
      yield { key, provider: rest.slice(0, i), id: rest.slice(i + 1), value };
    }
  }

  async *datasetIndexEntries(): AsyncGenerator<{ key: string; dataset: string; seq: number }> {
    for await (const key of this.#db.keys({ gte: DATASET, lt: prefixEnd(DATASET) })) {
      const bang = key.lastIndexOf("!");
      yield { key, dataset: key.slice(DATASET.length, bang), seq: Number(key.slice(bang + 1)) };
    }
  }

  counterTally(): CounterTally {
    const d = new DerivedIndexes({ plain: false });
    const store = { db: this.#db };
    return {
      add: (r) => d.addCounts(r),
      async compare(max = 1000) {
        const c = await compareDerived(store, d, COUNTER_PREFIXES, max);
        return { diffs: c.diffs.map((x) => ({ key: x.key, stored: x.live, recomputed: x.rebuilt })), total: c.total };
      },
    };
  }
}
