/**
 * The full audit (SPEC §6): recomputes every leaf and tree node from the
 * stored entries, every anchored root, and the derived indexes, and compares
 * them with what the store and the chain hold, and every entry's signature
 * against the registry's key history by chain order (core/key-history.ts; the
 * same decision as `dxledger verify`). Trusts nothing in the data dir but the
 * entries' own bytes; every discrepancy names a seq where one exists.
 */
import { Frontier } from "../../core/merkle/frontier.ts";
import { hashLeaf } from "../../core/merkle/hash.ts";
import { fromHex, toHex, utf8 } from "../../core/hex.ts";
import { exchangeRecordInput, type Entry } from "../../core/record.ts";
import { acknowledgementInput, isAckEntry, logEntryText, type AckEntry, type LogEntry } from "../../core/ack.ts";
import { eip712Domain } from "../../core/eip712.ts";
import { SignatureAuditor, type RecoverRecords } from "../../core/signature-audit.ts";
import type { ChainCheckpoint } from "../../core/chain-checkpoint.ts";
import type { RegistryEvent } from "../../core/key-history.ts";
import type { Checkpoint, CheckpointStore, LogStore } from "../../ports/store.ts";
import type { CounterTally, IndexCheck } from "../../ports/index-check.ts";

/** What the audit reads locally: the log, its checkpoints, and the derived indexes as stored. */
export type AuditStore = Pick<LogStore, "size" | "entry" | "entriesFrom"> & Pick<CheckpointStore, "checkpoints"> & { readonly indexCheck: IndexCheck };

export type DiscrepancyKind =
  | "ENTRY_MISSING"
  | "ENTRY_CORRUPT"
  | "ENTRY_MISPLACED"
  | "ENTRY_NOT_CANONICAL"
  | "RECORD_INVALID"
  | "ENTRY_BEYOND_LOG_SIZE"
  | "RECEIVED_AT_OUT_OF_ORDER"
  | "RECEIVED_BEFORE_CHECKPOINT"
  | "LEAF_MISMATCH"
  | "TREE_NODE_MISMATCH"
  | "ID_INDEX_WRONG"
  | "ID_INDEX_DANGLING"
  | "DATASET_INDEX_MISSING"
  | "DATASET_INDEX_DANGLING"
  | "DEPARTMENT_INDEX_MISSING"
  | "DEPARTMENT_INDEX_DANGLING"
  | "CHECKPOINT_ROOT_MISMATCH"
  | "CHAIN_CHECKPOINT_MISMATCH"
  | "CHECKPOINT_MISSING_ON_CHAIN"
  | "CHAIN_CHECKPOINT_NOT_LOCAL"
  | "ACK_INDEX_WRONG"
  | "ACK_REFERENCE_INVALID"
  | "COUNTER_MISMATCH"
  | "SIGNATURE_INVALID"
  | "SIGNER_NOT_ACTIVE"
  | "DEPARTMENT_UNKNOWN";

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  readonly seq?: number;
  readonly detail: string;
}

/** What the audit reads from the chain. The entries were signed in the EIP-712 domain of (chainId, address). */
export interface AuditChain {
  readonly chainId: number;
  readonly address: string;
  checkpointCount(logId: string): Promise<number>;
  checkpointAt(logId: string, index: number): Promise<ChainCheckpoint>;
  blockNumber(): Promise<number>;
  /** Every department's registry events, each list in chain order. */
  keyHistories(): Promise<ReadonlyMap<string, readonly RegistryEvent[]>>;
}

export interface AuditReport {
  readonly v: 1;
  readonly logSize: number;
  /** Entries beyond the last local checkpoint (not yet anchored). */
  readonly pending: number;
  readonly entriesChecked: number;
  readonly checkpointsChecked: number;
  readonly clean: boolean;
  readonly discrepancies: Discrepancy[];
}

/** Slack for RECEIVED_BEFORE_CHECKPOINT: a group prepared just before the size was read commits just after. */
export const CHECKPOINT_SLACK_MS = 5000;
const BATCH = 1000;
/** Batches whose signatures may be in recovery at once (a pool works while the scan goes on). */
const SIG_INFLIGHT = 8;

/**
 * The audit: one pass over the entries (each entry's own checks as it is read, the checks
 * against the stored tree, indexes and signatures a batch at a time), then the index keys no
 * entry accounts for, the counters, and the checkpoints against the recomputed roots and the chain.
 */
