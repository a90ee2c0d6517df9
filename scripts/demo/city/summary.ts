/**
 * The figures of the demo's closing summary, for the whole city: with several
 * gateways each counts only its own log, so the city's figure is their sum.
 */
import { call } from "./http.ts";

interface Usage {
  readonly total: { readonly exchanges: number };
  readonly groups: ReadonlyArray<{ readonly key: string; readonly exchanges: number }>;
}

/** The most used dataset over the days [from, to] across `gateways`, with its exchanges and the city's total; undefined when nothing was used. */
export async function cityTopDataset(
  gateways: ReadonlyArray<{ readonly base: string; readonly adminToken: string }>,
  from: string,
  to: string,
): Promise<{ key: string; exchanges: number; total: number } | undefined> {
  const byDataset = new Map<string, number>();
  let total = 0;
  for (const g of gateways) {
    const u = await call<Usage>(g.base, g.adminToken, "GET", `/v1/stats/usage?${new URLSearchParams({ from, to, groupBy: "dataset" })}`);
    total += u.total.exchanges;
    for (const x of u.groups) byDataset.set(x.key, (byDataset.get(x.key) ?? 0) + x.exchanges);
  }
  let top: { key: string; exchanges: number } | undefined;
  for (const [key, exchanges] of byDataset) if (!top || exchanges > top.exchanges || (exchanges === top.exchanges && key < top.key)) top = { key, exchanges };
  return top && { ...top, total };
}
