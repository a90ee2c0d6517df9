/**
 * Fills a running service with the city, through the public HTTP API only:
 * departments registered on chain by the admin, one token per department,
 * then day after day each provider's exchanges as signed batches with its
 * own token, the consumers' signed acknowledgements with theirs, and a
 * checkpoint anchored at the end of every `anchorEvery` days.
 */
import type { Eip712Domain } from "../../../src/core/eip712.ts";
import type { ExchangeRecord } from "../../../src/core/record.ts";
import type { Catalog } from "./catalog.ts";
import { displayName } from "./departments.ts";
import { call, pool } from "./http.ts";
import { CitySigner, type DepartmentKey } from "./keys.ts";
import { stage } from "./progress.ts";
import type { PlannedExchange } from "./traffic.ts";

/** Requests in flight: enough for the service's group commit to batch them, few enough on two cores. */
const IN_FLIGHT = 24;
/** Largest batch sent (the API takes up to 10 000 records). */
const MAX_BATCH = 2000;

export interface LoadOptions {
  readonly base: string;
  readonly adminToken: string;
  readonly days: number;
  /** A checkpoint is anchored after every this many days (and after the last). */
  readonly anchorEvery: number;
  /** Checked between days: true stops the load early. */
  readonly stopped: () => boolean;
}

export interface LoadResult {
  readonly departments: number;
  readonly exchanges: number;
  readonly acknowledgements: number;
  readonly checkpoints: number;
  /** Department id → its own token (department:<id>). */
  readonly departmentTokens: ReadonlyMap<string, string>;
}

interface RecordResult {
  readonly id: string;
  readonly leafHash: string;
}

export async function loadCity(o: LoadOptions, catalog: Catalog, keys: ReadonlyMap<string, DepartmentKey>, plan: readonly PlannedExchange[]): Promise<LoadResult> {
  const info = await call<{ eip712: { domain: Eip712Domain } }>(o.base, undefined, "GET", "/v1/info");
  const signer = new CitySigner(info.eip712.domain, [...keys.values()]);
  if (plan.length) await signer.selfCheck(plan[0]!.record, keys.get(plan[0]!.record.provider)!, keys.get(plan[0]!.record.consumer)!);

  const deps = catalog.departments;
  if (o.stopped()) return { departments: 0, exchanges: 0, acknowledgements: 0, checkpoints: 0, departmentTokens: new Map() };
  const reg = stage("departments on chain", deps.length, "departments");
  await pool(deps, 4, async (d) => {
    await call(o.base, o.adminToken, "POST", "/v1/departments", { id: d.id, name: displayName(d), signer: keys.get(d.id)!.address });
    reg.tick();
  });
  const tokens = new Map<string, string>();
  await pool(deps, IN_FLIGHT, async (d) => {
    const t = await call<{ token: string }>(o.base, o.adminToken, "POST", "/v1/tokens", { role: `department:${d.id}`, label: `demo city: ${d.id}` });
    tokens.set(d.id, t.token);
  });
  reg.done(`${deps.length} departments registered, each with its own key and token`);

  const acksPlanned = plan.filter((p) => p.acknowledgedAt !== null).length;
  const bar = stage("exchanges and acks", plan.length + acksPlanned, "entries");
  const byDay: PlannedExchange[][] = Array.from({ length: o.days }, () => []);
  for (const p of plan) byDay[p.day]!.push(p);
  let exchanges = 0;
  let acknowledgements = 0;
  let checkpoints = 0;
  let lastAnchored = -1;
  for (let day = 0; day < o.days && !o.stopped(); day++) {
    const today = byDay[day]!;
    // One batch per provider (a department token submits its own records only), in time order.
    const batches = new Map<string, ExchangeRecord[][]>();
    for (const p of today) {
      const list = batches.get(p.record.provider) ?? [[]];
      if (list.at(-1)!.length >= MAX_BATCH) list.push([]);
      list.at(-1)!.push(signer.exchange(p.record));
      batches.set(p.record.provider, list);
    }
    const leafHashes = new Map<string, string>();
    const sends = [...batches].flatMap(([provider, list]) => list.map((records) => ({ provider, records })));
    await pool(sends, IN_FLIGHT, async ({ provider, records }) => {
      const { results } = await call<{ results: RecordResult[] }>(o.base, tokens.get(provider), "POST", "/v1/exchanges/batch", { records });
      for (const x of results) leafHashes.set(`${provider}/${x.id}`, x.leafHash);
      exchanges += records.length;
      bar.tick(records.length);
    });
    const acks = today.filter((p) => p.acknowledgedAt !== null);
    await pool(acks, IN_FLIGHT, async (p) => {
      const { provider, id, consumer } = p.record;
      const ack = signer.acknowledgement({ provider, id, consumer, exchangeLeafHash: leafHashes.get(`${provider}/${id}`)!, acknowledgedAt: p.acknowledgedAt! });
      await call(o.base, tokens.get(consumer), "POST", "/v1/acknowledgements", ack);
      acknowledgements++;
      bar.tick();
    });
    if ((day + 1) % o.anchorEvery === 0 || day === o.days - 1) {
      const cp = await call<{ index: number }>(o.base, o.adminToken, "POST", "/v1/anchor");
      if (cp.index !== lastAnchored) checkpoints++;
      lastAnchored = cp.index;
    }
  }
  bar.done(`${exchanges} exchanges, ${acknowledgements} acknowledgements, ${checkpoints} checkpoints anchored by the demo (more by the service's own timer)`);
  return { departments: deps.length, exchanges, acknowledgements, checkpoints, departmentTokens: tokens };
}
