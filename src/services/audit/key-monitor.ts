/**
 * Watches the ledger's department-key recoveries for `dxledger monitor`. A
 * recovery is the one way a department's key changes without the department's
 * own signature, so every proposal is an ALARM (the department has until
 * `executableAt` to cancel it), every execution an ALARM too (a key was
 * replaced by the registrar), and a cancellation a notice.
 *
 * `--once` verdict (docs/departments.md "Department keys"): `attention` is true when a
 * recovery is pending now, or one was executed at or after `reportFrom` (the
 * CLI's `--since-block`, default 0: ever); a proposal cancelled since is
 * printed but does not count. The whole history is always read, so a
 * recovery proposed before `reportFrom` and still pending is seen. A proposal
 * already cancelled or executed by the end of the same poll is history, not an
 * alarm: it is reported as a notice naming how it ended (an execution is its
 * own alarm).
 */

/** One of the ledger's recovery events, decoded (the chain adapter reads them: adapters/chain/department-keys.ts). */
export interface RecoveryEvent {
  readonly name: "RecoveryProposed" | "RecoveryCancelled" | "RecoveryExecuted";
  readonly id: string;
  readonly newSigner: string;
  /** RecoveryProposed: when it may be executed (unix seconds, chain time). */
  readonly executableAt?: number;
  /** RecoveryProposed: the registrar that proposed it. */
  readonly proposer?: string;
  /** RecoveryExecuted: the signer it replaced. */
  readonly oldSigner?: string;
  readonly block: number;
  readonly txHash: string;
}

export interface KeyMonitorChain {
  blockNumber(): Promise<number>;
  recoveryEvents(fromBlock: number, toBlock: number): Promise<RecoveryEvent[]>;
}

export type KeyEvent =
  | {
      readonly kind: "alarm" | "notice";
      readonly reason: "recovery proposed";
      readonly department: string;
      readonly newSigner: string;
      readonly executableAt: string;
      readonly proposer: string;
      readonly block: number;
      readonly txHash: string;
      readonly resolved?: "cancelled" | "executed";
    }
  | {
      readonly kind: "alarm";
      readonly reason: "recovery executed";
      readonly department: string;
      readonly oldSigner: string;
      readonly newSigner: string;
      readonly block: number;
      readonly txHash: string;
    }
  | {
      readonly kind: "notice";
      readonly reason: "recovery cancelled";
      readonly department: string;
      readonly newSigner: string;
      readonly block: number;
      readonly txHash: string;
    };

export class KeyMonitor {
  readonly #chain: KeyMonitorChain;
  #next: number;
  /** Department → its pending recovery's new signer, as the events watched say. */
  readonly #pending = new Map<string, string>();
  #executed = 0;
  readonly #reportFrom: number;

  /** `reportFrom`: events before this block update the state but are not returned, and executions there do not count. */
  constructor(chain: KeyMonitorChain, reportFrom = 0) {
    this.#chain = chain;
    this.#next = 0;
    this.#reportFrom = reportFrom;
  }

  /** Recovery events since the last call, in chain order. */
  async poll(): Promise<KeyEvent[]> {
    const head = await this.#chain.blockNumber();
    if (head < this.#next) return [];
    const events = await this.#chain.recoveryEvents(this.#next, head);
    this.#next = head + 1;
    const out = events.map((e) => this.#apply(e));
    // A proposal that a later event of this poll ended is history: a notice saying how it ended.
    const resolved = out.map((e, i): KeyEvent => {
      if (e.reason !== "recovery proposed") return e;
      const end = out.slice(i + 1).find((x) => x.department === e.department && x.reason !== "recovery proposed");
      if (!end) return e;
      return { ...e, kind: "notice", resolved: end.reason === "recovery cancelled" ? "cancelled" : "executed" };
    });
    return resolved.filter((e) => e.block >= this.#reportFrom);
  }

  /** Departments with a recovery pending (proposed in the blocks watched, not since cancelled or executed). */
  get pending(): ReadonlyMap<string, string> {
    return this.#pending;
  }

  /** True when a recovery is pending or one was executed in the blocks watched. */
  get attention(): boolean {
    return this.#pending.size > 0 || this.#executed > 0;
  }

  #apply(e: RecoveryEvent): KeyEvent {
    const at = { department: e.id, newSigner: e.newSigner, block: e.block, txHash: e.txHash };
    if (e.name === "RecoveryProposed") {
      this.#pending.set(e.id, e.newSigner);
      return {
        kind: "alarm",
        reason: "recovery proposed",
        ...at,
        executableAt: new Date((e.executableAt ?? 0) * 1000).toISOString(),
        proposer: e.proposer ?? "",
      };
    }
    this.#pending.delete(e.id);
    if (e.name === "RecoveryExecuted") {
      if (e.block >= this.#reportFrom) this.#executed++;
      return { kind: "alarm", reason: "recovery executed", ...at, oldSigner: e.oldSigner ?? "" };
    }
    return { kind: "notice", reason: "recovery cancelled", ...at };
  }
}
