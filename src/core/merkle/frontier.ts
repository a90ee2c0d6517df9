/**
 * The right edge of an append-only RFC 9162 tree: the roots of the perfect
 * subtrees that make up [0, size), one per set bit of `size`, largest first.
 * Appending a leaf returns every perfect node it completes, so storage can
 * keep all of them and later serve any proof with O(log n) reads.
 */
import { EMPTY_ROOT, hashChildren, type Hash } from "./hash.ts";
import { decompose, foldRange, type NodeId } from "./range.ts";

export interface StoredNode extends NodeId {
  readonly hash: Hash;
}

export class Frontier {
  #size: number;
  /** Hashes of `decompose(0, size)`, same order. */
  #hashes: Hash[];

  /** `hashes` MUST be the hashes of `decompose(0, size)`, in order. */
  constructor(size = 0, hashes: Hash[] = []) {
    if (decompose(0, size).length !== hashes.length) throw new RangeError("Frontier: hashes do not match size");
    this.#size = size;
    this.#hashes = hashes.slice();
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf; returns the leaf node and every node it completes (bottom-up). */
  append(leafHash: Hash): StoredNode[] {
    const index = this.#size;
    const out: StoredNode[] = [{ level: 0, index, hash: leafHash }];
    let h = leafHash;
    let level = 0;
    let i = index;
    // While the new node is a right child, merge it with its left sibling.
    while ((i & 1) === 1) {
      const left = this.#hashes.pop()!;
      h = hashChildren(left, h);
      level++;
      i = (i - 1) / 2;
      out.push({ level, index: i, hash: h });
    }
    this.#hashes.push(h);
    this.#size++;
    return out;
  }

  clone(): Frontier {
    return new Frontier(this.#size, this.#hashes);
  }

  /** MTH(D[0:size]). */
  root(): Hash {
    return this.#hashes.length === 0 ? EMPTY_ROOT : foldRange(this.#hashes);
  }
}
