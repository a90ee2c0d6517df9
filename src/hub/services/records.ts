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

/** A gateway's page of a department's exchanges (department-exchange-routes.ts), as far as the hub reads it. */
interface DepartmentPage {
  readonly exchanges: Exchange[];
  readonly next: string | null;
}

/** Exchanges of one department the hub reads per gateway at most; past that the part is `truncated` and the answer not complete. */
export const MAX_EXCHANGES = 200_000;

/**
 * Every page of `request` until its end, or until more than `want` exchanges
 * came (a gateway naming more than its counters is caught by the count check,
 * and cannot make the hub read without end). A next link that does not move
 * on is the gateway's fault: `unverifiable`.
 */
async function departmentPages(c: AskContext, token: string, request: string, want: number): Promise<{ exchanges: Exchange[] }> {
  const prefix = request.slice(0, request.indexOf("?"));
  const exchanges: Exchange[] = [];
  const seen = new Set<string>();
  let next: string | null = request;
  while (next !== null && exchanges.length <= want) {
    if (seen.has(next) || !next.startsWith(`${prefix}?`))
      throw new GatewayFailure("unverifiable", "BAD_NEXT_LINK", `the gateway's next link ${next} repeats a page or leaves the query`);
    seen.add(next);
    const page = okBody(await c.get(next, token), "GET department exchanges") as DepartmentPage;
    exchanges.push(...page.exchanges);
    next = page.next;
  }
  return { exchanges };
}

const inDays = (occurredAt: string, from: string, to: string) => {
  const day = occurredAt.slice(0, 10);
  return day >= from && day <= to;
};

const byTime = (a: { occurredAt: string; log: string }, b: { occurredAt: string; log: string }) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.log < b.log ? -1 : a.log > b.log ? 1 : 0;

export class FederatedRecords {
  readonly #g: Gatherer;
  readonly #hubToken: TokenFor;
  readonly #maxExchanges: number;

  /** `maxExchanges`: a department's exchanges read per gateway at most (MAX_EXCHANGES). */
  constructor(g: Gatherer, hubToken: TokenFor, opts: { maxExchanges?: number } = {}) {
    this.#g = g;
    this.#hubToken = hubToken;
    this.#maxExchanges = opts.maxExchanges ?? MAX_EXCHANGES;
  }

  async provenance(dataset: string, reader: Reader) {
    const { source, ...g } = await this.#g.gather(
      async (c) => {
        const token = await readToken(c, reader, this.#hubToken);
        const p = await allPages(c, token, dataset);
        const { exchanges: _items, next: _next, ...rest } = p.first;
        return { request: p.request, answer: { ...rest, exchanges: p.exchanges.map((e) => ({ ...e, log: c.log.name })), truncated: p.truncated } };
      },
      { eachRequest: true },
    );
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
      complete: g.complete && !g.parts.some((p) => p.answer.truncated),
      parts,
      directory: source,
      sumRule: "exchanges is the union of the parts' exchanges, each tagged with its log",
    };
  }

  /**
   * Exchanges naming `department` as `role` with occurredAt in [from, to],
   * at every gateway, as of each one's anchored checkpoint: read through the
   * gateway's department index (GET /v1/departments/{id}/exchanges with
   * `asOf=<checkpoint>`, every page, with the reader's token), and checked
   * against its counters (usage filtered by the department, with the hub's
   * token: an aggregate about that department only, asked only after the
   * gateway confirmed the caller is that department): the two MUST agree, or
   * the part is `unverifiable` (COUNT_MISMATCH). A gateway whose counters
   * name more than `maxExchanges` gives its first `maxExchanges` (by day,
   * then seq), its part says `truncated`, and the answer is not `complete`.
   */
  async exchangesOf(department: string, role: "consumer" | "provider", from: string, to: string, reader: Reader) {
    const { source, ...g } = await this.#g.gather(
      async (c) => {
        const token = await readToken(c, reader, this.#hubToken);
        const hub = this.#hubToken(c.log);
        if (!hub) throw new GatewayFailure("missing", "NO_TOKEN", "the hub holds no token for this gateway (HUB_GATEWAY_TOKENS)");
        const asOf = String(c.checkpoint.index);
        const usageRequest = `/v1/stats/usage?${new URLSearchParams({ from, to, [role]: department, groupBy: "dataset", asOf })}`;
        const usage = okBody(await c.get(usageRequest, hub), "GET /v1/stats/usage") as GatewayUsage;
        const request = `/v1/departments/${encodeURIComponent(department)}/exchanges?${new URLSearchParams({ role, from, to, limit: String(PAGE), asOf })}`;
        const claimed = usage.total.exchanges;
        const truncated = claimed > this.#maxExchanges;
        const want = truncated ? this.#maxExchanges : claimed;
        const listed = (await departmentPages(c, token, request, want)).exchanges;
        const got = truncated ? listed.slice(0, want) : listed;
        const found = got.filter((e) => e[role] === department && inDays(e.occurredAt, from, to) && e.seq < c.checkpoint.treeSize);
        if (found.length !== got.length || got.length !== want) {
          throw new GatewayFailure(
            "unverifiable",
            "COUNT_MISMATCH",
            `the gateway's counters name ${claimed} exchanges, its department index ${listed.length}${found.length === got.length ? "" : ` (${got.length - found.length} not matching the question)`}`,
            { claimed: { counters: claimed, records: listed.length, matching: found.length } },
          );
        }
        return { request, answer: { exchanges: found.map((e): Exchange => ({ ...e, log: c.log.name })), counted: usage.total, truncated } };
      },
      { eachRequest: true },
    );
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
      complete: g.complete && !g.parts.some((p) => p.answer.truncated),
      parts,
      directory: source,
      sumRule: `${SUM_RULE}; exchanges is the union of the parts' exchanges, each tagged with its log`,
    };
  }
}
