/**
 * How long the oldest unanchored entry has waited. The appender reports each
 * committed size (with the time); anchoring reports the anchored size. Pure
 * bookkeeping: no I/O, the clock is passed in.
 *
 * Invariant: `#commits` holds, oldest first, the commit times of groups that
 * are not wholly anchored; the first one's time is when the oldest pending
 * entry was committed.
 */
export class Backlog {
  readonly #now: () => number;
  #commits: Array<{ size: number; at: number }> = [];
  #committed = 0;
  #anchored = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Entries [previous size, size) were committed at `at` (default now). */
  committed(size: number, at: number = this.#now()): void {
    if (size <= this.#committed) return;
    this.#committed = size;
    if (size > this.#anchored) this.#commits.push({ size, at });
  }

  /** Every entry below `size` is anchored. */
  anchored(size: number): void {
    this.#anchored = size;
    while (this.#commits.length && this.#commits[0]!.size <= size) this.#commits.shift();
  }

  /** The chain lost checkpoints: entries from `size` on wait again, since `since`. */
  unanchored(size: number, since: number): void {
    if (size >= this.#anchored) return;
    this.#anchored = size;
    if (this.#committed > size) {
      this.#commits = this.#commits.filter((c) => c.size > size);
      if (!this.#commits.length || this.#commits[0]!.at > since)
        this.#commits.unshift({ size: Math.min(this.#committed, this.#commits[0]?.size ?? this.#committed), at: since });
    }
  }

  get pending(): number {
    return Math.max(0, this.#committed - this.#anchored);
  }

  /** Milliseconds the oldest pending entry has waited (0 when none). */
  oldestAgeMs(): number {
    const first = this.#commits[0];
    return first ? Math.max(0, this.#now() - first.at) : 0;
  }
}
