/**
 * Seeded randomness for the demo city: one generator (mulberry32) per seed,
 * so the same seed MUST give the same city, draw for draw. Nothing here reads
 * the clock or Math.random.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  /** A new array, the same elements in a seeded order (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[];
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** `k` distinct elements of `xs` (k ≤ xs.length). */
  sample<T>(xs: readonly T[], k: number): T[];
}

export function rng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return {
    next,
    int,
    pick: (xs) => xs[int(0, xs.length - 1)]!,
    chance: (p) => next() < p,
    shuffle,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    sample: (xs, k) => shuffle(xs).slice(0, k),
  };
}

/**
 * A sampler of ranks 0..n-1 with P(k) ∝ 1/(k+1)^s (Zipf): rank 0 is the most
 * used. Inverse transform on a precomputed CDF, O(log n) per draw.
 */
export function zipf(r: Rng, n: number, s: number): () => number {
  if (n < 1) throw new Error("zipf: n must be at least 1");
  const cdf: number[] = [];
  let acc = 0;
  for (let k = 0; k < n; k++) cdf.push((acc += 1 / (k + 1) ** s));
  return () => {
    const u = r.next() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! <= u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** An index drawn with probability proportional to `weights[i]`. */
export function weighted(r: Rng, weights: readonly number[]): number {
  const total = weights.reduce((x, y) => x + y, 0);
  let u = r.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
