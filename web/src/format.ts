/** Numbers, days, months, instants and durations in the chosen language's locale (Intl). */
import { locale } from "./i18n.ts";

export const num = (n: number): string => new Intl.NumberFormat(locale()).format(n);

/** A UTC day `YYYY-MM-DD`. */
export const day = (d: string): string => new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${d}T00:00:00Z`));

/** A UTC month `YYYY-MM`. */
export const month = (m: string): string =>
  new Intl.DateTimeFormat(locale(), { year: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${m}-01T00:00:00Z`));

/** A stats time group: a day or a month. */
export const period = (key: string): string => (key.length === 7 ? month(key) : day(key));

/** An ISO instant, in the browser's time zone, zone named. */
export const instant = (iso: string): string =>
  new Intl.DateTimeFormat(locale(), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(
    new Date(iso),
  );

/** A duration in the largest whole unit up to hours. */
export function duration(ms: number): string {
  const [value, unit] = ms < 60_000 ? [ms / 1000, "second"] : ms < 3_600_000 ? [ms / 60_000, "minute"] : [ms / 3_600_000, "hour"];
  return new Intl.NumberFormat(locale(), { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 0 }).format(value);
}

/** 0x1234…cdef */
export const short = (hex: string, keep = 6): string => (hex.length > 2 * keep + 3 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex);

/** Today as a UTC day. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/** The UTC day `days` before `d`. */
export function daysBefore(d: string, days: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
