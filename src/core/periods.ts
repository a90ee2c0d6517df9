/**
 * Splits an inclusive range of UTC days into whole months and the days at
 * either end, so a query can read monthly rollups for the middle.
 */
export interface Split {
  readonly days: Array<[string, string]>;
  readonly months: [string, string] | null;
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

export function splitByMonths(from: string, to: string): Split {
  const firstFull = from.endsWith("-01") ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
  const lastFull = monthEnd(to.slice(0, 7)) === to ? to.slice(0, 7) : prevMonth(to.slice(0, 7));
  if (firstFull > lastFull) return { days: [[from, to]], months: null };
  const days: Array<[string, string]> = [];
  if (from < `${firstFull}-01`) days.push([from, addDays(`${firstFull}-01`, -1)]);
  if (to > monthEnd(lastFull)) days.push([addDays(monthEnd(lastFull), 1), to]);
  return { days, months: [firstFull, lastFull] };
}
