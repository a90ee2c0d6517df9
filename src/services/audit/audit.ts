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
import type { IndexCheck } from "../../ports/index-check.ts";

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

// eslint-disable-next-line max-lines-per-function -- the audit's checks in the order its report lists them; to be split per check (issue 19)
export async function audit(
  store: AuditStore,
  chain: AuditChain | undefined,
  logId: string,
  progress: (done: number, total: number) => void = () => {},
  recover?: RecoverRecords,
): Promise<AuditReport> {
  const found: Discrepancy[] = [];
  const add = (kind: DiscrepancyKind, detail: string, seq?: number) => found.push(seq === undefined ? { kind, detail } : { kind, seq, detail });
  const size = await store.size();
  const checkpoints = await store.checkpoints();
  const rootsAt = new Map<number, string>();
  const wanted = new Set(checkpoints.map((c) => c.treeSize));
  const onChain = chain ? await chainCheckpoints(chain, logId) : [];
  const sigs = chain && new SignatureAuditor(eip712Domain(chain.chainId, chain.address), onChain, await chain.blockNumber(), await chain.keyHistories());
  const inflight: Array<Promise<void>> = [];
  const tree = new Frontier();
  let lastReceived = "";
  let checked = 0;
  let expected = 0;
  const index = store.indexCheck;
  const derived = index.counterTally();
  let idOk = 0;
  let dsOk = 0;
  let deptOk = 0;
  let pending: Array<{ seq: number; entry: LogEntry | undefined; valid: boolean; nodes: ReturnType<Frontier["append"]> }> = [];

  const flush = async () => {
    const ids = pending.flatMap((p) => p.nodes);
    const stored = await index.storedNodes(ids);
    ids.forEach((n, i) => {
      if (stored[i] === toHex(n.hash)) return;
      if (n.level === 0) add("LEAF_MISMATCH", `stored leaf hash ${stored[i] ?? "(none)"} differs from the entry's ${toHex(n.hash)}`, n.index);
      else {
        const first = n.index * 2 ** n.level;
        add(
          "TREE_NODE_MISMATCH",
          `stored node (level ${n.level}, index ${n.index}) over seqs ${first}..${first + 2 ** n.level - 1} differs from the recomputed one`,
          first,
        );
      }
    });
    const acks = pending.filter((p) => p.entry && isAckEntry(p.entry)) as Array<{ seq: number; entry: AckEntry }>;
    if (acks.length) {
      const ackKeys = acks.map((p) => ({ provider: p.entry.ack.provider, id: p.entry.ack.id, kind: "ack" as const }));
      const own = await index.idIndex(ackKeys);
      const ref = await index.idIndex(acks.map((p) => ({ provider: p.entry.ack.provider, id: p.entry.ack.id })));
      const refLeaf = await index.storedNodes(ref.map((v) => ({ level: 0, index: Number(v ?? -1) })));
      acks.forEach((p, i) => {
        if (own[i] !== String(p.seq)) add("ACK_INDEX_WRONG", `${index.idIndexLabel(ackKeys[i]!)} points at ${own[i] ?? "nothing"}`, p.seq);
        const target = Number(ref[i]);
        if (ref[i] === undefined || !(target < p.seq) || refLeaf[i] !== p.entry.ack.exchangeLeafHash) {
          add(
            "ACK_REFERENCE_INVALID",
            `acknowledges ${p.entry.ack.provider}/${p.entry.ack.id}, which is not an earlier exchange with leaf hash ${p.entry.ack.exchangeLeafHash}`,
            p.seq,
          );
        }
      });
    }
    const withEntries = pending.filter((p) => p.entry && !isAckEntry(p.entry)) as Array<{ seq: number; entry: Entry }>;
    const idKeys = withEntries.map((p) => ({ provider: p.entry.record.provider, id: p.entry.record.id }));
    const idx = await index.idIndex(idKeys);
    withEntries.forEach((p, i) => {
      if (idx[i] !== String(p.seq)) add("ID_INDEX_WRONG", `${index.idIndexLabel(idKeys[i]!)} points at ${idx[i] ?? "nothing"}`, p.seq);
      else idOk++;
    });
    const ds = await index.datasetIndex(withEntries.map((p) => ({ seq: p.seq, dataset: p.entry.record.dataset, derivedFrom: p.entry.record.derivedFrom })));
    for (const m of ds.missing) add("DATASET_INDEX_MISSING", `index key ${m.key} is missing`, m.seq);
    dsOk += ds.present;
    // Only records that parse have the fields these keys are made of (an invalid one is RECORD_INVALID already).
    const dept = await index.departmentIndex(
      pending.filter((p) => p.valid && !isAckEntry(p.entry!)).map((p) => ({ seq: p.seq, ...(p.entry as Entry).record })),
    );
    for (const m of dept.missing) add("DEPARTMENT_INDEX_MISSING", `index key ${m.key} is missing`, m.seq);
    deptOk += dept.present;
    if (sigs) {
      const p = sigs
        .check(pending.filter((x) => x.valid) as Array<{ seq: number; entry: LogEntry }>, recover)
        .then((fs) => fs.forEach((f) => add(f.code, f.detail, f.seq)));
      p.catch(() => {}); // awaited below; a rejection is not unhandled meanwhile
      inflight.push(p);
      if (inflight.length >= SIG_INFLIGHT) await inflight.shift();
    }
    pending = [];
  };

  const visit = async (seq: number, text: string | undefined) => {
    let entry: LogEntry | undefined;
    let valid = false;
    let leaf: Uint8Array;
    if (text === undefined) {
      add("ENTRY_MISSING", "no entry stored at this seq", seq);
      const [stored] = await index.storedNodes([{ level: 0, index: seq }]);
      leaf = stored ? fromHex(stored) : new Uint8Array(32);
    } else {
      leaf = hashLeaf(utf8(text));
      try {
        entry = JSON.parse(text) as LogEntry;
      } catch {
        add("ENTRY_CORRUPT", "entry is not JSON", seq);
      }
      if (entry) {
        if (!isAckEntry(entry) && exchangeRecordInput.safeParse(entry.record).success) derived.add(entry.record);
        if (entry.seq !== seq) add("ENTRY_MISPLACED", `entry stored at seq ${seq} says seq ${entry.seq}`, seq);
        const parsed = isAckEntry(entry) ? acknowledgementInput.safeParse(entry.ack) : exchangeRecordInput.safeParse(entry.record);
        valid = parsed.success;
        if (!parsed.success) add("RECORD_INVALID", parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "), seq);
        else if (logEntryText(entry) !== text) add("ENTRY_NOT_CANONICAL", "stored bytes are not the canonical form of the entry", seq);
        if (typeof entry.receivedAt !== "string" || entry.receivedAt < lastReceived) {
          add("RECEIVED_AT_OUT_OF_ORDER", `receivedAt ${entry.receivedAt} is before the previous entry's ${lastReceived}`, seq);
        } else lastReceived = entry.receivedAt;
        for (const cp of checkpoints) {
          if (seq < cp.treeSize || !cp.sizeTakenAt) continue;
          if (Date.parse(entry.receivedAt) < Date.parse(cp.sizeTakenAt) - CHECKPOINT_SLACK_MS) {
            add(
              "RECEIVED_BEFORE_CHECKPOINT",
              `received at ${entry.receivedAt}, before checkpoint ${cp.index} (size ${cp.treeSize}) was taken at ${cp.sizeTakenAt}, yet not in it`,
              seq,
            );
            break;
          }
        }
      }
    }
    const nodes = tree.append(leaf);
    if (wanted.has(tree.size)) rootsAt.set(tree.size, toHex(tree.root()));
    pending.push({ seq, entry, valid, nodes });
    checked++;
    if (pending.length >= BATCH) {
      await flush();
      progress(checked, size);
    }
  };

  for await (const [seq, text] of store.entriesFrom(0)) {
    if (seq >= size) {
      add("ENTRY_BEYOND_LOG_SIZE", `entry stored beyond the committed log size ${size}`, seq);
      continue;
    }
    while (expected < seq) await visit(expected++, undefined);
    await visit(expected++, text);
  }
  while (expected < size) await visit(expected++, undefined);
  await flush();
  await Promise.all(inflight);
  progress(checked, size);

  // Each entry's own index keys were checked above; any key beyond those is dangling.
  // Counting keys is a fast keys-only scan; the slow per-key check runs only if the counts differ.
  if ((await index.countIdIndex()) !== idOk) await checkIdIndex(store, size, add);
  if ((await index.countDatasetIndex()) !== dsOk) await checkDatasetIndex(store, size, add);
  if ((await index.countDepartmentIndex()) !== deptOk) await checkDepartmentIndex(store, size, add);
  // Statistics: every stored counter against the one recomputed from the entries.
  const counters = await derived.compare();
  for (const d of counters.diffs) add("COUNTER_MISMATCH", `${d.key}: stored ${d.stored ?? "(none)"}, recomputed ${d.recomputed ?? "(none)"}`);
  if (counters.total > counters.diffs.length) add("COUNTER_MISMATCH", `… and ${counters.total - counters.diffs.length} more counters`);
  const checkpointsChecked = checkCheckpoints(checkpoints, rootsAt, chain && onChain, size, add);
  found.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  const anchored = checkpoints.length ? checkpoints[checkpoints.length - 1]!.treeSize : 0;
  return {
    v: 1,
    logSize: size,
    pending: Math.max(0, size - anchored),
    entriesChecked: checked,
    checkpointsChecked,
    clean: found.length === 0,
    discrepancies: found,
  };
}

/** p: keys that point at nothing, or at an entry that is not theirs. */
async function checkIdIndex(store: AuditStore, size: number, add: (k: DiscrepancyKind, d: string, seq?: number) => void): Promise<void> {
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
async function checkDatasetIndex(store: AuditStore, size: number, add: (k: DiscrepancyKind, d: string, seq?: number) => void): Promise<void> {
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
async function checkDepartmentIndex(store: AuditStore, size: number, add: (k: DiscrepancyKind, d: string, seq?: number) => void): Promise<void> {
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
  rootsAt: Map<number, string>,
  chain: readonly ChainCheckpoint[] | undefined,
  size: number,
  add: (k: DiscrepancyKind, d: string, seq?: number) => void,
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
