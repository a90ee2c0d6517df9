/**
 * Federated statistics: each gateway's answer as of its latest anchored
 * checkpoint (`asOf=<index>`, confirmed on chain), summed.
 *
 * Invariants:
 * - `total` and `groups` are exactly the sums of `parts[].answer` — nothing
 *   else is added, nothing is estimated for a missing log.
 * - A part whose answer does not say it covers the checkpoint asked for
 *   (asOf.checkpoint, asOf.treeSize) is `unverifiable`, not summed.
 * - `top` sums every group of each gateway (usage grouped by the dimension),
 *   then cuts: a per-gateway top-N would miss keys that are large only in sum.
 */
import { GatewayFailure, okBody, type AskContext, type Gathered, type Gatherer } from "./gather.ts";
import type { LogRef } from "../ports.ts";
import type { Flows, Usage } from "../../api/index.ts";
import { sumFlows, sumGroups, sumTotals } from "./sums.ts";

/** A gateway's statistics answers, as declared (src/api). */
export type GatewayUsage = Usage;
export type GatewayFlows = Pick<Flows, "flows" | "asOf">;

export type TokenFor = (log: LogRef) => string | undefined;

/** How the answer's figures were made, in words every answer carries. */
export const SUM_RULE =
  "total and groups are the sums of parts[].answer; each part is one log's gateway answer as of its anchored checkpoint (confirmed on chain); missing and unverifiable logs are not in the sums";

export type Federated<T> = Omit<Gathered<T>, "source"> & { readonly directory: string; readonly sumRule: string };

export class FederatedStats {
  readonly #g: Gatherer;
  readonly #tokenFor: TokenFor;

  constructor(g: Gatherer, tokenFor: TokenFor) {
    this.#g = g;
    this.#tokenFor = tokenFor;
  }

  async #ask<T extends { asOf: { treeSize: number; checkpoint: number | null } }>(path: string, params: Record<string, string>): Promise<Federated<T>> {
    const { source, ...g } = await this.#g.gather(async (c: AskContext) => {
      const token = this.#tokenFor(c.log);
      if (!token) throw new GatewayFailure("missing", "NO_TOKEN", "the hub holds no token for this gateway (HUB_GATEWAY_TOKENS)");
      const request = `${path}?${new URLSearchParams({ ...params, asOf: String(c.checkpoint.index) })}`;
      const body = okBody(await c.get(request, token), `GET ${path}`);
      // The answer is taken as a T only once its asOf names the checkpoint the chain confirmed.
      const asOf = (body as { asOf?: { treeSize?: unknown; checkpoint?: unknown } }).asOf;
      if (asOf?.checkpoint !== c.checkpoint.index || asOf.treeSize !== c.checkpoint.treeSize) {
        throw new GatewayFailure(
          "unverifiable",
          "ANSWER_NOT_AS_OF",
          `the gateway's answer does not cover checkpoint ${c.checkpoint.index} (size ${c.checkpoint.treeSize})`,
          { claimed: asOf, onChain: { index: c.checkpoint.index, treeSize: c.checkpoint.treeSize } },
        );
      }
      return { answer: body as T, request };
    });
    return { ...g, directory: source, sumRule: SUM_RULE };
  }

  /** `params`: from, to, at most the filters and groupBy of a gateway's usage query. */
  async usage(params: Record<string, string>) {
    const f = await this.#ask<GatewayUsage>("/v1/stats/usage", params);
    const answers = f.parts.map((p) => p.answer);
    const groupBy = params.groupBy ?? null;
    return {
      from: params.from!,
      to: params.to!,
      filters: Object.fromEntries(Object.entries(params).filter(([k]) => !["from", "to", "groupBy"].includes(k))),
      groupBy,
      total: sumTotals(answers.map((a) => a.total)),
      groups: sumGroups(
        answers.map((a) => a.groups),
        groupBy === "day" || groupBy === "month",
      ),
      ...f,
    };
  }

  async top(from: string, to: string, by: string, limit: number) {
    const u = await this.usage({ from, to, groupBy: by });
    return { ...u, groups: u.groups.slice(0, limit), limit };
  }

  async flows(from: string, to: string) {
    const f = await this.#ask<GatewayFlows>("/v1/stats/flows", { from, to });
    return { from, to, flows: sumFlows(f.parts.map((p) => p.answer.flows)), ...f };
  }
}
