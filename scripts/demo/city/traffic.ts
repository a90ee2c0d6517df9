/**
 * The city's traffic, drawn from the seed: which dataset goes from whom to
 * whom, for what, when, and whether the consumer acknowledges it.
 *
 * - Every dataset is handed over once early on (originals before what is
 *   derived from them), so the whole catalogue and its lineage are visible;
 *   the rest of the traffic follows a Zipf law over the datasets' ranks, so a
 *   few datasets take most of the use.
 * - Days: the `days` UTC days ending with `end`; weekdays busier than
 *   weekends, a mild growth over the period, office hours mostly.
 * - Acknowledgements: most consumers acknowledge within hours; a few
 *   exchanges stay unacknowledged (more with the sloppy consumers, and more
 *   on the last day, still in flight).
 */
import type { ExchangeRecord } from "../../../src/core/record.ts";
import { payloadDigest } from "../../../src/client/sign.ts";
import type { Catalog, Dataset } from "./catalog.ts";
import { weighted, zipf, type Rng } from "./random.ts";

export interface PlannedExchange {
  readonly day: number;
  readonly record: Omit<ExchangeRecord, "signature">;
  /** When the consumer acknowledges it; null: never (a finding for auditors). */
  readonly acknowledgedAt: string | null;
}

export interface TrafficOptions {
  readonly exchanges: number;
  readonly days: number;
  /** 00:00 UTC of the last day, in ms. */
  readonly endDayMs: number;
}

/** Zipf exponent over the datasets' ranks: with ~270 datasets the top one takes ~25 % of the drawn use, the top five half. */
export const DATASET_SKEW = 1.2;
const MISSING_ACK = 0.03;
const MISSING_ACK_SLOPPY = 0.35;
const MISSING_ACK_LAST_DAY = 0.2;
/** Consumers that often forget to acknowledge. */
export const SLOPPY_CONSUMERS: readonly string[] = ["district-07", "veterans"];

const DAY_MS = 86_400_000;

export function planTraffic(r: Rng, catalog: Catalog, o: TrafficOptions): PlannedExchange[] {
  const firstDayMs = o.endDayMs - (o.days - 1) * DAY_MS;
  const dayWeights = Array.from({ length: o.days }, (_, i) => {
    const dow = new Date(firstDayMs + i * DAY_MS).getUTCDay();
    return (dow === 0 || dow === 6 ? 0.35 : 1) * (1 + (0.3 * i) / o.days);
  });
  const pickDataset = zipf(r, catalog.byRank.length, DATASET_SKEW);

  // First hand-overs of every dataset, originals first, over the first fifth of the period.
  const firsts = [...catalog.byRank].sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : 1));
  const nFirst = Math.min(firsts.length, o.exchanges);
  const openingDays = Math.max(1, Math.floor(o.days / 5));
  const drawn: Array<{ ds: Dataset; day: number }> = firsts.slice(0, nFirst).map((ds, i) => ({ ds, day: Math.floor((i * openingDays) / nFirst) }));
  for (let i = nFirst; i < o.exchanges; i++) drawn.push({ ds: catalog.byRank[pickDataset()]!, day: weighted(r, dayWeights) });
  // A stable order by day: within a day, first hand-overs keep their lineage order.
  const order = drawn.map((x, i) => ({ ...x, i })).sort((a, b) => a.day - b.day || a.i - b.i);

  const secondsUsed = new Set<string>();
  const times = order.map(({ day }) => {
    // Office hours (08:00–18:00 UTC) mostly; one exchange in twenty at night.
    let s = r.chance(0.05) ? r.int(0, 86_399) : r.int(8 * 3600, 18 * 3600 - 1);
    while (secondsUsed.has(`${day}:${s}`)) s = (s + 1) % 86_400;
    secondsUsed.add(`${day}:${s}`);
    return firstDayMs + day * DAY_MS + s * 1000 + r.int(0, 999);
  });
  // Within a day, exchanges happen in time order.
  const idx = order.map((_, i) => i).sort((a, b) => order[a]!.day - order[b]!.day || times[a]! - times[b]!);

  return idx.map((k, n) => {
    const { ds, day } = order[k]!;
    const occurred = times[k]!;
    const consumer =
      ds.consumers[
        weighted(
          r,
          ds.consumers.map((_, j) => 1 / (j + 1)),
        )
      ]!;
    const { purpose, legalBasis } = ds.purposes[weighted(r, [3, 2, 1].slice(0, ds.purposes.length))]!;
    const date = new Date(occurred).toISOString().slice(0, 10).replaceAll("-", "");
    const id = `${date}-${String(n).padStart(7, "0")}`;
    const recordCount = Math.max(1, Math.min(5_000_000, Math.round(Math.exp(ds.sizeLog + 0.8 * r.normal()))));
    const missing = SLOPPY_CONSUMERS.includes(consumer) ? MISSING_ACK_SLOPPY : day === o.days - 1 ? MISSING_ACK_LAST_DAY : MISSING_ACK;
    const acked = !r.chance(missing);
    const ackDelay = r.int(120, 6 * 3600) * 1000;
    return {
      day,
      record: {
        id,
        provider: ds.provider,
        consumer,
        dataset: ds.id,
        purpose,
        legalBasis,
        recordCount,
        payloadDigest: payloadDigest(`${ds.id}\n${id}\n${recordCount}`),
        derivedFrom: [...ds.derivedFrom],
        occurredAt: new Date(occurred).toISOString(),
      },
      acknowledgedAt: acked ? new Date(occurred + ackDelay).toISOString() : null,
    };
  });
}
