/**
 * RFC 4180 CSV, safe to open in a spreadsheet: every CSV export goes through
 * `toCsv`, the one place cells are written.
 *
 * - CRLF line ends; a field with a comma, quote, CR or LF is quoted, quotes doubled.
 * - CSV injection (OWASP): a text cell that starts with `=`, `+`, `-` or `@`
 *   (or with TAB or CR, which some spreadsheets skip before reading a formula)
 *   MUST be prefixed with `'`, so a purpose like `=HYPERLINK(…)` is shown as
 *   text, never run. Numbers are written as numbers (a negative count stays `-3`).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell with a leading formula character neutralised (OWASP: prefix `'`). */
export function neutralise(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvField(v: string | number): string {
  const s = typeof v === "number" ? String(v) : neutralise(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
