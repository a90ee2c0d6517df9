/**
 * LevelDB adapter: the only module that talks to `level`. Every write that
 * acknowledges data uses `sync: true`, so a resolved write is on disk.
 */
import { dirname, join } from "node:path";
import { Level } from "level";
import { K, prefixEnd } from "./keys.ts";
import type { NodeId } from "../../core/merkle/range.ts";

import type { Checkpoint } from "../../core/chain-checkpoint.ts";
export type { Checkpoint } from "../../core/chain-checkpoint.ts";

/** An exchange entry as written: its leaf data and the fields its index keys are made of. */
export interface IndexedEntry {
  readonly kind?: "exchange";
  readonly seq: number;
  readonly leafData: string;
  readonly provider: string;
  readonly id: string;
  readonly dataset: string;
  readonly derivedFrom: readonly string[];
}

/** Every index key an entry has (values are all ""), besides p:. */
export function indexKeys(e: Omit<IndexedEntry, "leafData" | "provider" | "id">): string[] {
  const keys = [K.datasetExchange(e.dataset, e.seq)];
  for (const src of e.derivedFrom) keys.push(K.upstream(e.dataset, src), K.downstream(src, e.dataset));
  return keys;
}

/** An acknowledgement entry as written. */
export interface AckWrite {
  readonly kind: "ack";
  readonly seq: number;
  readonly leafData: string;
  readonly provider: string;
  readonly id: string;
  /** The acknowledged exchange: no longer awaiting acknowledgement. */
  readonly exchangeSeq: number;
}

export interface AppendWrite {
  readonly entries: ReadonlyArray<IndexedEntry | AckWrite>;
  readonly nodes: ReadonlyArray<{ level: number; index: number; hashHex: string }>;
  /** Usage counters' new values (written with the entries: they never drift). */
  readonly counters?: ReadonlyArray<{ key: string; value: string }>;
  readonly newSize: number;
}

/** LevelDB's LOCK is held: another dxledger process (serve, audit, reindex) has this data dir open. */
export class DataDirInUseError extends Error {
  readonly location: string;
  constructor(location: string, cause: unknown) {
    super(`the data dir ${dirname(location)} is in use by another dxledger process (${join(location, "LOCK")} is held); stop that process first, or use another DATA_DIR`, { cause });
    this.name = "DataDirInUseError";
    this.location = location;
  }
}

export class Store {
  readonly db: Level<string, string>;

  private constructor(db: Level<string, string>) {
    this.db = db;
  }

