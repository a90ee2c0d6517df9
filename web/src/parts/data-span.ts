/**
 * The days the data spans, from the statistics API, for the statistics page's
 * default range: from the first to the last UTC day with an exchange (live
 * figures), so the page never opens on months with no data.
 */
import { getJson, withQuery } from "../api.ts";
import { today } from "../format.ts";
import type { UsageAnswer } from "../types.ts";

export interface Span {
  readonly from: string;
  readonly to: string;
}

/** Longest span shown per day by default; a longer one is shown per month. */
export const DAILY_UP_TO_DAYS = 92;

const usage = (from: string, to: string, groupBy: "day" | "month") => getJson<UsageAnswer>(withQuery("/v1/stats/usage", { from, to, groupBy }));

/** The keys of the groups with an exchange, in order. */
const used = (u: UsageAnswer) =>
  u.groups
    .filter((g) => g.exchanges > 0)
    .map((g) => g.key)
    .sort();

/** The last day of month `YYYY-MM`. */
const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);

/** First and last day with an exchange, or undefined when there is none: the months with data, then the days of the first and last of them. */
export async function dataSpan(): Promise<Span | undefined> {
  const months = used(await usage("2000-01-01", `${new Date().getUTCFullYear() + 1}-12-31`, "month"));
  if (!months.length) return undefined;
  const [first, last] = [months[0]!, months.at(-1)!];
  const [a, b] = await Promise.all([usage(`${first}-01`, monthEnd(first), "day"), usage(`${last}-01`, monthEnd(last), "day")]);
  const [firstDays, lastDays] = [used(a), used(b)];
  return { from: firstDays[0] ?? `${first}-01`, to: lastDays.at(-1) ?? monthEnd(last) };
}

/** Days from `from` to `to`, both counted. */
export const spanDays = (s: Span): number => Math.round((Date.parse(s.to) - Date.parse(s.from)) / 86_400_000) + 1;

/** Without data: the 30 days ending today. */
export function lastMonth(): Span {
  const to = today();
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10), to };
}
