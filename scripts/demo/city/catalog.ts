/**
 * The city's catalogue, drawn from the seed: every dataset with its keeper,
 * lineage (`derivedFrom`, acyclic), the departments that use it, its
 * purposes and a typical extract size; and the Zipf rank of each dataset
 * (rank 0 is used most). The same seed MUST give the same catalogue.
 */
import { DEPARTMENTS, DISTRICTS, type DepartmentSpec } from "./departments.ts";
import { LINEAGE } from "./lineage.ts";
import { PURPOSES, type Purpose } from "./purposes.ts";
import type { Rng } from "./random.ts";
import { zipf } from "./random.ts";

export interface Dataset {
  /** `<keeper>/<slug>`. */
  readonly id: string;
  /** The providing department: the dataset's keeper. */
  readonly provider: string;
  readonly derivedFrom: readonly string[];
  /** Departments that receive it; never the provider. */
  readonly consumers: readonly string[];
  readonly purposes: readonly Purpose[];
  /** ln of a typical record count per extract. */
  readonly sizeLog: number;
  /** Length of the longest `derivedFrom` chain below it (0: an original dataset). */
  readonly depth: number;
}

export interface Catalog {
  readonly departments: readonly DepartmentSpec[];
  /** Datasets by Zipf rank: index 0 takes the largest share of the traffic. */
  readonly byRank: readonly Dataset[];
}

/** The most used datasets of any city, in this order; the rest of the ranking is drawn from the seed. */
const HEAD = [
  "civil-registry/population-register",
  "tax/income-declarations",
  "social-welfare/benefit-claims",
  "police/incident-reports",
  "health/vaccination-records",
  "statistics/population-estimates",
  "vehicle-registry/vehicle-register",
  "land-registry/property-titles",
];

export function buildCatalog(r: Rng): Catalog {
  const departments = [...DEPARTMENTS, ...DISTRICTS];
  // Who uses data most: the first ten departments, then the districts, then the rest.
  const consumerRank = [...DEPARTMENTS.slice(0, 10), ...DISTRICTS, ...DEPARTMENTS.slice(10)].map((x) => x.id);
  const pickConsumer = zipf(r, consumerRank.length, 0.9);

  const ids = departments.flatMap((dep) => dep.datasets.map((slug) => ({ id: `${dep.id}/${slug}`, provider: dep.id })));
  const known = new Set(ids.map((x) => x.id));
  for (const [id, from] of Object.entries(LINEAGE)) {
    for (const f of [id, ...from]) if (!known.has(f)) throw new Error(`demo catalogue: unknown dataset ${f}`);
  }
  for (const h of HEAD) if (!known.has(h)) throw new Error(`demo catalogue: unknown dataset ${h}`);

  // Lineage: acyclic, or the catalogue is refused (a cycle would never end a lineage walk's depth).
  const derivedFrom = new Map<string, readonly string[]>(Object.entries(LINEAGE));
  const depthOf = (id: string, path: readonly string[] = []): number => {
    if (path.includes(id)) throw new Error(`demo catalogue: lineage cycle ${[...path, id].join(" <- ")}`);
    const from = derivedFrom.get(id) ?? [];
    return from.length ? 1 + Math.max(...from.map((f) => depthOf(f, [...path, id]))) : 0;
  };

  // Users: a few per dataset, popular consumers more often; a derived dataset's keeper uses its sources.
  const consumers = new Map<string, string[]>();
  for (const x of ids) {
    const want = r.int(2, 7);
    const set = new Set<string>();
    for (let tries = 0; set.size < want && tries < 100; tries++) {
      const c = consumerRank[pickConsumer()]!;
      if (c !== x.provider) set.add(c);
    }
    consumers.set(x.id, [...set]);
  }
  for (const [id, from] of derivedFrom) {
    const keeper = id.split("/")[0]!;
    for (const f of from) {
      const list = consumers.get(f)!;
      if (!list.includes(keeper) && !f.startsWith(`${keeper}/`)) list.unshift(keeper);
    }
  }

  const datasets = new Map<string, Dataset>();
  for (const x of ids) {
    datasets.set(x.id, {
      id: x.id,
      provider: x.provider,
      derivedFrom: derivedFrom.get(x.id) ?? [],
      consumers: consumers.get(x.id)!,
      purposes: r.sample(PURPOSES, r.int(1, 3)),
      sizeLog: 2 + r.next() * 7,
      depth: depthOf(x.id),
    });
  }
  const rest = r.shuffle(ids.map((x) => x.id).filter((id) => !HEAD.includes(id)));
  return { departments, byRank: [...HEAD, ...rest].map((id) => datasets.get(id)!) };
}
