/**
 * Proofs from stored tree nodes: roots, inclusion and consistency proofs for
 * any committed size, each with O(log n) node reads (one `getMany`).
 *
 * Stored nodes never change once written, so the upper ones (level ≥
 * CACHED_LEVEL, shared by every proof through their subtree) are kept in
 * memory once read: a receipt at 1 M entries reads ~4 nodes, not ~20.
 */
import { foldRange, decompose, type NodeId } from "../../core/merkle/range.ts";
import { consistencyRanges, inclusionRanges, type Range } from "../../core/merkle/proofs.ts";
import { EMPTY_ROOT } from "../../core/merkle/hash.ts";
import { fromHex, isHash32, toHex, type Hex } from "../../core/hex.ts";
import type { LogStore } from "../../ports/store.ts";

/** Lowest level of the nodes kept in memory (one in 2^CACHED_LEVEL of the leaves has one per level). */
export const CACHED_LEVEL = 4;
/** Most nodes kept in memory (≈ 160 B each); past it, the cache is emptied. */
export const DEFAULT_NODE_CACHE_MAX = 200_000;

export class Prover {
  readonly #store: Pick<LogStore, "nodes">;
  readonly #cache = new Map<string, string>();
  readonly #max: number;

  constructor(store: Pick<LogStore, "nodes">, cacheMax = DEFAULT_NODE_CACHE_MAX) {
    this.#store = store;
    this.#max = cacheMax;
  }

  /** Hashes (hex) of stored nodes, upper ones from memory when already read. */
  async #nodes(ids: readonly NodeId[]): Promise<string[]> {
    const out = new Array<string>(ids.length);
    const miss: number[] = [];
    ids.forEach((n, i) => {
      const h = n.level >= CACHED_LEVEL ? this.#cache.get(`${n.level}:${n.index}`) : undefined;
      if (h === undefined) miss.push(i);
      else out[i] = h;
    });
    if (miss.length === 0) return out;
    const got = await this.#store.nodes(miss.map((i) => ids[i]!));
    if (this.#cache.size + miss.length > this.#max) this.#cache.clear();
    miss.forEach((i, j) => {
      out[i] = got[j]!;
      const n = ids[i]!;
      if (n.level >= CACHED_LEVEL) this.#cache.set(`${n.level}:${n.index}`, got[j]!);
    });
    return out;
  }

  /**
   * Hashes of the given ranges, fetched with one read of all their nodes. A
   * range that is one stored node (most of an audit path) is that node's hex
   * as stored, without decoding and encoding it again.
   */
  async #rangeHashes(ranges: readonly Range[]): Promise<Hex[]> {
    const parts = ranges.map((r) => decompose(r.begin, r.end));
    const ids: NodeId[] = parts.flat();
    const hexes = await this.#nodes(ids);
    const out: Hex[] = [];
    let i = 0;
    for (const p of parts) {
      const one = p.length === 1 ? hexes[i]! : undefined;
      out.push(one !== undefined && isHash32(one) ? one : toHex(foldRange(hexes.slice(i, i + p.length).map(fromHex))));
      i += p.length;
    }
    return out;
  }

  /** MTH(D[0:size]); `size` MUST be ≤ the committed size. */
  async root(size: number): Promise<Hex> {
    if (size === 0) return toHex(EMPTY_ROOT);
    return (await this.#rangeHashes([{ begin: 0, end: size }]))[0]!;
  }

  async leafHash(seq: number): Promise<Hex> {
    return (await this.#store.nodes([{ level: 0, index: seq }]))[0] as Hex;
  }

  /** Leaf hash of `seq` and its audit path in the tree of `size` leaves, with one read. */
  async leafAndPath(seq: number, size: number): Promise<{ leafHash: Hex; proof: Hex[] }> {
    const [leaf, ...proof] = await this.#rangeHashes([{ begin: seq, end: seq + 1 }, ...inclusionRanges(seq, size)]);
    return { leafHash: leaf!, proof };
  }

  /** Audit path of leaf `seq` in the tree of `size` leaves (0 ≤ seq < size ≤ committed size). */
  async inclusionProof(seq: number, size: number): Promise<Hex[]> {
    return this.#rangeHashes(inclusionRanges(seq, size));
  }

  /** Consistency proof from `from` to `to` (0 < from ≤ to ≤ committed size). */
  async consistencyProof(from: number, to: number): Promise<Hex[]> {
    return this.#rangeHashes(consistencyRanges(from, to));
  }
}
