/**
 * Which signers a department may have used for an entry, decided by chain
 * order alone: registry events and checkpoint blocks. No clock is compared
 * with another — neither the service's `receivedAt` nor block timestamps,
 * which run ahead or behind on real chains (Hardhat node, Anvil after
 * `evm_increaseTime` or with `--timestamp` in the past).
 *
 * The rule. Let size_i and B_i be the tree size and block of checkpoint i on
 * chain, with B_{-1} = B_{-2} = 0. An entry with seq in [size_{i-1}, size_i) is
 * first covered by checkpoint i. A signature by key S is valid for it iff S
 * was the department's active signer at some point in blocks [B_{i-2}, B_i].
 *
 * Why. The service anchors one checkpoint at a time, and takes the size of
 * checkpoint i-1 only after checkpoint i-2 is confirmed; so an entry first
 * covered by checkpoint i was accepted after block B_{i-2} and before checkpoint
 * i was sent, i.e. by block B_i. The service accepts a record only against a
 * registry view synced at least to the block of the latest anchored
 * checkpoint, so the key it checked was in force somewhere in [B_{i-2}, B_i].
 * Entries not yet anchored (audit only) use [B_{last-1}, head].
 */

/** One registry event of one department (DepartmentRegistered, SignerRotated, DepartmentRevoked). */
export interface RegistryEvent {
  readonly kind: "registered" | "rotated" | "revoked";
  readonly block: number;
  /** Position of the log in its block; with `block`, the chain order. */
  readonly logIndex: number;
  /** The signer from this event on (registered, rotated); undefined for revoked. */
  readonly signer?: string;
  /**
   * True on a "rotated" event made by a registrar's time-locked recovery rather
   * than by the department's own authorization (its next log in the same
   * transaction is RecoveryExecuted). Informational: the key-window rule ignores it.
   */
  readonly recovery?: boolean;
}

/** An inclusive range of blocks. */
export interface BlockWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * The window of an entry first covered by checkpoint `first`: [B_{first-2}, B_first].
 * `blockOf(i)` MUST give B_i for every i ≤ `first` it is asked for; for an
 * entry not yet anchored, pass first = checkpoint count and let
 * `blockOf(count)` be the chain head.
 */
export function signingWindow(first: number, blockOf: (i: number) => number): BlockWindow {
  return { from: first >= 2 ? blockOf(first - 2) : 0, to: blockOf(first) };
}

/**
 * Every signer active at some point in `w`: the one in force at the start of
 * block `w.from`, plus each one an event inside `w` set. Lower-case addresses.
 * Revoked means no signer. An empty set: not registered, or revoked, throughout.
 *
 * Precondition: `events` are one department's, in chain order (block, then
 * logIndex); otherwise a RangeError.
 */
export function signersActiveIn(events: readonly RegistryEvent[], w: BlockWindow): Set<string> {
  for (let i = 1; i < events.length; i++) {
    const [a, b] = [events[i - 1]!, events[i]!];
    if (a.block > b.block || (a.block === b.block && a.logIndex >= b.logIndex)) throw new RangeError("registry events are not in chain order");
  }
  let current: string | undefined;
  const out = new Set<string>();
  for (const e of events) {
    if (e.block > w.to) break;
    if (e.block >= w.from && current) out.add(current);
    current = e.kind === "revoked" ? undefined : e.signer?.toLowerCase();
  }
  if (current) out.add(current);
  return out;
}
