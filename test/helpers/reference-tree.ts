/**
 * A naive RFC 9162 §2.1 tree written straight from the RFC's recursive
 * definitions (MTH, PATH, PROOF/SUBPROOF), to check the fast one against.
 */
import { createHash } from "node:crypto";

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export const refLeaf = (d: Uint8Array): Uint8Array => sha(Uint8Array.of(0), d);
const k = (n: number): number => {
  let x = 1;
  while (x * 2 < n) x *= 2;
  return x;
};

/** MTH(D[n]) over leaf hashes. */
export function refRoot(leaves: Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha();
  if (n === 1) return leaves[0]!;
  const s = k(n);
  return sha(Uint8Array.of(1), refRoot(leaves.slice(0, s)), refRoot(leaves.slice(s)));
}

/** PATH(m, D[n]). */
export function refPath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n <= 1) return [];
  const s = k(n);
  return m < s ? [...refPath(m, leaves.slice(0, s)), refRoot(leaves.slice(s))] : [...refPath(m - s, leaves.slice(s)), refRoot(leaves.slice(0, s))];
}

function subproof(m: number, leaves: Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [refRoot(leaves)];
  const s = k(n);
  return m <= s ? [...subproof(m, leaves.slice(0, s), b), refRoot(leaves.slice(s))] : [...subproof(m - s, leaves.slice(s), false), refRoot(leaves.slice(0, s))];
}

/** PROOF(m, D[n]). */
export function refConsistency(m: number, leaves: Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}
