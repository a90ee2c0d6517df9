/**
 * Changes of a department's signing key, as the ledger allows them
 * (docs/departments.md "Department keys"):
 * - a self-rotation, authorized by the department's current key (EIP-712
 *   `SignerRotation`), which the service only relays;
 * - a recovery for a lost key: proposed by the service's registrar account,
 *   executable by anyone after the ledger's recovery delay, cancellable by the
 *   department meanwhile (`RecoveryCancellation`, relayed here).
 *
 * Contracts:
 * - The service MUST NOT change a key without the department's authorization
 *   other than through a public, delayed recovery; the ledger enforces it.
 * - Expiry is judged by chain time (the latest block's timestamp), and a
 *   recovery's executability by the chain itself (the next block's time: an
 *   idle dev chain that mines no blocks does not hold it back), never by this
 *   machine's clock.
 * - A refused change changes nothing: checks that can be made before sending
 *   are made first (nonce, expiry, pending recovery); the rest are the
 *   contract's custom errors, decoded into API errors (core/errors.ts).
 */
import type { MinedTx } from "../../core/chain-checkpoint.ts";
import { LedgerError } from "../../core/errors.ts";
import { iso } from "../../core/iso-time.ts";
import type { Authorization, DepartmentKeyChanges, DepartmentRecord, PendingRecovery, SignerChange } from "../../ports/api/departments.ts";

export { iso } from "../../core/iso-time.ts";
export type { Authorization, PendingRecovery, SignerChange } from "../../ports/api/departments.ts";

/** What key changes need of the ledger (implemented by the chain adapter, adapters/chain/department-keys.ts). Failures are ChainErrors. */
export interface KeyLedger {
  rotationNonce(id: string): Promise<number>;
  pendingRecovery(id: string): Promise<PendingRecovery | null>;
  /** The transaction of the department's latest RecoveryProposed event, if any. */
  recoveryProposalTx(id: string): Promise<string | undefined>;
  /** The latest block's timestamp. */
  chainTime(): Promise<number>;
  /** Whether executeRecovery(id) would succeed in the next block (the chain's own judgement, no transaction sent). */
  recoveryExecutableNow(id: string): Promise<boolean>;
  rotateSignerWithAuthorization(id: string, signer: string, deadline: number, signature: string, limits: { deadline?: number }): Promise<MinedTx>;
  proposeRecovery(id: string, signer: string, limits: { deadline?: number }): Promise<string>;
  executeRecovery(id: string, limits: { deadline?: number }): Promise<MinedTx>;
  cancelRecoveryWithAuthorization(id: string, deadline: number, signature: string, limits: { deadline?: number }): Promise<string>;
}

export interface DepartmentKeysPorts {
  /** The department's record with its signer as the chain has it now; NOT_FOUND / DEPARTMENT_REVOKED otherwise. */
  active(id: string): Promise<DepartmentRecord>;
  /** Stores a signer change this service saw mined in `block`, and updates the registry cache. */
  applied(rec: DepartmentRecord, block: number): Promise<void>;
  /** How long a request may wait for its transaction (a fresh deadline per call). */
  limits(): { deadline?: number };
}

export class DepartmentKeys implements DepartmentKeyChanges {
  readonly #chain: KeyLedger;
  readonly #ports: DepartmentKeysPorts;

  constructor(chain: KeyLedger, ports: DepartmentKeysPorts) {
    this.#chain = chain;
    this.#ports = ports;
  }

  /** Relays the department's own authorization to rotate to `signer`. */
  async rotate(id: string, signer: string, auth: Authorization): Promise<SignerChange> {
    const rec = await this.#ports.active(id);
    const s = signer.toLowerCase();
    if (s === rec.signer) throw new LedgerError("SIGNER_UNCHANGED", `${s} already is department ${id}'s signer`, { id, signer: s });
    await this.#checkAuthorization(id, auth);
    const { txHash, blockNumber } = await this.#chain.rotateSignerWithAuthorization(id, s, auth.deadline, auth.signature, this.#ports.limits());
    const next = { ...rec, signer: s };
    await this.#ports.applied(next, blockNumber);
    return { status: "rotated", department: next, txHash, by: "authorization" };
  }

