/**
 * The audit's side of the key-history rule: every entry's block window from
 * the chain's checkpoints, and the signer sets cached per (department,
 * window), so a million entries cost a million set look-ups, not a million
 * walks of the registry history. The decision itself is judgeSigner's, the
 * same function `dxledger verify` uses.
 */
import { firstCovering } from "./chain-checkpoint.ts";
import { judgeSigner, signedPart, type SignatureFailureCode, type SignatureVerdict } from "./signer-check.ts";
import { signersActiveIn, signingWindow, type BlockWindow, type RegistryEvent } from "./key-history.ts";
import { Eip712Digester, type Eip712Domain } from "./eip712.ts";
import { recoverSigner, type RecoverResult } from "./signature.ts";
import { isAckEntry, type LogEntry } from "./ack.ts";
import type { ExchangeRecord } from "./record.ts";

export interface CheckpointBlock {
  readonly treeSize: number;
  readonly blockNumber: number;
}

/** Signer recovery for exchange records, one result per record, in order (e.g. a worker pool's). */
export type RecoverRecords = (records: readonly ExchangeRecord[]) => Promise<RecoverResult[]>;

export interface SignatureFailure {
  readonly seq: number;
  readonly code: SignatureFailureCode;
  readonly detail: string;
}

export class SignatureAuditor {
  readonly digester: Eip712Digester;
  readonly #cps: readonly CheckpointBlock[];
  readonly #head: number;
  readonly #histories: ReadonlyMap<string, readonly RegistryEvent[]>;
  readonly #active = new Map<string, Set<string>>();

  /**
   * `checkpoints`: the chain's, by index (tree sizes strictly increasing);
   * `head`: the chain head when the registry was read; `histories`: every
   * department's registry events, in chain order.
   */
  constructor(domain: Eip712Domain, checkpoints: readonly CheckpointBlock[], head: number, histories: ReadonlyMap<string, readonly RegistryEvent[]>) {
    this.digester = new Eip712Digester(domain);
    this.#cps = checkpoints;
    this.#head = head;
    this.#histories = histories;
  }

  /** Index of the first checkpoint covering `seq`; the checkpoint count when none does yet. */
  firstCovering(seq: number): number {
    return firstCovering(this.#cps.length, (i) => this.#cps[i]!.treeSize, seq);
  }

  windowOf(seq: number): BlockWindow {
    return signingWindow(this.firstCovering(seq), (i) => (i < this.#cps.length ? this.#cps[i]!.blockNumber : this.#head));
  }

  /** The verdict on entry `seq`, signed (per recovery) by `recovered`, for `department`. */
  judge(seq: number, department: string, recovered: { ok: true; address: string } | { ok: false; reason: string }): SignatureVerdict {
    const w = this.windowOf(seq);
    const events = this.#histories.get(department) ?? [];
    const key = `${department}\u0000${w.from}\u0000${w.to}`;
    let active = this.#active.get(key);
    if (!active) this.#active.set(key, (active = signersActiveIn(events, w)));
    return judgeSigner(department, recovered, events, w, active);
  }

  /**
   * The failures among `batch` (entries that passed their schema): exchange
   * records recovered through `recover` (default: inline), acknowledgements inline.
   */
  async check(batch: ReadonlyArray<{ seq: number; entry: LogEntry }>, recover?: RecoverRecords): Promise<SignatureFailure[]> {
    const exchanges = batch.flatMap((p) => (isAckEntry(p.entry) ? [] : [p.entry.record]));
    const recovered = recover && exchanges.length ? await recover(exchanges) : exchanges.map((r) => recoverSigner(this.digester.digest(r), r.signature));
    const out: SignatureFailure[] = [];
    let k = 0;
    for (const { seq, entry } of batch) {
      const part = isAckEntry(entry) ? signedPart(entry, this.digester) : undefined;
      const who = part ? part.department : (entry as { record: ExchangeRecord }).record.provider;
      const v = this.judge(seq, who, part ? recoverSigner(part.digest, part.signature) : recovered[k++]!);
      if (!v.ok) out.push({ seq, code: v.code, detail: `${part ? "consumer" : "provider"} signature: ${v.reason}` });
    }
    return out;
  }
}
