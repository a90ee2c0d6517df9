/** Parsing of path and query parameters into precise 400s. */
import { LedgerError } from "../../core/errors.ts";
import { DEPARTMENT_ID, RECORD_ID } from "../../core/record.ts";

export function uintParam(name: string, raw: unknown, opts: { optional?: boolean; def?: number; max?: number } = {}): number {
  if (raw === undefined || raw === "") {
    if (opts.def !== undefined) return opts.def;
    throw new LedgerError("BAD_REQUEST", `${name} is required`);
  }
  if (typeof raw !== "string" || !/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new LedgerError("BAD_REQUEST", `${name} must be a non-negative integer`, { [name]: raw });
  }
  const n = Number(raw);
  if (opts.max !== undefined && n > opts.max) throw new LedgerError("BAD_REQUEST", `${name} must be at most ${opts.max}`);
  return n;
}

export function providerIdParams(provider: string, id: string): { provider: string; id: string } {
  if (!DEPARTMENT_ID.test(provider)) throw new LedgerError("BAD_REQUEST", "provider is not a valid department id", { provider });
  if (!RECORD_ID.test(id)) throw new LedgerError("BAD_REQUEST", "id is not a valid record id", { id });
  return { provider, id };
}
