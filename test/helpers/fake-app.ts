/**
 * The HTTP app (createApp) over in-memory fakes of every port of AppDeps:
 * no chain, no store, no socket. Requests go in with light-my-request's
 * `inject`. The fakes are small and honest: the log computes real leaf
 * hashes, roots and proofs (the RFC 9162 reference tree), so receipts verify
 * offline; what needs a chain (signatures, state proofs) is not checked.
 *
 * Callers: `TOKENS` holds one bearer token per kind of caller; `state` lets a
 * test set the checkpoints, the write refusal, readiness and shutdown.
 */
import { inject, type InjectOptions, type Response } from "light-my-request";
import type { Express } from "express";
import { createApp } from "../../src/adapters/http/app.ts";
import type { AppDeps } from "../../src/adapters/http/deps.ts";
import { LedgerError } from "../../src/core/errors.ts";
import { acknowledgementInput, logEntryText, partiesOf, type Acknowledgement, type LogEntry } from "../../src/core/ack.ts";
import { exchangeRecordInput, type Entry, type ExchangeRecord } from "../../src/core/record.ts";
import { notFound } from "../../src/core/not-found.ts";
import { zodDetails } from "../../src/core/zod-details.ts";
import { toHex, utf8, type Hex } from "../../src/core/hex.ts";
import type { Principal, Role } from "../../src/core/roles.ts";
import type { Checkpoint } from "../../src/core/chain-checkpoint.ts";
import type { AckCheck, AnchoringHealth, AnchoringState, AppendResult, ExchangeIntake, LogAppender, LogReader } from "../../src/ports/api/ledger.ts";
import type { TokenAdmin, TokenView } from "../../src/ports/api/tokens.ts";
import type { DepartmentAdmin, DepartmentView } from "../../src/ports/api/departments.ts";
import type { DepartmentExchangeItem, ExchangeItem, ProvenanceQueries } from "../../src/ports/api/provenance.ts";
import type { UsageStatistics } from "../../src/ports/api/stats.ts";
import type { FederationListing } from "../../src/ports/federation.ts";
import type { Receipt } from "../../src/ports/receipts.ts";
import { refConsistency, refLeaf, refPath, refRoot } from "./reference-tree.ts";

export const CHAIN_ID = 31337;
export const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const LOG_ID = `0x${"ab".repeat(32)}`;
const SIGNATURE = `0x${"11".repeat(65)}`;
const T0 = Date.parse("2026-03-01T10:00:00.000Z");

/** One bearer token per kind of caller. */
export const TOKENS = {
  admin: "tok-admin",
  auditor: "tok-auditor",
  regulator: "tok-regulator",
  tax: "tok-tax",
  health: "tok-health",
} as const;
const ROLE_OF: Readonly<Record<string, { tokenId: string; role: Role }>> = {
  [TOKENS.admin]: { tokenId: "bootstrap", role: "admin" },
  [TOKENS.auditor]: { tokenId: "t-auditor", role: "auditor" },
  [TOKENS.regulator]: { tokenId: "t-regulator", role: "regulator" },
  [TOKENS.tax]: { tokenId: "t-tax", role: "department:tax" },
  [TOKENS.health]: { tokenId: "t-health", role: "department:health" },
};

/** An exchange record as a provider would submit it (the signature is not checked here). */
export function record(provider: string, consumer: string, id: string, patch: Partial<ExchangeRecord> = {}): Record<string, unknown> {
  return {
    id,
    provider,
    consumer,
    dataset: "population/register",
    purpose: "benefit eligibility",
    legalBasis: "act 12",
    recordCount: 10,
    payloadDigest: `0x${"cd".repeat(32)}`,
    derivedFrom: [],
    occurredAt: "2026-03-01T09:00:00.000Z",
    signature: SIGNATURE,
    ...patch,
  };
}

/** The consumer's acknowledgement of an exchange (its leaf hash is the caller's to give). */
export function acknowledgement(provider: string, id: string, consumer: string, exchangeLeafHash: string): Acknowledgement {
  return { provider, id, consumer, exchangeLeafHash, acknowledgedAt: "2026-03-01T11:00:00.000Z", signature: SIGNATURE };
}

