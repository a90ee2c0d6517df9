import { LedgerError } from "./errors.ts";

/**
 * The one "not found" of exchange and entry reads. A department asking for an
 * exchange it is not party to MUST get exactly this too (SPEC §8), so it names
 * nothing the caller did not send and is the same whichever was the case.
 */
export const notFound = (): LedgerError => new LedgerError("NOT_FOUND", "no such exchange or entry, or not one this token may read");
