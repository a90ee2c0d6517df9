/**
 * The append lifecycle in one place: queued submissions are group-committed
 * (one synced LevelDB batch per group), idempotent per provider+id, and each
 * resolves only after its batch is on disk.
 *
 * Contract:
 * - A submission (one record or a batch) is all-or-nothing.
 * - A record whose provider+id exists with identical content is a replay: it
 *   gets the original result and writes nothing; other content → ID_CONFLICT.
 * - `submit` MUST NOT resolve before the batch holding its entries is written.
 * - Past `maxQueued` waiting records, `submit` throws OVERLOADED: answer 503
 *   with Retry-After.
 */
import { canonicalJson, entryText, normalizeRecord, type Entry, type ExchangeRecord } from "../core/record.ts";
import { LedgerError } from "../core/errors.ts";
import { Frontier } from "../core/merkle/frontier.ts";
import { hashLeaf } from "../core/merkle/hash.ts";
import { decompose } from "../core/merkle/range.ts";
import { fromHex, toHex } from "../core/hex.ts";
import type { Store } from "../adapters/leveldb/store.ts";

export interface AppendResult {
  readonly seq: number;
  readonly provider: string;
  readonly id: string;
  readonly leafHash: string;
  readonly receivedAt: string;
  /** True when this record was already in the log (identical replay). */
  readonly replay: boolean;
}

interface Pending {
  readonly records: readonly ExchangeRecord[];
  readonly resolve: (r: AppendResult[]) => void;
  readonly reject: (e: unknown) => void;
}

export const DEFAULT_MAX_GROUP = 2000;
export const DEFAULT_MAX_QUEUED = 100_000;

export class Appender {
  readonly #store: Store;
  #frontier: Frontier;
  #queue: Pending[] = [];
  #queued = 0;
  #running = false;
  #closed = false;
  readonly #maxGroup: number;
  readonly #maxQueued: number;
  readonly #onCommit: (size: number) => void;

  private constructor(store: Store, frontier: Frontier, opts: AppenderOptions) {
    this.#store = store;
    this.#frontier = frontier;
    this.#maxGroup = opts.maxGroup ?? DEFAULT_MAX_GROUP;
    this.#maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.#onCommit = opts.onCommit ?? (() => {});
  }

  /** Loads the tree's right edge from the stored nodes (O(log n) reads). */
  static async open(store: Store, opts: AppenderOptions = {}): Promise<Appender> {
    const size = await store.size();
    const hashes = (await store.nodes(decompose(0, size))).map(fromHex);
    return new Appender(store, new Frontier(size, hashes), opts);
  }

  /** Committed log size. */
  get size(): number {
    return this.#frontier.size;
  }

  get queued(): number {
    return this.#queued;
  }

