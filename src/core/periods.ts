/**
 * Splits an inclusive range of UTC days into whole months and the days at
 * either end, so a query can read monthly rollups for the middle.
 */
export interface Split {
  readonly days: Array<[string, string]>;
  readonly months: Array<[string, string]>;
  readonly years: [string, string] | null;
}

const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthEnd = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const nextMonth = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
};
const prevMonth = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
};

/** Whole calendar years, then whole months, then the days left at either end. */
export function splitPeriods(from: string, to: string): Split {
  const firstFull = from.endsWith("-01") ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
  const lastFull = monthEnd(to.slice(0, 7)) === to ? to.slice(0, 7) : prevMonth(to.slice(0, 7));
  if (firstFull > lastFull) return { days: [[from, to]], months: [], years: null };
  const days: Array<[string, string]> = [];
  if (from < `${firstFull}-01`) days.push([from, addDays(`${firstFull}-01`, -1)]);
  if (to > monthEnd(lastFull)) days.push([addDays(monthEnd(lastFull), 1), to]);
  const y1 = firstFull.endsWith("-01") ? Number(firstFull.slice(0, 4)) : Number(firstFull.slice(0, 4)) + 1;
  const y2 = lastFull.endsWith("-12") ? Number(lastFull.slice(0, 4)) : Number(lastFull.slice(0, 4)) - 1;
  if (y1 > y2) return { days, months: [[firstFull, lastFull]], years: null };
  const months: Array<[string, string]> = [];
  if (firstFull < `${y1}-01`) months.push([firstFull, `${y1 - 1}-12`]);
  if (lastFull > `${y2}-12`) months.push([`${y2 + 1}-01`, lastFull]);
  return { days, months, years: [String(y1), String(y2)] };
}
