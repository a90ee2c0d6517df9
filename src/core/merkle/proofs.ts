/**
 * RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF) as lists of ranges.
 * Each range [begin, end) is a subtree whose hash the proof carries; storage
 * resolves it through `decompose`, so a proof costs O(log n) node reads.
 */
import { splitPoint } from "./range.ts";

export interface Range {
  readonly begin: number;
  readonly end: number;
}

/**
 * Audit path of leaf `m` in the tree over [0, n), bottom-up.
 * Preconditions: 0 ≤ m < n.
 */
export function inclusionRanges(m: number, n: number): Range[] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m < n)) {
    throw new RangeError(`inclusion: need 0 ≤ leafIndex < treeSize, got ${m}, ${n}`);
  }
  const out: Range[] = [];
  const walk = (mm: number, begin: number, end: number): void => {
    const size = end - begin;
    if (size <= 1) return;
    const k = splitPoint(size);
    if (mm < k) {
      walk(mm, begin, begin + k);
      out.push({ begin: begin + k, end });
    } else {
      walk(mm - k, begin + k, end);
      out.push({ begin, end: begin + k });
    }
  };
  walk(m, 0, n);
  return out;
}

/**
 * Consistency proof from size m to size n (RFC 9162 §2.1.4.1).
 * Preconditions: 0 < m ≤ n. Equal sizes give an empty proof.
 */
export function consistencyRanges(m: number, n: number): Range[] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m > 0 && m <= n)) {
    throw new RangeError(`consistency: need 0 < from ≤ to, got ${m}, ${n}`);
  }
  const out: Range[] = [];
  const sub = (mm: number, begin: number, end: number, complete: boolean): void => {
    const size = end - begin;
    if (mm === size) {
      if (!complete) out.push({ begin, end });
      return;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      sub(mm, begin, begin + k, complete);
      out.push({ begin: begin + k, end });
    } else {
      sub(mm - k, begin + k, end, false);
      out.push({ begin, end: begin + k });
    }
  };
  sub(m, 0, n, true);
  return out;
}
