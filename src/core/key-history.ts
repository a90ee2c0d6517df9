/**
 * Which signer a department had at a given time, from its registry events in
 * chain order. Records signed before a rotation stay valid: the signer that
 * counts is the one active when the entry was accepted, never just today's.
 */
export interface RegistryEvent {
  readonly kind: "registered" | "rotated" | "revoked";
  /** Block timestamp, seconds. */
  readonly timestamp: number;
  /** New signer (registered, rotated); undefined for revoked. */
  readonly signer?: string;
}

/**
 * Signers that may have been active at `atMs`. Block times have whole seconds,
 * so events in the same second as `atMs` make both the signer before and after
 * them acceptable. An empty set: not registered (or revoked) then.
 */
export function signersActiveAt(events: readonly RegistryEvent[], atMs: number): Set<string> {
  const atSec = Math.floor(atMs / 1000);
  let current: string | undefined;
  const out = new Set<string>();
  for (const e of events) {
    if (e.timestamp > atSec) break;
    if (e.timestamp === atSec && current) out.add(current);
    current = e.kind === "revoked" ? undefined : e.signer;
  }
  if (current) out.add(current);
  return out;
}