export async function audit(
  store: AuditStore,
  chain: AuditChain | undefined,
  logId: string,
  progress: (done: number, total: number) => void = () => {},
  recover?: RecoverRecords,
): Promise<AuditReport> {
  const run = await AuditRun.start(store, chain, logId, progress, recover);
  await run.scan();
  await run.checkDanglingIndexes();
  await run.checkCounters();
  run.checkCheckpoints();
  return run.report();
}

type Add = (kind: DiscrepancyKind, detail: string, seq?: number) => void;

/** An entry as the scan read it, until its batch is checked. */
interface Scanned {
  readonly seq: number;
  /** Undefined when missing or not JSON. */
  readonly entry: LogEntry | undefined;
  /** It passed its schema. */
  readonly valid: boolean;
  /** The tree nodes its leaf completed. */
  readonly nodes: ReturnType<Frontier["append"]>;
}

interface AuditRunInit {
  readonly store: AuditStore;
  readonly size: number;
  readonly checkpoints: readonly Checkpoint[];
  /** The chain's checkpoints of the log; undefined without a chain. */
  readonly onChain: readonly ChainCheckpoint[] | undefined;
  readonly sigs: SignatureAuditor | undefined;
  readonly progress: (done: number, total: number) => void;
  readonly recover: RecoverRecords | undefined;
}

/** One audit's state: what it read up front, what the scan recomputes, and the discrepancies found. */
class AuditRun {
  readonly #found: Discrepancy[] = [];
  readonly #add: Add = (kind, detail, seq) => this.#found.push(seq === undefined ? { kind, detail } : { kind, seq, detail });
  readonly #store: AuditStore;
  readonly #index: IndexCheck;
  readonly #size: number;
  readonly #checkpoints: readonly Checkpoint[];
  readonly #onChain: readonly ChainCheckpoint[] | undefined;
  readonly #sigs: SignatureAuditor | undefined;
  readonly #progress: (done: number, total: number) => void;
  readonly #recover: RecoverRecords | undefined;
  /** The counters recomputed from the exchanges. */
  readonly #derived: CounterTally;
  /** Tree sizes of the local checkpoints, and the recomputed root at each. */
  readonly #wanted: Set<number>;
  readonly #rootsAt = new Map<number, string>();
  readonly #tree = new Frontier();
  /** Signature checks of earlier batches, still in recovery. */
  readonly #inflight: Array<Promise<void>> = [];
  #batch: Scanned[] = [];
  #lastReceived = "";
  #checked = 0;
  /** Each entry's own index keys found in place: any stored key beyond these is dangling. */
  #idOk = 0;
  #dsOk = 0;
  #deptOk = 0;
  #checkpointsChecked = 0;

  private constructor(init: AuditRunInit) {
    this.#store = init.store;
    this.#index = init.store.indexCheck;
    this.#size = init.size;
    this.#checkpoints = init.checkpoints;
    this.#onChain = init.onChain;
    this.#sigs = init.sigs;
    this.#progress = init.progress;
    this.#recover = init.recover;
    this.#derived = this.#index.counterTally();
    this.#wanted = new Set(init.checkpoints.map((c) => c.treeSize));
  }

  /** Reads the log's size and checkpoints, and from the chain its checkpoints and the registry's key histories. */
  static async start(
    store: AuditStore,
    chain: AuditChain | undefined,
    logId: string,
    progress: (done: number, total: number) => void,
    recover: RecoverRecords | undefined,
  ): Promise<AuditRun> {
    const size = await store.size();
    const checkpoints = await store.checkpoints();
    const onChain = chain ? await chainCheckpoints(chain, logId) : undefined;
    const sigs = chain && new SignatureAuditor(eip712Domain(chain.chainId, chain.address), onChain!, await chain.blockNumber(), await chain.keyHistories());
    return new AuditRun({ store, size, checkpoints, onChain, sigs, progress, recover });
  }

