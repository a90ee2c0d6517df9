/**
 * Node ids of the stored tree. Node (level L, index i) is the root of the
 * perfect subtree over leaves [i·2^L, (i+1)·2^L); only such nodes are stored.
 * Any RFC 9162 subtree hash MTH(D[a:b]) whose range comes from the RFC's
 * recursive split is a right fold of the perfect subtrees that decompose [a, b).
 */
import { hashChildren, type Hash } from "./hash.ts";

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Perfect subtrees that make up [begin, end), left to right (largest first). */
export function decompose(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  let a = begin;
  while (a < end) {
    let level = 0;
    // Grow while a stays aligned and the subtree still fits.
    while (a % 2 ** (level + 1) === 0 && a + 2 ** (level + 1) <= end) level++;
    ids.push({ level, index: a / 2 ** level });
    a += 2 ** level;
  }
  return ids;
}

/** MTH of a range from the hashes of its decomposition, in the same order. */
export function foldRange(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) throw new RangeError("foldRange: empty range");
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

/** Largest power of two strictly smaller than n (n ≥ 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
