/**
 * Whether the service may take new writes now. It fails closed (X-Road's
 * rule): once the oldest unanchored entry has waited longer than
 * MAX_UNANCHORED_AGE_MS, writes are refused until anchoring catches up; once
 * the chain holds a checkpoint the log cannot back, appending stops for good.
 */
import { LedgerError } from "../../core/errors.ts";
import type { Anchorer } from "../anchor/anchorer.ts";

export function writeRefusal(anchorer: Pick<Anchorer, "halted" | "backlog">, maxUnanchoredAgeMs: number): LedgerError | undefined {
  const halted = anchorer.halted;
  if (halted) {
    return new LedgerError("CHAIN_MISMATCH", `appending stopped: ${halted.message}`, { index: halted.index, local: halted.local, chain: halted.chain });
  }
  if (maxUnanchoredAgeMs > 0) {
    const age = anchorer.backlog.oldestAgeMs();
    if (age > maxUnanchoredAgeMs) {
      return new LedgerError(
        "ANCHORING_STALLED",
        `writes are refused: the oldest unanchored entry has waited ${Math.round(age / 1000)} s, longer than MAX_UNANCHORED_AGE_MS (${Math.round(maxUnanchoredAgeMs / 1000)} s); they resume once anchoring catches up`,
        { pending: anchorer.backlog.pending, oldestPendingAgeMs: age, maxUnanchoredAgeMs },
      );
    }
  }
  return undefined;
}