  /** Opens the store; a store another process (or this one) holds is a DataDirInUseError. */
  static async open(location: string): Promise<Store> {
    // A 32 MiB memtable absorbs the rewrites of hot counters between compactions; 64 MiB of block cache keeps tree nodes and indexes hot.
    const db = new Level<string, string>(location, { keyEncoding: "utf8", valueEncoding: "utf8", writeBufferSize: 32 * 1024 * 1024, cacheSize: 64 * 1024 * 1024 });
    try {
      await db.open();
    } catch (e) {
      if ((e as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") throw new DataDirInUseError(location, e);
      throw e;
    }
    return new Store(db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  get isOpen(): boolean {
    return this.db.status === "open";
  }

  async size(): Promise<number> {
    const v = await this.db.get(K.size);
    return v === undefined ? 0 : Number(v);
  }

  /** Appends entries, their tree nodes and the new size in one synced batch: the commit point. */
  async append(w: AppendWrite): Promise<void> {
    const ops: Array<{ type: "put"; key: string; value: string } | { type: "del"; key: string }> = [];
    for (const e of w.entries) {
      ops.push({ type: "put", key: K.entry(e.seq), value: e.leafData });
      if (e.kind === "ack") {
        ops.push({ type: "put", key: K.ackOf(e.provider, e.id), value: String(e.seq) });
        ops.push({ type: "del", key: K.unacknowledged(e.exchangeSeq) });
        continue;
      }
      ops.push({ type: "put", key: K.byProvider(e.provider, e.id), value: String(e.seq) });
      ops.push({ type: "put", key: K.unacknowledged(e.seq), value: "" });
      for (const key of indexKeys(e)) ops.push({ type: "put", key, value: "" });
    }
    for (const n of w.nodes) ops.push({ type: "put", key: K.node(n.level, n.index), value: n.hashHex });
    for (const c of w.counters ?? []) ops.push({ type: "put", key: c.key, value: c.value });
    ops.push({ type: "put", key: K.size, value: String(w.newSize) });
    await this.db.batch(ops, { sync: true });
  }

  async entry(seq: number): Promise<string | undefined> {
    return this.db.get(K.entry(seq));
  }

  async entries(seqs: readonly number[]): Promise<Array<string | undefined>> {
    return seqs.length === 0 ? [] : this.db.getMany(seqs.map(K.entry));
  }

  /** Seqs of exchanges (or, with `kind: "ack"`, of their acknowledgements) by provider + id. */
  async seqsByProviderId(keys: ReadonlyArray<{ provider: string; id: string; kind?: "exchange" | "ack" }>): Promise<Array<number | undefined>> {
    if (keys.length === 0) return [];
    const vals = await this.db.getMany(keys.map((k) => (k.kind === "ack" ? K.ackOf(k.provider, k.id) : K.byProvider(k.provider, k.id))));
    return vals.map((v) => (v === undefined ? undefined : Number(v)));
  }

  /** Hashes (hex) of stored nodes, in order; a missing node is an integrity error. */
  async nodes(ids: readonly NodeId[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const vals = await this.db.getMany(ids.map((n) => K.node(n.level, n.index)));
    return vals.map((v, i) => {
      if (v === undefined) throw new Error(`store: tree node (${ids[i]!.level}, ${ids[i]!.index}) is missing`);
      return v;
    });
  }

  /** Every provider+id key in the log: "provider:id" for exchanges, "ack|provider:id" for acknowledgements. */
  async *providerIdKeys(): AsyncGenerator<string> {
    for await (const k of this.db.keys({ gte: "p:", lt: prefixEnd("p:") })) yield k.slice(2);
    for await (const k of this.db.keys({ gte: "a:", lt: prefixEnd("a:") })) yield `ack|${k.slice(2)}`;
  }

  /** Keys under `prefix` (after `after`, if given), at most `limit`, in order. */
  async keysUnder(prefix: string, limit: number, after?: string): Promise<string[]> {
    const out: string[] = [];
    const opts = after === undefined ? { gte: prefix, lt: prefixEnd(prefix), limit } : { gt: after, lt: prefixEnd(prefix), limit };
    for await (const k of this.db.keys(opts)) out.push(k);
    return out;
  }

  async *entriesFrom(seq: number): AsyncGenerator<[number, string]> {
    for await (const [k, v] of this.db.iterator({ gte: K.entry(seq), lt: prefixEnd(K.entryPrefix) })) {
      yield [Number(k.slice(K.entryPrefix.length)), v];
    }
  }

  // ── checkpoints ──
  async putCheckpoint(cp: Checkpoint): Promise<void> {
    await this.db.put(K.checkpoint(cp.index), JSON.stringify(cp), { sync: true });
  }

  async deleteCheckpointsFrom(index: number): Promise<void> {
    const ops: Array<{ type: "del"; key: string }> = [];
    for await (const k of this.db.keys({ gte: K.checkpoint(index), lt: prefixEnd(K.checkpointPrefix) })) {
      ops.push({ type: "del", key: k });
    }
    if (ops.length) await this.db.batch(ops, { sync: true });
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return this.jsonRange<Checkpoint>(K.checkpointPrefix);
  }

  // ── small JSON records: tokens, departments, deployment ──
  async getJson<T>(key: string): Promise<T | undefined> {
    const v = await this.db.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.db.put(key, JSON.stringify(value), { sync: true });
  }

  async jsonRange<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for await (const v of this.db.values({ gte: prefix, lt: prefixEnd(prefix) })) out.push(JSON.parse(v) as T);
    return out;
  }
}