const recordOf = (e: LogEntry): { provider: string; id: string } => ("ack" in e ? e.ack : e.record);

/** The log: entries in memory with their leaf hashes; the appender, the reader and the provenance queries read it. */
export class MemoryLog implements LogAppender {
  readonly entries: LogEntry[] = [];
  readonly leaves: Uint8Array[] = [];
  /** Seq by "provider:id" of exchanges and "ack|provider:id" of acknowledgements. */
  readonly #byKey = new Map<string, number>();

  get size(): number {
    return this.entries.length;
  }

  leafHash(seq: number): Hex {
    return toHex(this.leaves[seq]!);
  }

  rootAt(treeSize: number): string {
    return toHex(refRoot(this.leaves.slice(0, treeSize)));
  }

  seq(key: string): number | undefined {
    return this.#byKey.get(key);
  }

  #receivedAt(seq: number): string {
    return new Date(T0 + seq * 1000).toISOString();
  }

  #add(key: string, make: (seq: number, receivedAt: string) => LogEntry, same: (e: LogEntry) => boolean): AppendResult {
    const old = this.#byKey.get(key);
    if (old !== undefined) {
      const e = this.entries[old]!;
      if (!same(e)) throw new LedgerError("ID_CONFLICT", `${key} is already in the log with other content`, { seq: old });
      return { seq: old, ...recordOf(e), leafHash: this.leafHash(old), receivedAt: e.receivedAt, replay: true };
    }
    const seq = this.entries.length;
    const e = make(seq, this.#receivedAt(seq));
    this.entries.push(e);
    this.leaves.push(refLeaf(utf8(logEntryText(e))));
    this.#byKey.set(key, seq);
    return { seq, ...recordOf(e), leafHash: this.leafHash(seq), receivedAt: e.receivedAt, replay: false };
  }

  submit(records: readonly ExchangeRecord[]): Promise<AppendResult[]> {
    return Promise.resolve(
      records.map((record) =>
        this.#add(
          `${record.provider}:${record.id}`,
          (seq, receivedAt): Entry => ({ v: 1, seq, receivedAt, record }),
          (e) => "record" in e && JSON.stringify(e.record) === JSON.stringify(record),
        ),
      ),
    );
  }

  submitAcks(acks: ReadonlyArray<{ ack: Acknowledgement; exchangeSeq: number }>): Promise<AppendResult[]> {
    return Promise.resolve(
      acks.map(({ ack }) =>
        this.#add(
          `ack|${ack.provider}:${ack.id}`,
          (seq, receivedAt) => ({ v: 1, seq, receivedAt, ack }),
          (e) => "ack" in e && JSON.stringify(e.ack) === JSON.stringify(ack),
        ),
      ),
    );
  }

  entry(seq: number): LogEntry {
    const e = this.entries[seq];
    if (!e) throw notFound();
    return e;
  }

  /** Root hashes and inclusion/consistency proofs from the RFC 9162 reference tree. */
  inclusion(seq: number, treeSize: number): Hex[] {
    return refPath(seq, this.leaves.slice(0, treeSize)).map(toHex);
  }

  consistencyProof(from: number, to: number): Hex[] {
    return refConsistency(from, this.leaves.slice(0, to)).map(toHex);
  }
}

/** The anchorer: checkpoints a test sets (or anchorNow adds) over the log. */
export class FakeAnchorer implements AnchoringState {
  checkpoints: Checkpoint[] = [];
  readonly #log: MemoryLog;

  constructor(log: MemoryLog) {
    this.#log = log;
  }

  get latest(): Checkpoint | undefined {
    return this.checkpoints[this.checkpoints.length - 1];
  }

  get anchoredSize(): number {
    return this.latest?.treeSize ?? 0;
  }

