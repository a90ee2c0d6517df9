/**
 * LevelDB adapter (this folder is the only code that talks to `level`). Every write that
 * acknowledges data uses `sync: true`, so a resolved write is on disk.
 */
import { dirname, join } from "node:path";
import { Level } from "level";
import { departmentKeys, indexKeys, K, prefixEnd } from "./keys.ts";
import type { NodeId } from "../../core/merkle/range.ts";

import type { AppendWrite, Checkpoint, CheckpointStore, DatasetIndex, DepartmentIndex, DepartmentPosition, LogStore, RecordStore } from "../../ports/store.ts";
import { formatCount, LevelCounters } from "./counter-store.ts";
import { LevelIndexCheck } from "./index-check.ts";
import { ensureDepartmentIndex } from "./derived-indexes.ts";

export type { AckWrite, AppendWrite, Checkpoint, IndexedEntry } from "../../ports/store.ts";

export { indexKeys } from "./keys.ts";

/** LevelDB's LOCK is held: another dxledger process (serve, audit, reindex) has this data dir open. */
export class DataDirInUseError extends Error {
  readonly location: string;
  constructor(location: string, cause: unknown) {
    super(
      `the data dir ${dirname(location)} is in use by another dxledger process (${join(location, "LOCK")} is held); stop that process first, or use another DATA_DIR`,
      { cause },
    );
    this.name = "DataDirInUseError";
    this.location = location;
  }
}

/**
 * The data dir. Services see it only through the ports it implements
 * (src/ports); `db` is for the sibling LevelDB modules (derived indexes, the
 * index check) and for tests that damage a store on purpose.
 */
export class Store implements LogStore, CheckpointStore, DatasetIndex, DepartmentIndex {
  readonly db: Level;
  /** The usage counters (src/ports/counters.ts). */
  readonly counters: LevelCounters;
  /** The derived indexes as the audit reads them (src/ports/index-check.ts). */
  readonly indexCheck: LevelIndexCheck;

  private constructor(db: Level) {
    this.db = db;
    this.counters = new LevelCounters(db);
    this.indexCheck = new LevelIndexCheck(db);
  }

  /**
   * Opens the store; a store another process (or this one) holds is a DataDirInUseError.
   * A data dir written before the department index existed gets it built here, once.
   */
  static async open(location: string): Promise<Store> {
    // A 32 MiB memtable absorbs the rewrites of hot counters between compactions; 64 MiB of block cache keeps tree nodes and indexes hot.
    const db = new Level<string, string>(location, {
      keyEncoding: "utf8",
      valueEncoding: "utf8",
      writeBufferSize: 32 * 1024 * 1024,
      cacheSize: 64 * 1024 * 1024,
    });
    try {
      await db.open();
    } catch (e) {
      if ((e as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") throw new DataDirInUseError(location, e);
      throw e;
    }
    const store = new Store(db);
    try {
      await ensureDepartmentIndex(store);
    } catch (e) {
      await db.close();
      throw e;
    }
    return store;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  get isOpen(): boolean {
    return this.db.status === "open";
  }

  /**
   * The value at `key`, undefined when missing. level's index.d.ts types get (and getMany) as always
   * finding the key; the abstract-level it runs on answers undefined for a missing one.
   */
  #read(key: string): Promise<string | undefined> {
    return this.db.get(key);
  }

  /** The values at `keys`, in order, undefined for a missing one (see #read). */
  #readMany(keys: string[]): Promise<Array<string | undefined>> {
    return this.db.getMany(keys);
  }

  async size(): Promise<number> {
    const v = await this.#read(K.size);
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
      for (const key of departmentKeys(e)) ops.push({ type: "put", key, value: "" });
    }
    for (const n of w.nodes) ops.push({ type: "put", key: K.node(n.level, n.index), value: n.hashHex });
    for (const c of w.counters ?? []) ops.push({ type: "put", key: c.key, value: formatCount(c.value) });
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
    const vals = await this.#readMany(keys.map((k) => (k.kind === "ack" ? K.ackOf(k.provider, k.id) : K.byProvider(k.provider, k.id))));
    return vals.map((v) => (v === undefined ? undefined : Number(v)));
  }

  /** Hashes (hex) of stored nodes, in order; a missing node is an integrity error. */
  async nodes(ids: readonly NodeId[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const vals = await this.#readMany(ids.map((n) => K.node(n.level, n.index)));
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

  async unacknowledged(limit: number, after?: number): Promise<number[]> {
    const keys = await this.keysUnder(K.unacknowledgedPrefix, limit, after === undefined ? undefined : K.unacknowledged(after));
    return keys.map((k) => Number(k.slice(K.unacknowledgedPrefix.length)));
  }

  async exchangesOf(dataset: string, limit: number, after?: number): Promise<number[]> {
    const prefix = K.datasetExchangePrefix(dataset);
    const keys = await this.keysUnder(prefix, limit, after === undefined ? undefined : K.datasetExchange(dataset, after));
    return keys.map((k) => Number(k.slice(prefix.length)));
  }

  async departmentExchanges(
    department: string,
    role: "provider" | "consumer",
    range: { from: string; to: string },
    limit: number,
    after?: DepartmentPosition,
  ): Promise<DepartmentPosition[]> {
    const r = role === "provider" ? "p" : "c";
    const prefix = K.departmentExchangePrefix(r, department);
    const start = K.departmentExchange(r, department, range.from, 0);
    const past = after === undefined ? undefined : K.departmentExchange(r, department, after.day, after.seq);
    const lower = past === undefined || past < start ? { gte: start } : { gt: past };
    const out: DepartmentPosition[] = [];
    for await (const k of this.db.keys({ ...lower, lt: `${prefix}${range.to}!\xff`, limit })) {
      const rest = k.slice(prefix.length);
      out.push({ day: rest.slice(0, 10), seq: Number(rest.slice(11)) });
    }
    return out;
  }

  async sourcesOf(dataset: string, limit: number): Promise<string[]> {
    const prefix = K.upstreamPrefix(dataset);
    return (await this.keysUnder(prefix, limit)).map((k) => k.slice(prefix.length));
  }

  async derivedFrom(source: string, limit: number): Promise<string[]> {
    const prefix = K.downstreamPrefix(source);
    return (await this.keysUnder(prefix, limit)).map((k) => k.slice(prefix.length));
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

  /** API tokens (t:) or departments (d:) as a RecordStore. */
  records<T>(kind: "token" | "department"): RecordStore<T> {
    const [key, prefix] = kind === "token" ? [K.token, K.tokenPrefix] : [K.department, K.departmentPrefix];
    return {
      get: (id) => this.getJson<T>(key(id)),
      put: (id, value) => this.putJson(key(id), value),
      all: () => this.jsonRange<T>(prefix),
    };
  }

  // ── small JSON records: tokens, departments, deployment ──
  async getJson<T>(key: string): Promise<T | undefined> {
    const v = await this.#read(key);
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
