/**
 * RFC 9162 §2.1.3.2 / §2.1.4.2 proof verification, after transparency-dev/merkle
 * `proof/verify.go`: the proof length implied by the sizes is checked before
 * any hashing. Every failure is a typed result carrying its evidence.
 */
import { bytesEqual, toHex } from "../hex.ts";
import { hashChildren, type Hash } from "./hash.ts";

export type ProofFailure =
  | { readonly reason: "INDEX_OUT_OF_RANGE"; readonly leafIndex: number; readonly treeSize: number }
  | { readonly reason: "BAD_HASH_LENGTH"; readonly length: number }
  | { readonly reason: "WRONG_PROOF_SIZE"; readonly got: number; readonly want: number }
  | { readonly reason: "SIZE_DECREASED"; readonly size1: number; readonly size2: number }
  | { readonly reason: "EMPTY_TREE" }
  | { readonly reason: "ROOT_MISMATCH"; readonly computed: string; readonly expected: string };

export type ProofResult = { readonly ok: true } | ({ readonly ok: false } & ProofFailure);

const OK: ProofResult = Object.freeze({ ok: true });

function fail(f: ProofFailure): ProofResult {
  return { ok: false, ...f };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}
function popCount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === "1") n++;
  return n;
}
function trailingZeros(x: bigint): number {
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

function decomposition(index: bigint, size: bigint): [inner: number, border: number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, popCount(index >> BigInt(inner))];
}

function matchRoot(computed: Hash, expected: Hash): ProofResult {
  return bytesEqual(computed, expected) ? OK : fail({ reason: "ROOT_MISMATCH", computed: toHex(computed), expected: toHex(expected) });
}

/** Root implied by an inclusion proof, or the reason there is none. */
export function rootFromInclusionProof(
  leafIndex: number | bigint,
  treeSize: number | bigint,
  leafHash: Hash,
  proof: readonly Hash[],
): { ok: true; root: Hash } | ({ ok: false } & ProofFailure) {
  const index = BigInt(leafIndex);
  const size = BigInt(treeSize);
  if (index < 0n || index >= size) {
    return { ok: false, reason: "INDEX_OUT_OF_RANGE", leafIndex: Number(index), treeSize: Number(size) };
  }
  if (leafHash.length !== 32) return { ok: false, reason: "BAD_HASH_LENGTH", length: leafHash.length };
  const [inner, border] = decomposition(index, size);
  if (proof.length !== inner + border) {
    return { ok: false, reason: "WRONG_PROOF_SIZE", got: proof.length, want: inner + border };
  }
  let r = leafHash;
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i]!;
    if (p.length !== 32) return { ok: false, reason: "BAD_HASH_LENGTH", length: p.length };
    r = i < inner && ((index >> BigInt(i)) & 1n) === 0n ? hashChildren(r, p) : hashChildren(p, r);
  }
  return { ok: true, root: r };
}

/** Checks that `proof` proves `leafHash` is leaf `leafIndex` of the tree (`treeSize`, `root`). */
export function verifyInclusion(leafIndex: number | bigint, treeSize: number | bigint, leafHash: Hash, proof: readonly Hash[], root: Hash): ProofResult {
  const r = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!r.ok) return r;
  if (root.length !== 32) return fail({ reason: "BAD_HASH_LENGTH", length: root.length });
  return matchRoot(r.root, root);
}

/** Checks that (`size2`, `root2`) extends (`size1`, `root1`). */
export function verifyConsistency(size1In: number | bigint, size2In: number | bigint, proof: readonly Hash[], root1: Hash, root2: Hash): ProofResult {
  const size1 = BigInt(size1In);
  const size2 = BigInt(size2In);
  if (size2 < size1) return fail({ reason: "SIZE_DECREASED", size1: Number(size1), size2: Number(size2) });
  // A consistency proof from the empty tree proves nothing: refused, as in transparency-dev's vectors.
  if (size1 === 0n) return fail({ reason: "EMPTY_TREE" });
  if (size1 === size2) {
    if (proof.length > 0) return fail({ reason: "WRONG_PROOF_SIZE", got: proof.length, want: 0 });
    return matchRoot(root2, root1);
  }
  for (const h of [root1, root2, ...proof]) if (h.length !== 32) return fail({ reason: "BAD_HASH_LENGTH", length: h.length });
  if (proof.length === 0) return fail({ reason: "WRONG_PROOF_SIZE", got: 0, want: 1 });

  const [innerFull, border] = decomposition(size1 - 1n, size2);
  const shift = trailingZeros(size1);
  const inner = innerFull - shift;
  let seed: Hash;
  let start: number;
  if (size1 === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  } else {
    seed = proof[0]!;
    start = 1;
  }
  if (proof.length !== start + inner + border) {
    return fail({ reason: "WRONG_PROOF_SIZE", got: proof.length, want: start + inner + border });
  }
  const mask = (size1 - 1n) >> BigInt(shift);
  let h1 = seed;
  let h2 = seed;
  for (let i = 0; i < inner; i++) {
    const p = proof[start + i]!;
    if (((mask >> BigInt(i)) & 1n) === 1n) {
      h1 = hashChildren(p, h1);
      h2 = hashChildren(p, h2);
    } else {
      h2 = hashChildren(h2, p);
    }
  }
  for (let i = start + inner; i < proof.length; i++) {
    h1 = hashChildren(proof[i]!, h1);
    h2 = hashChildren(proof[i]!, h2);
  }
  const first = matchRoot(h1, root1);
  if (!first.ok) return first;
  return matchRoot(h2, root2);
}