  /** Anchors the log as it is now (a checkpoint over its current size); nothing when nothing is pending. */
  anchor(): Checkpoint | undefined {
    const treeSize = this.#log.size;
    if (treeSize === 0 || treeSize === this.anchoredSize) return this.latest;
    const index = this.checkpoints.length;
    const cp: Checkpoint = {
      index,
      treeSize,
      rootHash: this.#log.rootAt(treeSize),
      txHash: `0x${(index + 1).toString(16).padStart(64, "0")}`,
      blockNumber: 100 + index,
      anchoredAt: Math.floor(T0 / 1000) + 3600 * (index + 1),
    };
    this.checkpoints = [...this.checkpoints, cp];
    return cp;
  }

  covering(seq: number): Checkpoint | undefined {
    return this.checkpoints.find((cp) => cp.treeSize > seq);
  }

  health(): AnchoringHealth {
    const cp = this.latest;
    return {
      pending: this.#log.size - this.anchoredSize,
      oldestPendingAgeMs: 0,
      anchoredSize: this.anchoredSize,
      lastCheckpoint: cp ? { index: cp.index, treeSize: cp.treeSize, blockNumber: cp.blockNumber, txHash: cp.txHash } : null,
      lostCheckpoints: 0,
      chainHead: cp ? cp.blockNumber + 1 : 1,
      chainCheckedAt: new Date(T0).toISOString(),
      lastError: null,
      halted: null,
    };
  }

  anchorNow(): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.anchor());
  }
}

class FakeReader implements LogReader {
  readonly #log: MemoryLog;
  readonly #anchorer: FakeAnchorer;

  constructor(log: MemoryLog, anchorer: FakeAnchorer) {
    this.#log = log;
    this.#anchorer = anchorer;
  }

  status(seq: number): "pending" | "anchored" {
    return seq < this.#anchorer.anchoredSize ? "anchored" : "pending";
  }

  acknowledgement(provider: string, id: string): Promise<{ seq: number; acknowledgedAt: string; receivedAt: string } | null> {
    const seq = this.#log.seq(`ack|${provider}:${id}`);
    if (seq === undefined) return Promise.resolve(null);
    const e = this.#log.entry(seq);
    return Promise.resolve("ack" in e ? { seq, acknowledgedAt: e.ack.acknowledgedAt, receivedAt: e.receivedAt } : null);
  }

