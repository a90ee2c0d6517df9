/**
 * A city-shaped synthetic load for the statistics benchmarks: ≈80
 * departments, 2 000 datasets, Zipf-skewed use, eight purposes, spread evenly
 * over three years of days, in day order, from a seeded PRNG (the same
 * records for the same size and seed). Signatures are placeholders: these
 * records feed the append path and the counters, never the signature check.
 */
import type { ExchangeRecord } from "../../src/core/record.ts";
import { seededRandom } from "../../test/helpers/seeded.ts";

export const DEPTS = Array.from({ length: 80 }, (_, i) => `dept-${i}`);
export const DATASETS = Array.from({ length: 2000 }, (_, i) => `city/ds-${i}`);
export const PURPOSES = ["benefit eligibility", "tax assessment", "urban planning", "public health", "education", "policing", "statistics", "audit"];
export const START = Date.UTC(2024, 0, 1);
export const DAYS = 3 * 365;

/** Zipf(s)-like ranks in [0, n) by inverse transform on a precomputed CDF. */
function zipf(n: number, s: number, random: () => number): () => number {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const x of w) cdf.push((acc += x / total));
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const SIG = `0x${"1b".repeat(65)}`;

/**
 * `total` records over DAYS days, day by day (day d gets its even share), as
 * arrays of one day's records. Record n (0-based, over the whole load) has id
 * `<prefix>-n`.
 */
export function* cityDays(total: number, seed = 1, prefix = "b"): Generator<ExchangeRecord[]> {
  const random = seededRandom(seed);
  const pickDataset = zipf(DATASETS.length, 1.1, random);
  const pickDept = zipf(DEPTS.length, 0.8, random);
  let n = 0;
  for (let day = 0; day < DAYS && n < total; day++) {
    const upTo = Math.round((total * (day + 1)) / DAYS);
    const recs: ExchangeRecord[] = [];
    const date = START + day * 86_400_000;
    for (; n < upTo; n++) {
      const p = pickDept();
      let c = pickDept();
      if (c === p) c = (c + 1) % DEPTS.length;
      recs.push({
        id: `${prefix}-${n}`,
        provider: DEPTS[p]!,
        consumer: DEPTS[c]!,
        dataset: DATASETS[pickDataset()]!,
        purpose: PURPOSES[n % PURPOSES.length]!,
        legalBasis: "",
        recordCount: 1 + (n % 997),
        payloadDigest: `0x${(n % 65536).toString(16).padStart(64, "0")}`,
        derivedFrom: [],
        occurredAt: new Date(date + (n % 86_400) * 1000).toISOString(),
        signature: SIG,
      });
    }
    if (recs.length) yield recs;
  }
}