  /**
   * A recovery to `signer` without the department's key: proposes it, or — asked
   * again for the same signer — says when it can be executed, or executes it once
   * its time has come. Another signer while one is pending: RECOVERY_PENDING.
   */
  async recover(id: string, signer: string): Promise<SignerChange> {
    const rec = await this.#ports.active(id);
    const s = signer.toLowerCase();
    const pending = await this.#chain.pendingRecovery(id);
    if (!pending) {
      if (s === rec.signer) return { status: "rotated", department: rec, txHash: null, by: "recovery" };
      const proposalTxHash = await this.#chain.proposeRecovery(id, s, this.#ports.limits());
      const now = await this.#chain.pendingRecovery(id);
      return this.#pendingView(id, now ?? { signer: s, executableAt: 0 }, proposalTxHash);
    }
    if (pending.signer !== s) {
      throw new LedgerError(
        "RECOVERY_PENDING",
        `a recovery of department ${id} to ${pending.signer} is pending (executable at ${iso(pending.executableAt)}); it must be executed or cancelled before another`,
        {
          id,
          pendingSigner: pending.signer,
          executableAt: iso(pending.executableAt),
        },
      );
    }
    if (!(await this.#chain.recoveryExecutableNow(id))) return this.#pendingView(id, pending, (await this.#chain.recoveryProposalTx(id)) ?? null);
    const { txHash, blockNumber } = await this.#chain.executeRecovery(id, this.#ports.limits());
    const next = { ...rec, signer: s };
    await this.#ports.applied(next, blockNumber);
    return { status: "rotated", department: next, txHash, by: "recovery" };
  }

  /** Relays the department's authorization to cancel its pending recovery. */
  async cancelRecovery(id: string, auth: Authorization): Promise<{ id: string; cancelledSigner: string; txHash: string }> {
    await this.#ports.active(id);
    const pending = await this.#chain.pendingRecovery(id);
    if (!pending) throw new LedgerError("NO_PENDING_RECOVERY", `department ${id} has no pending recovery`, { id });
    await this.#checkAuthorization(id, auth);
    const txHash = await this.#chain.cancelRecoveryWithAuthorization(id, auth.deadline, auth.signature, this.#ports.limits());
    return { id, cancelledSigner: pending.signer, txHash };
  }

  /** What GET /v1/departments shows of a department's key state. */
  async state(id: string): Promise<{ rotationNonce: number; pendingRecovery: { signer: string; executableAt: string } | null }> {
    const [nonce, pending] = await Promise.all([this.#chain.rotationNonce(id), this.#chain.pendingRecovery(id)]);
    return { rotationNonce: nonce, pendingRecovery: pending ? { signer: pending.signer, executableAt: iso(pending.executableAt) } : null };
  }

  async #checkAuthorization(id: string, auth: Authorization): Promise<void> {
    const [expected, now] = await Promise.all([this.#chain.rotationNonce(id), this.#chain.chainTime()]);
    if (auth.nonce < expected) {
      throw new LedgerError("AUTHORIZATION_NONCE_USED", `nonce ${auth.nonce} of department ${id} was already used; the next is ${expected}`, {
        id,
        nonce: auth.nonce,
        rotationNonce: expected,
      });
    }
    if (auth.nonce > expected) {
      throw new LedgerError("AUTHORIZATION_NONCE_MISMATCH", `department ${id}'s next nonce is ${expected}, not ${auth.nonce}`, {
        id,
        nonce: auth.nonce,
        rotationNonce: expected,
      });
    }
    if (auth.deadline < now) {
      throw new LedgerError("AUTHORIZATION_EXPIRED", `the authorization expired at ${iso(auth.deadline)}; the chain's time is ${iso(now)}`, {
        id,
        deadline: auth.deadline,
        chainTime: now,
      });
    }
  }

  #pendingView(id: string, p: PendingRecovery, proposalTxHash: string | null): SignerChange {
    return { status: "recovery-pending", id, signer: p.signer, executableAt: p.executableAt, proposalTxHash };
  }
}
