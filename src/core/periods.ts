/**
 * UTC calendar days (`YYYY-MM-DD`, years 0000–9999, proleptic Gregorian) and
 * the split of an inclusive range of them into whole years, whole months and
 * the days at either end, so a query can read yearly and monthly rollups for
 * the middle.
 *
 * Pure integer arithmetic: no `Date` (whose `Date.UTC` maps years 0–99 to
 * 1900–1999 and whose ISO strings leave the 4-digit form past 9999).
 */
export interface Split {
  readonly days: Array<[string, string]>;
  readonly months: Array<[string, string]>;
  readonly years: [string, string] | null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** A real UTC calendar day written `YYYY-MM-DD`: month 01–12, day 01 to the month's last. */
export function isUtcDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");
/** Months counted from year 0: y × 12 + (m − 1). */
const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (i: number): string => `${pad(Math.floor(i / 12), 4)}-${pad((i % 12) + 1, 2)}`;
const lastDay = (month: string): string => `${month}-${pad(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7))), 2)}`;
/** The day before the first of `month`, and the day after its last (callers stay inside 0000–9999). */
const dayBefore = (month: string): string => lastDay(monthOf(monthIndex(month) - 1));
const dayAfter = (month: string): string => `${monthOf(monthIndex(month) + 1)}-01`;

/**
 * Whole calendar years, then whole months, then the days left at either end.
 * Requirements: `from` and `to` are real days (`isUtcDay`) and `from <= to`;
 * otherwise it throws a RangeError (callers validate first).
 */
export function splitPeriods(from: string, to: string): Split {
  if (!isUtcDay(from) || !isUtcDay(to) || from > to) throw new RangeError(`splitPeriods: need real UTC days from <= to, got ${from}..${to}`);
  const fromMonth = monthIndex(from.slice(0, 7));
  const toMonth = monthIndex(to.slice(0, 7));
  const firstFull = from.endsWith("-01") ? fromMonth : fromMonth + 1;
  const lastFull = lastDay(to.slice(0, 7)) === to ? toMonth : toMonth - 1;
  if (firstFull > lastFull) return { days: [[from, to]], months: [], years: null };
  const days: Array<[string, string]> = [];
  if (firstFull !== fromMonth) days.push([from, dayBefore(monthOf(firstFull))]);
  if (lastFull !== toMonth) days.push([dayAfter(monthOf(lastFull)), to]);
  // Whole years inside [firstFull, lastFull].
  const y1 = Math.ceil(firstFull / 12);
  const y2 = Math.floor((lastFull + 1) / 12) - 1;
  if (y1 > y2) return { days, months: [[monthOf(firstFull), monthOf(lastFull)]], years: null };
  const months: Array<[string, string]> = [];
  if (firstFull < y1 * 12) months.push([monthOf(firstFull), monthOf(y1 * 12 - 1)]);
  if (lastFull > y2 * 12 + 11) months.push([monthOf(y2 * 12 + 12), monthOf(lastFull)]);
  return { days, months, years: [pad(y1, 4), pad(y2, 4)] };
}