  submit(records: readonly ExchangeRecord[]): Promise<AppendResult[]> {
    if (this.#closed) return Promise.reject(new LedgerError("NOT_READY", "the ledger is shutting down"));
    if (this.#queued + records.length > this.#maxQueued) {
      return Promise.reject(
        new LedgerError("OVERLOADED", "too many records waiting to be written; retry shortly", { retryAfterSeconds: 1 }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ records: records.map(normalizeRecord), resolve, reject });
      this.#queued += records.length;
      if (!this.#running) void this.#drain();
    });
  }

  /** Stops taking submissions and waits until every queued one is written. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await new Promise((r) => setTimeout(r, 5));
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const group: Pending[] = [];
        let n = 0;
        while (this.#queue.length > 0 && (n === 0 || n + this.#queue[0]!.records.length <= this.#maxGroup)) {
          const p = this.#queue.shift()!;
          group.push(p);
          n += p.records.length;
        }
        this.#queued -= n;
        await this.#commitGroup(group);
      }
    } finally {
      this.#running = false;
    }
  }

  async #commitGroup(group: Pending[]): Promise<void> {
    const all = group.flatMap((p) => p.records);
    let existing: Array<number | undefined>;
    let existingEntries: Map<number, Entry>;
    try {
      existing = await this.#store.seqsByProviderId(all);
      const hitSeqs = [...new Set(existing.filter((s): s is number => s !== undefined))];
      const raw = await this.#store.entries(hitSeqs);
      existingEntries = new Map(hitSeqs.map((s, i) => [s, JSON.parse(raw[i]!) as Entry]));
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    }

    const before = this.#snapshot();
    const receivedAt = new Date().toISOString();
    const inGroup = new Map<string, { record: ExchangeRecord; result: AppendResult }>();
    const same = (a: ExchangeRecord, b: ExchangeRecord): boolean => a === b || canonicalJson(a) === canonicalJson(b);
    const entries: Array<{ seq: number; leafData: string; provider: string; id: string }> = [];
    const nodes: Array<{ level: number; index: number; hashHex: string }> = [];
    const accepted: Array<{ p: Pending; results: AppendResult[] }> = [];
    let k = 0;

    for (const p of group) {
      const results: AppendResult[] = [];
      const mark = { entries: entries.length, nodes: nodes.length, frontier: this.#snapshot(), keys: [] as string[] };
      let conflict: LedgerError | undefined;
      for (const r of p.records) {
        const seqHit = existing[k++];
        const key = `${r.provider}:${r.id}`;
        const prior = inGroup.get(key);
        if (prior) {
          if (!same(prior.record, r)) conflict ??= conflictError(r);
          else results.push({ ...prior.result, replay: true });
          continue;
        }
        if (seqHit !== undefined) {
          const old = existingEntries.get(seqHit)!;
          if (!same(old.record, r)) {
            conflict ??= conflictError(r);
            continue;
          }
          const leafHash = toHex(hashLeaf(Buffer.from(entryText(old), "utf8")));
          const result = { seq: old.seq, provider: r.provider, id: r.id, leafHash, receivedAt: old.receivedAt, replay: true };
          inGroup.set(key, { record: r, result });
          mark.keys.push(key);
          results.push(result);
          continue;
        }
        const seq = this.#frontier.size;
        const entry: Entry = { v: 1, seq, receivedAt, record: r };
        const leafData = entryText(entry);
        const leaf = hashLeaf(Buffer.from(leafData, "utf8"));
        for (const n of this.#frontier.append(leaf)) nodes.push({ level: n.level, index: n.index, hashHex: toHex(n.hash) });
        entries.push({ seq, leafData, provider: r.provider, id: r.id });
        const result = { seq, provider: r.provider, id: r.id, leafHash: toHex(leaf), receivedAt, replay: false };
        inGroup.set(key, { record: r, result });
        mark.keys.push(key);
        results.push(result);
      }
      if (conflict) {
        // Undo this submission only: earlier ones in the group stand.
        entries.length = mark.entries;
        nodes.length = mark.nodes;
        this.#frontier = mark.frontier;
        for (const key of mark.keys) inGroup.delete(key);
        p.reject(conflict);
        continue;
      }
      accepted.push({ p, results });
    }

    if (entries.length === 0) {
      for (const a of accepted) a.p.resolve(a.results);
      return;
    }
    try {
      // COMMIT POINT: entries, nodes, id index and size in one synced batch.
      await this.#store.append({ entries, nodes, newSize: this.#frontier.size });
    } catch (e) {
      this.#frontier = before;
      for (const a of accepted) a.p.reject(new LedgerError("INTERNAL", "the log could not be written", { cause: String(e) }));
      return;
    }
    this.#onCommit(this.#frontier.size);
    for (const a of accepted) a.p.resolve(a.results);
  }

  #snapshot(): Frontier {
    return this.#frontier.clone();
  }
}

export interface AppenderOptions {
  readonly maxGroup?: number;
  readonly maxQueued?: number;
  /** Called after each commit with the new size. */
  readonly onCommit?: (size: number) => void;
}

function conflictError(r: ExchangeRecord): LedgerError {
  return new LedgerError(
    "ID_CONFLICT",
    `provider ${r.provider} already recorded id ${r.id} with other content`,
    { provider: r.provider, id: r.id },
  );
}
