/**
 * Small in-memory stand-ins for the ports services take (src/ports): each
 * keeps what it was given so a test can look at what a service stored.
 * Values are copied through JSON on the way in and out, as a store on disk
 * would: a service cannot change a stored record by keeping a reference.
 */
import type { RecordStore } from "../../src/ports/store.ts";

/** A RecordStore over a Map; `puts` lists every write in order, `failNext` makes the next put reject. */
export class MemoryRecords<T> implements RecordStore<T> {
  readonly data = new Map<string, string>();
  readonly puts: Array<{ id: string; value: T }> = [];
  failNext: Error | undefined;

  constructor(initial: Record<string, T> = {}) {
    for (const [id, v] of Object.entries(initial)) this.data.set(id, JSON.stringify(v));
  }

  get(id: string): Promise<T | undefined> {
    const s = this.data.get(id);
    return Promise.resolve(s === undefined ? undefined : (JSON.parse(s) as T));
  }

  put(id: string, value: T): Promise<void> {
    const e = this.failNext;
    if (e) {
      this.failNext = undefined;
      return Promise.reject(e);
    }
    this.data.set(id, JSON.stringify(value));
    this.puts.push({ id, value: JSON.parse(JSON.stringify(value)) as T });
    return Promise.resolve();
  }

  all(): Promise<T[]> {
    return Promise.resolve([...this.data.values()].map((s) => JSON.parse(s) as T));
  }

  /** The stored text of every record: what is on "disk". */
  raw(): string {
    return [...this.data.values()].join("\n");
  }
}

/** A clock a test moves by hand. */
export class ManualClock {
  t: number;
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.t = start;
  }
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  iso(offsetMs = 0): string {
    return new Date(this.t + offsetMs).toISOString();
  }
}

/** What `p` rejects with; fails the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
