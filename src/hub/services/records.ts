/**
 * Record-level reads across the federation: a dataset's provenance, and the
 * exchanges naming one department (as consumer or provider), at every
 * gateway. Who may read what is the gateways' decision (readers.ts).
 *
 * Each part names the checkpoint it was checked against. Exchanges are the
 * gateways' own items (with `status`, and for anchored ones the checkpoint
 * and a receipt link to fetch from that gateway and verify against the
 * chain); the hub adds `log` to each and changes nothing else.
 */
import { GatewayFailure, okBody, type AskContext, type Gatherer } from "./gather.ts";
import { readToken, type Reader } from "./readers.ts";
import { SUM_RULE, type GatewayUsage, type TokenFor } from "./stats.ts";

/** A gateway's provenance page (provenance-routes.ts), as far as the hub reads it. */
interface ProvenancePage {
  readonly dataset: string;
  readonly asOf: { treeSize: number; anchoredSize: number };
  readonly origin: { occurredAt: string } | null;
  readonly exchanges: Exchange[];
  readonly next: string | null;
  readonly lineage: { upstream: Edge[]; downstream: Edge[]; truncated: boolean };
}
interface Edge {
  readonly dataset: string;
  readonly source: string;
  readonly depth: number;
}
export interface Exchange {
  readonly seq: number;
  readonly id: string;
  readonly provider: string;
  readonly consumer: string;
  readonly occurredAt: string;
  readonly [k: string]: unknown;
}

/** Pages the hub reads per dataset and gateway at most (1 000 exchanges each). */
export const MAX_PAGES = 20;
const PAGE = 1000;

async function allPages(
  c: AskContext,
  token: string,
  dataset: string,
): Promise<{ first: ProvenancePage; exchanges: Exchange[]; truncated: boolean; request: string }> {
  const request = `/v1/datasets/${encodeURIComponent(dataset)}/provenance?limit=${PAGE}`;
  let page = okBody(await c.get(request, token), "GET provenance") as ProvenancePage;
  const first = page;
  const exchanges = [...page.exchanges];
  for (let n = 1; page.next && n < MAX_PAGES; n++) {
    page = okBody(await c.get(page.next, token), "GET provenance (next page)") as ProvenancePage;
    exchanges.push(...page.exchanges);
  }
  return { first, exchanges, truncated: page.next !== null, request };
}

const byTime = (a: { occurredAt: string; log: string }, b: { occurredAt: string; log: string }) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.log < b.log ? -1 : a.log > b.log ? 1 : 0;

export class FederatedRecords {
  readonly #g: Gatherer;
  readonly #hubToken: TokenFor;

  constructor(g: Gatherer, hubToken: TokenFor) {
    this.#g = g;
    this.#hubToken = hubToken;
  }

  async provenance(dataset: string, reader: Reader) {
    const { source, ...g } = await this.#g.gather(async (c) => {
      const token = await readToken(c, reader, this.#hubToken);
      const p = await allPages(c, token, dataset);
      const { exchanges: _items, next: _next, ...rest } = p.first;
      return { request: p.request, answer: { ...rest, exchanges: p.exchanges.map((e) => ({ ...e, log: c.log.name })), truncated: p.truncated } };
    });
    const exchanges = g.parts.flatMap((p) => p.answer.exchanges).sort(byTime);
    const origins = g.parts.flatMap((p) => (p.answer.origin ? [{ ...p.answer.origin, log: p.log.name ?? p.log.url }] : [])).sort(byTime);
    const union = (side: "upstream" | "downstream") => {
      const m = new Map<string, Edge>();
      for (const p of g.parts) for (const e of p.answer.lineage[side]) m.set(`${e.dataset}\u0000${e.source}`, e);
      return [...m.values()].sort((a, b) => a.depth - b.depth || (a.dataset + a.source < b.dataset + b.source ? -1 : 1));
    };
    const parts = g.parts.map(({ answer: { exchanges: items, ...a }, ...p }) => ({ ...p, answer: { ...a, exchanges: items.length } }));
    return {
      dataset,
      origin: origins[0] ?? null,
      originRule: "the earliest occurredAt among the parts' origins (gateways' logs are not ordered against each other)",
      exchanges,
      lineage: { upstream: union("upstream"), downstream: union("downstream"), truncated: g.parts.some((p) => p.answer.lineage.truncated) },
      ...g,
      parts,
      directory: source,
      sumRule: "exchanges is the union of the parts' exchanges, each tagged with its log",
    };
  }

  /**
   * Exchanges naming `department` as `role` with occurredAt in [from, to],
   * at every gateway, as of each one's anchored checkpoint: the datasets
   * come from the gateway's counters (usage filtered by the department, with
   * the hub's token: an aggregate about that department only, asked only
   * after the gateway confirmed the caller is that department), the
   * exchanges from its provenance, read with the reader's token.
   */
  async exchangesOf(department: string, role: "consumer" | "provider", from: string, to: string, reader: Reader) {
    const { source, ...g } = await this.#g.gather(async (c) => {
      const token = await readToken(c, reader, this.#hubToken);
      const hub = this.#hubToken(c.log);
      if (!hub) throw new GatewayFailure("missing", "NO_TOKEN", "the hub holds no token for this gateway (HUB_GATEWAY_TOKENS)");
      const request = `/v1/stats/usage?${new URLSearchParams({ from, to, [role]: department, groupBy: "dataset", asOf: String(c.checkpoint.index) })}`;
      const usage = okBody(await c.get(request, hub), "GET /v1/stats/usage") as GatewayUsage;
      const found: Exchange[] = [];
      let truncated = false;
      for (const ds of usage.groups) {
        const p = await allPages(c, token, ds.key);
        truncated ||= p.truncated;
        for (const e of p.exchanges) {
          const day = e.occurredAt.slice(0, 10);
          if (e[role] === department && day >= from && day <= to && e.seq < c.checkpoint.treeSize) found.push({ ...e, log: c.log.name });
        }
      }
      if (!truncated && found.length !== usage.total.exchanges) {
        throw new GatewayFailure(
          "unverifiable",
          "COUNT_MISMATCH",
          `the gateway's counters name ${usage.total.exchanges} exchanges, its records ${found.length}`,
          { claimed: { counters: usage.total.exchanges, records: found.length } },
        );
      }
      return { request, answer: { exchanges: found, counted: usage.total, truncated } };
    });
    const exchanges = g.parts.flatMap((p) => p.answer.exchanges).sort((a, b) => byTime(a as never, b as never));
    const parts = g.parts.map(({ answer: { exchanges: items, ...a }, ...p }) => ({ ...p, answer: { ...a, exchanges: items.length } }));
    return {
      department,
      role,
      from,
      to,
      total: { exchanges: exchanges.length, records: exchanges.reduce((s, e) => s + Number(e.recordCount ?? 0), 0) },
      exchanges,
      ...g,
      parts,
      directory: source,
      sumRule: `${SUM_RULE}; exchanges is the union of the parts' exchanges, each tagged with its log`,
    };
  }
}