  /** The one pass over the stored entries; a seq with none stored is checked as missing. */
  async scan(): Promise<void> {
    let expected = 0;
    for await (const [seq, text] of this.#store.entriesFrom(0)) {
      if (seq >= this.#size) {
        this.#add("ENTRY_BEYOND_LOG_SIZE", `entry stored beyond the committed log size ${this.#size}`, seq);
        continue;
      }
      while (expected < seq) await this.#visit(expected++, undefined);
      await this.#visit(expected++, text);
    }
    while (expected < this.#size) await this.#visit(expected++, undefined);
    await this.#checkBatch();
    await Promise.all(this.#inflight);
    this.#progress(this.#checked, this.#size);
  }

  async #visit(seq: number, text: string | undefined): Promise<void> {
    let entry: LogEntry | undefined;
    let valid = false;
    let leaf: Uint8Array;
    if (text === undefined) leaf = await this.#checkMissing(seq);
    else {
      leaf = hashLeaf(utf8(text));
      entry = this.#parseEntry(text, seq);
      if (entry) valid = this.#checkEntry(entry, text, seq);
    }
    const nodes = this.#tree.append(leaf);
    if (this.#wanted.has(this.#tree.size)) this.#rootsAt.set(this.#tree.size, toHex(this.#tree.root()));
    this.#batch.push({ seq, entry, valid, nodes });
    this.#checked++;
    if (this.#batch.length >= BATCH) {
      await this.#checkBatch();
      this.#progress(this.#checked, this.#size);
    }
  }

  /** ENTRY_MISSING; the tree goes on with the stored leaf (or zeros), so the roots after it are still checked. */
  async #checkMissing(seq: number): Promise<Uint8Array> {
    this.#add("ENTRY_MISSING", "no entry stored at this seq", seq);
    const [stored] = await this.#index.storedNodes([{ level: 0, index: seq }]);
    return stored ? fromHex(stored) : new Uint8Array(32);
  }

  /** ENTRY_CORRUPT */
  #parseEntry(text: string, seq: number): LogEntry | undefined {
    try {
      return JSON.parse(text) as LogEntry;
    } catch {
      this.#add("ENTRY_CORRUPT", "entry is not JSON", seq);
      return undefined;
    }
  }