  unacknowledged(before: string, after: number | undefined, limit: number, visible?: (provider: string, consumer: string) => boolean) {
    const items = this.#log.entries
      .filter((e): e is Entry => "record" in e && e.seq > (after ?? -1) && e.receivedAt < before)
      .filter((e) => this.#log.seq(`ack|${e.record.provider}:${e.record.id}`) === undefined)
      .filter((e) => !visible || visible(e.record.provider, e.record.consumer))
      .map((e) => ({
        ...pick(e.record, "provider", "consumer", "id", "dataset", "occurredAt"),
        seq: e.seq,
        receivedAt: e.receivedAt,
        receipt: `/v1/entries/${e.seq}/receipt`,
      }));
    const page = items.slice(0, limit);
    return Promise.resolve({ items: page, next: items.length > limit ? page[page.length - 1]!.seq : null });
  }

  seqOf(provider: string, id: string): Promise<number> {
    const seq = this.#log.seq(`${provider}:${id}`);
    return seq === undefined ? Promise.reject(notFound()) : Promise.resolve(seq);
  }

  async exchange(seq: number): Promise<{ entry: LogEntry; leafHash: Hex; status: "pending" | "anchored" }> {
    await Promise.resolve();
    return { entry: this.#log.entry(seq), leafHash: this.#log.leafHash(seq), status: this.status(seq) };
  }

  async receipt(seq: number, maySee?: (e: LogEntry) => void, opts: { proof?: "state" } = {}): Promise<Receipt> {
    await Promise.resolve();
    const entry = this.#log.entry(seq);
    maySee?.(entry);
    const cp = this.#anchorer.covering(seq);
    if (!cp) throw new LedgerError("NOT_YET_ANCHORED", `entry ${seq} is not anchored yet`, { seq, anchoredSize: this.#anchorer.anchoredSize });
    if (opts.proof === "state") throw new LedgerError("STATE_PROOF_UNAVAILABLE", "no chain here to prove the checkpoint's state");
    return {
      v: 1,
      entry,
      leafIndex: seq,
      leafHash: this.#log.leafHash(seq),
      checkpoint: {
        logId: LOG_ID,
        index: cp.index,
        treeSize: cp.treeSize,
        rootHash: cp.rootHash,
        chainId: CHAIN_ID,
        contract: CONTRACT,
        txHash: cp.txHash,
        blockNumber: cp.blockNumber,
      },
      inclusionProof: this.#log.inclusion(seq, cp.treeSize),
    };
  }

  consistency(from: number, to: number): Promise<{ from: number; to: number; proof: Hex[] }> {
    const size = this.#log.size;
    if (!(from >= 1 && from <= to && to <= size)) {
      return Promise.reject(new LedgerError("BAD_REQUEST", `need 1 ≤ from ≤ to ≤ ${size} (the log size), got from=${from}, to=${to}`, { size }));
    }
    return Promise.resolve({ from, to, proof: from === to ? [] : this.#log.consistencyProof(from, to) });
  }
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** Records parsed with the real schema; signatures are not checked (there is no registry). */
class FakeIntake implements ExchangeIntake {
  parse(body: unknown, at?: number): ExchangeRecord {
    const r = exchangeRecordInput.safeParse(body);
    if (r.success) return r.data;
    const details = zodDetails(r.error, at === undefined ? [] : ["records", at]);
    throw new LedgerError("VALIDATION_FAILED", `invalid exchange record: ${details[0]!.path} ${details[0]!.message}`, details);
  }

  verify(): Promise<void> {
    return Promise.resolve();
  }
}

/** An acknowledgement parsed with the real schema and bound to the exchange it names (leaf hash); its signature is not checked. */
class FakeAckIntake implements AckCheck {
  readonly #log: MemoryLog;

  constructor(log: MemoryLog) {
    this.#log = log;
  }

  check(body: unknown): Promise<{ ack: Acknowledgement; exchangeSeq: number }> {
    const r = acknowledgementInput.safeParse(body);
    if (!r.success) return Promise.reject(new LedgerError("VALIDATION_FAILED", "invalid acknowledgement", zodDetails(r.error)));
    const ack = r.data;
    const exchangeSeq = this.#log.seq(`${ack.provider}:${ack.id}`);
    if (exchangeSeq === undefined) return Promise.reject(notFound());
    const e = this.#log.entry(exchangeSeq);
    if (partiesOf(e).consumer !== ack.consumer) return Promise.reject(new LedgerError("FORBIDDEN", "only the exchange's consumer acknowledges it"));
    if (this.#log.leafHash(exchangeSeq) !== ack.exchangeLeafHash)
      return Promise.reject(new LedgerError("VALIDATION_FAILED", "exchangeLeafHash names another entry"));
    return Promise.resolve({ ack, exchangeSeq });
  }
}

const signerOf = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

/** Departments registered "on chain": tax and health to begin with. */
class FakeDepartments implements DepartmentAdmin {
  readonly all = new Map<string, DepartmentView>();

  constructor() {
    for (const [i, id] of ["tax", "health"].entries()) this.#put(id, `${id} department`, signerOf(i + 1));
  }

  #put(id: string, name: string, signer: string): DepartmentView {
    const v: DepartmentView = {
      id,
      name,
      signer,
      active: true,
      registeredAt: new Date(T0).toISOString(),
      txHash: `0x${"0e".repeat(32)}`,
      rotationNonce: 0,
      pendingRecovery: null,
    };
    this.all.set(id, v);
    return v;
  }

  #known(id: string): DepartmentView {
    const v = this.all.get(id);
    if (!v) throw new LedgerError("NOT_FOUND", `department ${id} is not registered`);
    return v;
  }

  readonly keys = {
    rotate: (id: string, signer: string) => {
      const v = { ...this.#known(id), signer, rotationNonce: this.#known(id).rotationNonce + 1 };
      this.all.set(id, v);
      return Promise.resolve({ status: "rotated" as const, department: v, txHash: `0x${"0f".repeat(32)}`, by: "authorization" as const });
    },
    recover: (id: string, signer: string) => {
      this.#known(id);
      return Promise.resolve({ status: "recovery-pending" as const, id, signer, executableAt: Math.floor(T0 / 1000) + 86_400, proposalTxHash: null });
    },
    cancelRecovery: (id: string) => Promise.resolve({ id, cancelledSigner: signerOf(99), txHash: `0x${"0d".repeat(32)}` }),
  };

  register(id: string, name: string, signer: string) {
    if (this.all.has(id)) return Promise.reject(new LedgerError("DEPARTMENT_EXISTS", `department ${id} is registered`));
    return Promise.resolve(this.#put(id, name, signer));
  }

  revoke(id: string) {
    const v = { ...this.#known(id), active: false };
    this.all.set(id, v);
    return Promise.resolve({ ...v, revocationTxHash: `0x${"0c".repeat(32)}` });
  }

  list() {
    return Promise.resolve([...this.all.values()]);
  }

  get(id: string) {
    return Promise.resolve(this.all.get(id));
  }
}

class FakeTokens implements TokenAdmin {
  readonly #departments: FakeDepartments;
  readonly #made = new Map<string, { tokenId: string; role: Role; label: string; expiresAt: string | null; revokedAt: string | null }>();
  readonly #revoked = new Set<string>();

  constructor(departments: FakeDepartments) {
    this.#departments = departments;
    for (const [token, p] of Object.entries(ROLE_OF)) this.#made.set(token, { ...p, label: p.role, expiresAt: null, revokedAt: null });
  }

  check(token: string): { ok: true; principal: Principal } | { ok: false; reason: "unknown" | "revoked" } {
    const t = this.#made.get(token);
    if (!t) return { ok: false, reason: "unknown" };
    if (this.#revoked.has(t.tokenId)) return { ok: false, reason: "revoked" };
    return { ok: true, principal: { tokenId: t.tokenId, role: t.role } };
  }

  create(role: Role, label: string, expiresAt: string | null = null) {
    const n = this.#made.size;
    const token = `tok-made-${n}`;
    this.#made.set(token, { tokenId: `t-made-${n}`, role, label, expiresAt, revokedAt: null });
    return Promise.resolve({ tokenId: `t-made-${n}`, token, expiresAt });
  }

  revoke(tokenId: string): Promise<boolean> {
    const known = [...this.#made.values()].some((t) => t.tokenId === tokenId);
    if (!known || this.#revoked.has(tokenId)) return Promise.resolve(false);
    this.#revoked.add(tokenId);
    return Promise.resolve(true);
  }

  list(): TokenView[] {
    return [...this.#made.values()].map((t) => ({
      tokenId: t.tokenId,
      role: t.role,
      label: t.label,
      createdAt: new Date(T0).toISOString(),
      lastUsedAt: null,
      expiresAt: t.expiresAt,
      revokedAt: this.#revoked.has(t.tokenId) ? new Date(T0).toISOString() : null,
      status: this.#revoked.has(t.tokenId) ? "revoked" : "active",
    }));
  }

  departmentState(id: string): Promise<"active" | "revoked" | undefined> {
    const v = this.#departments.all.get(id);
    return Promise.resolve(v === undefined ? undefined : v.active ? "active" : "revoked");
  }
}

/** Provenance over the log: a dataset's exchanges, a department's by day, no lineage. */
class FakeProvenance implements ProvenanceQueries {
  readonly #log: MemoryLog;
  readonly #reader: FakeReader;
  readonly #anchorer: FakeAnchorer;

  constructor(log: MemoryLog, reader: FakeReader, anchorer: FakeAnchorer) {
    this.#log = log;
    this.#reader = reader;
    this.#anchorer = anchorer;
  }

  #item(e: Entry): DepartmentExchangeItem {
    const { signature: _s, ...fields } = e.record;
    const cp = this.#anchorer.covering(e.seq);
    return {
      ...fields,
      seq: e.seq,
      receivedAt: e.receivedAt,
      leafHash: this.#log.leafHash(e.seq),
      status: this.#reader.status(e.seq),
      checkpoint: cp ? { index: cp.index, treeSize: cp.treeSize, rootHash: cp.rootHash, txHash: cp.txHash, blockNumber: cp.blockNumber } : null,
      receipt: `/v1/entries/${e.seq}/receipt`,
      acknowledgedBySeq: this.#log.seq(`ack|${e.record.provider}:${e.record.id}`) ?? null,
    };
  }

  #exchanges(): Entry[] {
    return this.#log.entries.filter((e): e is Entry => "record" in e);
  }

  departmentExchanges(q: Parameters<ProvenanceQueries["departmentExchanges"]>[0]) {
    const day = (e: Entry) => e.record.occurredAt.slice(0, 10);
    const all = this.#exchanges()
      .filter((e) => e.record[q.role] === q.department && day(e) >= q.from && day(e) <= q.to && e.seq < (q.belowSeq ?? Infinity))
      .filter((e) => !q.after || day(e) > q.after.day || (day(e) === q.after.day && e.seq > q.after.seq))
      .sort((a, b) => day(a).localeCompare(day(b)) || a.seq - b.seq);
    const page = all.slice(0, q.limit);
    const last = page[page.length - 1];
    return Promise.resolve({ items: page.map((e) => this.#item(e)), next: all.length > q.limit && last ? { day: day(last), seq: last.seq } : null });
  }

  exchanges(dataset: string, after: number | undefined, limit: number, filter?: (e: Entry) => boolean) {
    const all = this.#exchanges().filter((e) => e.record.dataset === dataset && e.seq > (after ?? -1) && (!filter || filter(e)));
    const page = all.slice(0, limit);
    const items: ExchangeItem[] = page.map((e) => {
      const { dataset: _d, ...item } = this.#item(e);
      return item;
    });
    return Promise.resolve({ items, next: all.length > limit ? page[page.length - 1]!.seq : null });
  }

  lineage() {
    return Promise.resolve({ upstream: [], downstream: [], truncated: false });
  }
}

/** Fixed figures: two groups, one flow; the size counted is the checkpoint's or the log's. */
class FakeStats implements UsageStatistics {
  readonly #log: MemoryLog;

  constructor(log: MemoryLog) {
    this.#log = log;
  }

  usage(q: Parameters<UsageStatistics["usage"]>[0], asOfSize?: number) {
    const groups = q.groupBy
      ? [
          { key: "a", exchanges: 2, records: 20 },
          { key: "b", exchanges: 1, records: 5 },
        ]
      : [];
    return Promise.resolve({
      from: q.from,
      to: q.to,
      filters: q.filters,
      groupBy: q.groupBy ?? null,
      total: { exchanges: 3, records: 25 },
      groups,
      treeSize: asOfSize ?? this.#log.size,
    });
  }

  flows() {
    return Promise.resolve([{ provider: "tax", consumer: "health", exchanges: 3, records: 25 }]);
  }
}

/** One log on the ledger: this one, reachable and ready. */
const fakeFederation = (anchorer: FakeAnchorer): FederationListing => ({
  list: (staleAfterS = 3600) =>
    Promise.resolve({
      logCount: 1,
      staleAfterS,
      checkedAt: new Date(T0).toISOString(),
      logs: [
        {
          logId: LOG_ID,
          name: "city",
          url: "http://gateway.test",
          operator: "tax",
          anchorer: signerOf(7),
          self: true,
          latestCheckpoint: anchorer.latest
            ? {
                ...pick(anchorer.latest, "index", "treeSize", "rootHash", "blockNumber"),
                anchoredAt: new Date(anchorer.latest.anchoredAt * 1000).toISOString(),
              }
            : null,
          health: { reachable: true, ready: true, anchoring: { pending: 0, oldestPendingAgeMs: 0 }, logId: LOG_ID, error: null },
          stale: false,
          staleReason: null,
        },
      ],
    }),
});

/** What a test may change while the app runs. */
export interface FakeState {
  closing: boolean;
  ready: boolean;
  /** Returned by `writeRefusal()`: a write is refused with it before its body is read. */
  refusal: LedgerError | undefined;
}

export interface FakeApp {
  readonly app: Express;
  readonly deps: AppDeps;
  readonly log: MemoryLog;
  readonly anchorer: FakeAnchorer;
  readonly departments: FakeDepartments;
  readonly state: FakeState;
  /** light-my-request's inject on the app, with `token` as the bearer (none when absent). */
  request(opts: InjectOptions & { token?: string }): Promise<Response>;
}

/** The log the app starts with: tax → health (x-1, anchored), health → tax (y-1, anchored), tax → health (x-2, pending). */
export function seed(log: MemoryLog, anchorer: FakeAnchorer): void {
  void log.submit([
    exchangeRecordInput.parse(record("tax", "health", "x-1")),
    exchangeRecordInput.parse(record("health", "tax", "y-1", { occurredAt: "2026-03-02T09:00:00.000Z" })),
  ]);
  anchorer.anchor();
  void log.submit([exchangeRecordInput.parse(record("tax", "health", "x-2", { dataset: "tax/returns", derivedFrom: ["population/register"] }))]);
}

/** The app over fresh fakes, seeded; `over` replaces any dependency (rate limit off unless `security` says otherwise). */
export function fakeApp(over: Partial<AppDeps> = {}): FakeApp {
  const log = new MemoryLog();
  const anchorer = new FakeAnchorer(log);
  seed(log, anchorer);
  const reader = new FakeReader(log, anchorer);
  const departments = new FakeDepartments();
  const state: FakeState = { closing: false, ready: true, refusal: undefined };
  const deps: AppDeps = {
    intake: new FakeIntake(),
    ackIntake: new FakeAckIntake(log),
    appender: log,
    reader,
    anchorer,
    tokens: new FakeTokens(departments),
    departments,
    provenance: new FakeProvenance(log, reader, anchorer),
    stats: new FakeStats(log),
    federation: fakeFederation(anchorer),
    info: {
      chainId: CHAIN_ID,
      contract: CONTRACT,
      logId: LOG_ID,
      logName: "city",
      rpcUrl: "http://127.0.0.1:8545",
      domain: { name: "dxledger", version: "1", chainId: CHAIN_ID, verifyingContract: CONTRACT },
    },
    ready: () => Promise.resolve({ ok: state.ready, checks: { store: true, chain: state.ready } }),
    anchoring: () => ({ ...anchorer.health(), maxUnanchoredAgeMs: 0, feeProblem: null, pendingTx: null }),
    writeRefusal: () => state.refusal,
    retryAfterS: 5,
    chainWaitMs: 1000,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    closing: () => state.closing,
    security: { rateLimitRps: 0 },
    metrics: { http: { observeRequest: () => undefined, scrape: () => Promise.resolve({ contentType: "text/plain; version=0.0.4", body: "# fake\n" }) } },
    ...over,
  };
  const app = ownPrototypes(createApp(deps));
  const request = ({ token, headers, ...opts }: InjectOptions & { token?: string }) =>
    inject(app, { ...opts, headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } });
  return { app, deps, log, anchorer, departments, state, request };
}

/**
 * light-my-request, given an Express app, re-parents the app's request and
 * response prototypes onto its own fake ones. Those prototypes are Express's
 * module-level objects, shared by every app in the process: left alone, the
 * injection would turn every real server's requests in this process into
 * fakes (seen: a real server crashing in Request.destroy). Each injected app
 * gets copies of its own, so the re-parenting stays with it.
 */
function ownPrototypes<A extends { request: object; response: object }>(app: A): A {
  const own = (shared: object): object => Object.create(Object.getPrototypeOf(shared) as object, Object.getOwnPropertyDescriptors(shared)) as object;
  const appField = { app: { configurable: true, enumerable: true, writable: true, value: app } };
  app.request = Object.create(own(Object.getPrototypeOf(app.request) as object), appField) as object;
  app.response = Object.create(own(Object.getPrototypeOf(app.response) as object), appField) as object;
  return app;
}
