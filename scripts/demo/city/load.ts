/**
 * Fills a running service with the city, through the public HTTP API only:
 * departments registered on chain by the admin, one token per department,
 * then day after day each provider's exchanges as signed batches with its
 * own token, the consumers' signed acknowledgements with theirs, and a
 * checkpoint anchored at the end of every `anchorEvery` days.
 *
 * With several gateways (`gateways`, `homeOf`), each department is
 * registered through its home gateway and gets a token at every gateway (a
 * department on chain is usable at each); a provider records at its home
 * gateway, and a consumer acknowledges there, with its token for that gateway.
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
  /** Several gateways on one ledger (default: `base` alone). */
  readonly gateways?: ReadonlyArray<{ readonly base: string; readonly adminToken: string }>;
  /** The index in `gateways` of a department's home gateway. */
  readonly homeOf?: (department: string) => number;
}

export interface LoadResult {
  readonly departments: number;
  readonly exchanges: number;
  readonly acknowledgements: number;
  readonly checkpoints: number;
  /** Department id → its own token (department:<id>) at its home gateway. */
  readonly departmentTokens: ReadonlyMap<string, string>;
  /** Per gateway (same order as `gateways`): department id → its token there. */
  readonly tokensAt: ReadonlyArray<ReadonlyMap<string, string>>;
}

interface RecordResult {
  readonly id: string;
  readonly leafHash: string;
}

export async function loadCity(
  o: LoadOptions,
  catalog: Catalog,
  keys: ReadonlyMap<string, DepartmentKey>,
  plan: readonly PlannedExchange[],
): Promise<LoadResult> {
  const gws = o.gateways ?? [{ base: o.base, adminToken: o.adminToken }];
  const home = (id: string) => (o.homeOf ? o.homeOf(id) : 0);
  const info = await call<{ eip712: { domain: Eip712Domain } }>(gws[0]!.base, undefined, "GET", "/v1/info");
  const signer = new CitySigner(info.eip712.domain, [...keys.values()]);
  if (plan.length) await signer.selfCheck(plan[0]!.record, keys.get(plan[0]!.record.provider)!, keys.get(plan[0]!.record.consumer)!);

  const deps = catalog.departments;
  if (o.stopped()) return { departments: 0, exchanges: 0, acknowledgements: 0, checkpoints: 0, departmentTokens: new Map(), tokensAt: [] };
  const reg = stage("departments on chain", deps.length, "departments");
  await pool(deps, 4, async (d) => {
    const g = gws[home(d.id)]!;
    await call(g.base, g.adminToken, "POST", "/v1/departments", { id: d.id, name: displayName(d), signer: keys.get(d.id)!.address });
    reg.tick();
  });
  const tokensAt = gws.map(() => new Map<string, string>());
  await pool(
    gws.flatMap((g, i) => deps.map((d) => ({ g, i, d }))),
    IN_FLIGHT,
    async ({ g, i, d }) => {
      const t = await call<{ token: string }>(g.base, g.adminToken, "POST", "/v1/tokens", { role: `department:${d.id}`, label: `demo city: ${d.id}` });
      tokensAt[i]!.set(d.id, t.token);
    },
  );
  const tokens = new Map(deps.map((d) => [d.id, tokensAt[home(d.id)]!.get(d.id)!] as const));
  reg.done(`${deps.length} departments registered, each with its own key and token${gws.length > 1 ? ` at each of ${gws.length} gateways` : ""}`);

  const acksPlanned = plan.filter((p) => p.acknowledgedAt !== null).length;
  const bar = stage("exchanges and acks", plan.length + acksPlanned, "entries");
  const byDay: PlannedExchange[][] = Array.from({ length: o.days }, () => []);
  for (const p of plan) byDay[p.day]!.push(p);
  let exchanges = 0;
  let acknowledgements = 0;
  let checkpoints = 0;
  const lastAnchored = gws.map(() => -1);
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
      const at = home(provider);
      const { results } = await call<{ results: RecordResult[] }>(gws[at]!.base, tokensAt[at]!.get(provider), "POST", "/v1/exchanges/batch", { records });
      for (const x of results) leafHashes.set(`${provider}/${x.id}`, x.leafHash);
      exchanges += records.length;
      bar.tick(records.length);
    });
    const acks = today.filter((p) => p.acknowledgedAt !== null);
    await pool(acks, IN_FLIGHT, async (p) => {
      const { provider, id, consumer } = p.record;
      const ack = signer.acknowledgement({ provider, id, consumer, exchangeLeafHash: leafHashes.get(`${provider}/${id}`)!, acknowledgedAt: p.acknowledgedAt! });
      const at = home(provider);
      await call(gws[at]!.base, tokensAt[at]!.get(consumer), "POST", "/v1/acknowledgements", ack);
      acknowledgements++;
      bar.tick();
    });
    if ((day + 1) % o.anchorEvery === 0 || day === o.days - 1) {
      for (const [i, g] of gws.entries()) {
        const cp = await call<{ index: number }>(g.base, g.adminToken, "POST", "/v1/anchor");
        if (cp.index !== lastAnchored[i]) checkpoints++;
        lastAnchored[i] = cp.index;
      }
    }
  }
  bar.done(`${exchanges} exchanges, ${acknowledgements} acknowledgements, ${checkpoints} checkpoints anchored by the demo (more by the service's own timer)`);
  return { departments: deps.length, exchanges, acknowledgements, checkpoints, departmentTokens: tokens, tokensAt };
}
