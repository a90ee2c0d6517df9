/**
 * The provider:id keys the log holds, as a Bloom filter rebuilt from the store
 * at start. A key it has never seen is new for certain, so recording a new
 * record needs no LevelDB read; a "maybe" is settled by reading the store.
 * Past its capacity the filter is rebuilt twice as large.
 */
import { BloomFilter } from "../../core/bloom.ts";
import type { LogStore } from "../../ports/store.ts";

type Store = Pick<LogStore, "providerIdKeys">;

export const MIN_CAPACITY = 1 << 20;

export class KnownKeys {
  readonly #store: Store;
  #filter: BloomFilter;

  private constructor(store: Store, filter: BloomFilter) {
    this.#store = store;
    this.#filter = filter;
  }

  static async load(store: Store, size: number): Promise<KnownKeys> {
    return new KnownKeys(store, await KnownKeys.#scan(store, size));
  }

  static async #scan(store: Store, size: number): Promise<BloomFilter> {
    const f = new BloomFilter(Math.max(MIN_CAPACITY, size * 2));
    for await (const k of store.providerIdKeys()) f.add(k);
    return f;
  }

  mightContain(key: string): boolean {
    return this.#filter.mightContain(key);
  }

  /** Adds keys now on disk; rebuilds the filter when it is over capacity. */
  async added(keys: readonly string[], size: number): Promise<void> {
    for (const k of keys) this.#filter.add(k);
    if (this.#filter.count > this.#filter.capacity) this.#filter = await KnownKeys.#scan(this.#store, size);
  }
}