  /** An entry's own checks; whether its record (or acknowledgement) passed its schema. */
  #checkEntry(entry: LogEntry, text: string, seq: number): boolean {
    this.#checkSeq(entry, seq);
    const valid = this.#checkRecord(entry, text, seq);
    this.#checkReceivedAt(entry, seq);
    this.#checkReceivedBeforeCheckpoint(entry, seq);
    return valid;
  }

  /** ENTRY_MISPLACED */
  #checkSeq(entry: LogEntry, seq: number): void {
    if (entry.seq !== seq) this.#add("ENTRY_MISPLACED", `entry stored at seq ${seq} says seq ${entry.seq}`, seq);
  }

  /**
   * RECORD_INVALID (the schema refuses it, or it lacks a field the log always writes, which the
   * schema would fill with its default), else ENTRY_NOT_CANONICAL; a valid exchange counts
   * towards the recomputed counters.
   */
  #checkRecord(entry: LogEntry, text: string, seq: number): boolean {
    const ack = isAckEntry(entry);
    const stored: unknown = ack ? entry.ack : entry.record;
    const parsed = ack ? acknowledgementInput.safeParse(stored) : exchangeRecordInput.safeParse(stored);
    const lacking = parsed.success && typeof stored === "object" && stored !== null ? Object.keys(parsed.data).filter((k) => !(k in stored)) : [];
    const valid = parsed.success && lacking.length === 0;
    if (!ack && valid) this.#derived.add(entry.record);
    if (!parsed.success) this.#add("RECORD_INVALID", parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "), seq);
    else if (!valid) this.#add("RECORD_INVALID", `missing ${lacking.join(", ")}: the log writes every field`, seq);
    else if (logEntryText(entry) !== text) this.#add("ENTRY_NOT_CANONICAL", "stored bytes are not the canonical form of the entry", seq);
    return valid;
  }

  /** RECEIVED_AT_OUT_OF_ORDER */
  #checkReceivedAt(entry: LogEntry, seq: number): void {
    if (typeof entry.receivedAt !== "string" || entry.receivedAt < this.#lastReceived) {
      this.#add("RECEIVED_AT_OUT_OF_ORDER", `receivedAt ${entry.receivedAt} is before the previous entry's ${this.#lastReceived}`, seq);
    } else this.#lastReceived = entry.receivedAt;
  }

  /** RECEIVED_BEFORE_CHECKPOINT: received well before a checkpoint's size was taken, yet not in it (the first such checkpoint). */
  #checkReceivedBeforeCheckpoint(entry: LogEntry, seq: number): void {
    for (const cp of this.#checkpoints) {
      if (seq < cp.treeSize || !cp.sizeTakenAt) continue;
      if (Date.parse(entry.receivedAt) < Date.parse(cp.sizeTakenAt) - CHECKPOINT_SLACK_MS) {
        this.#add(
          "RECEIVED_BEFORE_CHECKPOINT",
          `received at ${entry.receivedAt}, before checkpoint ${cp.index} (size ${cp.treeSize}) was taken at ${cp.sizeTakenAt}, yet not in it`,
          seq,
        );
        return;
      }
    }
  }

  /** The checks of a batch of scanned entries against what the store holds for them. */
  async #checkBatch(): Promise<void> {
    const batch = this.#batch;
    await this.#checkTreeNodes(batch);
    await this.#checkAcks(batch);
    const exchanges = batch.filter((p) => p.entry && !isAckEntry(p.entry)) as Array<{ seq: number; entry: Entry }>;
    await this.#checkIdIndex(exchanges);
    await this.#checkDatasetIndex(exchanges);
    await this.#checkDepartmentIndex(batch);
    await this.#checkSignatures(batch);
    this.#batch = [];
  }

  /** LEAF_MISMATCH, TREE_NODE_MISMATCH: the stored leaves and nodes against the recomputed ones. */
  async #checkTreeNodes(batch: readonly Scanned[]): Promise<void> {
    const ids = batch.flatMap((p) => p.nodes);
    const stored = await this.#index.storedNodes(ids);
    ids.forEach((n, i) => {
      if (stored[i] === toHex(n.hash)) return;
      if (n.level === 0) this.#add("LEAF_MISMATCH", `stored leaf hash ${stored[i] ?? "(none)"} differs from the entry's ${toHex(n.hash)}`, n.index);
      else {
        const first = n.index * 2 ** n.level;
        this.#add(
          "TREE_NODE_MISMATCH",
          `stored node (level ${n.level}, index ${n.index}) over seqs ${first}..${first + 2 ** n.level - 1} differs from the recomputed one`,
          first,
        );
      }
    });
  }

  /** ACK_INDEX_WRONG, ACK_REFERENCE_INVALID: an acknowledgement's own index key, and the earlier exchange it names. */
  async #checkAcks(batch: readonly Scanned[]): Promise<void> {
    const acks = batch.filter((p) => p.entry && isAckEntry(p.entry)) as Array<{ seq: number; entry: AckEntry }>;
    if (!acks.length) return;
    const ackKeys = acks.map((p) => ({ provider: p.entry.ack.provider, id: p.entry.ack.id, kind: "ack" as const }));
    const own = await this.#index.idIndex(ackKeys);
    const ref = await this.#index.idIndex(acks.map((p) => ({ provider: p.entry.ack.provider, id: p.entry.ack.id })));
    const refLeaf = await this.#index.storedNodes(ref.map((v) => ({ level: 0, index: Number(v ?? -1) })));
    acks.forEach((p, i) => {
      if (own[i] !== String(p.seq)) this.#add("ACK_INDEX_WRONG", `${this.#index.idIndexLabel(ackKeys[i]!)} points at ${own[i] ?? "nothing"}`, p.seq);
      const target = Number(ref[i]);
      if (ref[i] === undefined || !(target < p.seq) || refLeaf[i] !== p.entry.ack.exchangeLeafHash) {
        this.#add(
          "ACK_REFERENCE_INVALID",
          `acknowledges ${p.entry.ack.provider}/${p.entry.ack.id}, which is not an earlier exchange with leaf hash ${p.entry.ack.exchangeLeafHash}`,
          p.seq,
        );
      }
    });
  }

  /** ID_INDEX_WRONG: each exchange's id-index key points at it. */
  async #checkIdIndex(exchanges: ReadonlyArray<{ seq: number; entry: Entry }>): Promise<void> {
    const idKeys = exchanges.map((p) => ({ provider: p.entry.record.provider, id: p.entry.record.id }));
    const idx = await this.#index.idIndex(idKeys);
    exchanges.forEach((p, i) => {
      if (idx[i] !== String(p.seq)) this.#add("ID_INDEX_WRONG", `${this.#index.idIndexLabel(idKeys[i]!)} points at ${idx[i] ?? "nothing"}`, p.seq);
      else this.#idOk++;
    });
  }

  /** DATASET_INDEX_MISSING: each exchange's dataset and lineage keys are stored. */
  async #checkDatasetIndex(exchanges: ReadonlyArray<{ seq: number; entry: Entry }>): Promise<void> {
    // A record that does not parse may lack its derivedFrom list (it is RECORD_INVALID already): its own dataset's key is still checked.
    const derived = (r: Entry["record"]) => (Array.isArray(r.derivedFrom) ? r.derivedFrom : []);
    const ds = await this.#index.datasetIndex(exchanges.map((p) => ({ seq: p.seq, dataset: p.entry.record.dataset, derivedFrom: derived(p.entry.record) })));
    for (const m of ds.missing) this.#add("DATASET_INDEX_MISSING", `index key ${m.key} is missing`, m.seq);
    this.#dsOk += ds.present;
  }

  /** DEPARTMENT_INDEX_MISSING: each valid exchange's department keys are stored. */
  async #checkDepartmentIndex(batch: readonly Scanned[]): Promise<void> {
    // Only records that parse have the fields these keys are made of (an invalid one is RECORD_INVALID already).
    const dept = await this.#index.departmentIndex(
      batch.filter((p) => p.valid && !isAckEntry(p.entry!)).map((p) => ({ seq: p.seq, ...(p.entry as Entry).record })),
    );
    for (const m of dept.missing) this.#add("DEPARTMENT_INDEX_MISSING", `index key ${m.key} is missing`, m.seq);
    this.#deptOk += dept.present;
  }

  /** SIGNATURE_INVALID, SIGNER_NOT_ACTIVE, DEPARTMENT_UNKNOWN (with a chain): recovered while the scan goes on, a few batches at once. */
  async #checkSignatures(batch: readonly Scanned[]): Promise<void> {
    if (!this.#sigs) return;
    const p = this.#sigs
      .check(batch.filter((x) => x.valid) as Array<{ seq: number; entry: LogEntry }>, this.#recover)
      .then((fs) => fs.forEach((f) => this.#add(f.code, f.detail, f.seq)));
    p.catch(() => {}); // awaited later; a rejection is not unhandled meanwhile
    this.#inflight.push(p);
    if (this.#inflight.length >= SIG_INFLIGHT) await this.#inflight.shift();
  }

  /**
   * ID_INDEX_DANGLING, DATASET_INDEX_DANGLING, DEPARTMENT_INDEX_DANGLING: each entry's own index keys were checked
   * in the scan; any key beyond those is dangling. Counting keys is a fast keys-only scan; the slow per-key check
   * runs only if the counts differ.
   */
  async checkDanglingIndexes(): Promise<void> {
    if ((await this.#index.countIdIndex()) !== this.#idOk) await findDanglingIdKeys(this.#store, this.#size, this.#add);
    if ((await this.#index.countDatasetIndex()) !== this.#dsOk) await findDanglingDatasetKeys(this.#store, this.#size, this.#add);
    if ((await this.#index.countDepartmentIndex()) !== this.#deptOk) await findDanglingDepartmentKeys(this.#store, this.#size, this.#add);
  }

  /** COUNTER_MISMATCH: every stored counter against the one recomputed from the entries. */
  async checkCounters(): Promise<void> {
    const counters = await this.#derived.compare();
    for (const d of counters.diffs) this.#add("COUNTER_MISMATCH", `${d.key}: stored ${d.stored ?? "(none)"}, recomputed ${d.recomputed ?? "(none)"}`);
    if (counters.total > counters.diffs.length) this.#add("COUNTER_MISMATCH", `… and ${counters.total - counters.diffs.length} more counters`);
  }

  /** CHECKPOINT_ROOT_MISMATCH, CHAIN_CHECKPOINT_MISMATCH, CHECKPOINT_MISSING_ON_CHAIN, CHAIN_CHECKPOINT_NOT_LOCAL */
  checkCheckpoints(): void {
    this.#checkpointsChecked = checkCheckpoints(this.#checkpoints, this.#rootsAt, this.#onChain, this.#size, this.#add);
  }

  /** The discrepancies by seq (those without one first), and the counts. */
  report(): AuditReport {
    const found = this.#found;
    found.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
    const anchored = this.#checkpoints.length ? this.#checkpoints[this.#checkpoints.length - 1]!.treeSize : 0;
    return {
      v: 1,
      logSize: this.#size,
      pending: Math.max(0, this.#size - anchored),
      entriesChecked: this.#checked,
      checkpointsChecked: this.#checkpointsChecked,
      clean: found.length === 0,
      discrepancies: found,
    };
  }
}

/** p: keys that point at nothing, or at an entry that is not theirs. */
async function findDanglingIdKeys(store: AuditStore, size: number, add: Add): Promise<void> {
  for await (const { key: k, provider, id, value: v } of store.indexCheck.idIndexEntries()) {
    const seq = Number(v);
    const raw = Number.isSafeInteger(seq) && seq < size ? await store.entry(seq) : undefined;
    let ok: boolean;
    try {
      const e = raw ? (JSON.parse(raw) as Entry) : undefined;
      ok = !!e && e.record.provider === provider && e.record.id === id;
    } catch {
      ok = false;
    }
    if (!ok) add("ID_INDEX_DANGLING", `${k} points at seq ${v}, which is not that record`, Number.isSafeInteger(seq) ? seq : undefined);
  }
}

/** x:d: keys naming an entry that is not an exchange of that dataset. */
async function findDanglingDatasetKeys(store: AuditStore, size: number, add: Add): Promise<void> {
  for await (const { key: k, dataset, seq } of store.indexCheck.datasetIndexEntries()) {
    const raw = seq < size ? await store.entry(seq) : undefined;
    let ok: boolean;
    try {
      ok = !!raw && (JSON.parse(raw) as Entry).record.dataset === dataset;
    } catch {
      ok = false;
    }
    if (!ok) add("DATASET_INDEX_DANGLING", `${k} names an entry that is not an exchange of that dataset`, seq);
  }
}

/** x:p:/x:c: keys naming an entry that is not an exchange with that department in that role on that day. */
async function findDanglingDepartmentKeys(store: AuditStore, size: number, add: Add): Promise<void> {
  for await (const { key: k, role, department, day, seq } of store.indexCheck.departmentIndexEntries()) {
    const raw = Number.isSafeInteger(seq) && seq < size ? await store.entry(seq) : undefined;
    let ok: boolean;
    try {
      const r = raw ? (JSON.parse(raw) as Entry).record : undefined;
      ok = !!r && r[role] === department && r.occurredAt.slice(0, 10) === day;
    } catch {
      ok = false;
    }
    if (!ok)
      add(
        "DEPARTMENT_INDEX_DANGLING",
        `${k} names an entry that is not an exchange of that department in that role on that day`,
        Number.isSafeInteger(seq) ? seq : undefined,
      );
  }
}

/** The chain's checkpoints of `logId`, by index (read a few at a time). */
async function chainCheckpoints(chain: AuditChain, logId: string): Promise<ChainCheckpoint[]> {
  const out: ChainCheckpoint[] = [];
  const count = await chain.checkpointCount(logId);
  for (let i = 0; i < count; i += 16) {
    const n = Math.min(16, count - i);
    out.push(...(await Promise.all(Array.from({ length: n }, (_, k) => chain.checkpointAt(logId, i + k)))));
  }
  return out;
}

function checkCheckpoints(
  local: readonly Checkpoint[],
  rootsAt: ReadonlyMap<number, string>,
  chain: readonly ChainCheckpoint[] | undefined,
  size: number,
  add: Add,
): number {
  const onChain = chain?.length ?? 0;
  for (const cp of local) {
    const root = rootsAt.get(cp.treeSize);
    const last = cp.treeSize - 1;
    if (cp.treeSize > size) add("CHECKPOINT_ROOT_MISMATCH", `checkpoint ${cp.index} covers ${cp.treeSize} entries; the log has ${size}`, last);
    else if (root !== cp.rootHash) add("CHECKPOINT_ROOT_MISMATCH", `entries 0..${last} hash to ${root}, checkpoint ${cp.index} says ${cp.rootHash}`, last);
    if (!chain) continue;
    if (cp.index >= onChain) {
      add("CHECKPOINT_MISSING_ON_CHAIN", `checkpoint ${cp.index} (size ${cp.treeSize}) is not on chain (it has ${onChain})`, last);
      continue;
    }
    const c = chain[cp.index]!;
    if (c.treeSize !== cp.treeSize || c.rootHash !== cp.rootHash) {
      add(
        "CHAIN_CHECKPOINT_MISMATCH",
        `chain checkpoint ${cp.index} is size ${c.treeSize} root ${c.rootHash}; local says size ${cp.treeSize} root ${cp.rootHash}`,
        last,
      );
    }
    if (root !== undefined && c.rootHash !== root && c.treeSize === cp.treeSize) {
      add("CHAIN_CHECKPOINT_MISMATCH", `entries 0..${last} hash to ${root}, but the chain anchored ${c.rootHash}`, last);
    }
  }
  for (let i = local.length; i < onChain; i++) {
    add("CHAIN_CHECKPOINT_NOT_LOCAL", `chain checkpoint ${i} (size ${chain![i]!.treeSize}) is missing from the data dir`, chain![i]!.treeSize - 1);
  }
  return chain ? Math.max(onChain, local.length) : local.length;
}
