/**
 * Department administration: the chain holds the signer and status; the
 * store keeps the name and the transactions, for listing.
 */
import type { MinedTx } from "../../core/chain-checkpoint.ts";
import { LedgerError } from "../../core/errors.ts";
import type { RecordStore } from "../../ports/store.ts";
import type { DepartmentAdmin, DepartmentRecord, DepartmentView } from "../../ports/api/departments.ts";

export type { DepartmentRecord, DepartmentView } from "../../ports/api/departments.ts";
import type { Registry } from "./registry.ts";
import { DepartmentKeys, type KeyLedger } from "./department-keys.ts";

/** What department administration asks of the chain (the ledger client implements it). */
export interface DepartmentChain {
  departmentSigner(id: string): Promise<{ readonly signer: string; readonly active: boolean }>;
  registerDepartment(id: string, signer: string, limits?: { deadline?: number }): Promise<MinedTx>;
  revokeDepartment(id: string, limits?: { deadline?: number }): Promise<MinedTx>;
}

export class Departments implements DepartmentAdmin {
  /** Key changes: self-rotation, recovery, cancellation (services/departments/department-keys.ts). */
  readonly keys: DepartmentKeys;
  readonly #store: RecordStore<DepartmentRecord>;
  readonly #chain: DepartmentChain;
  readonly #registry: Registry;
  readonly #limits: () => { deadline?: number };

  /** `limits`: how long a request may wait for its transaction (a fresh deadline per call). */
  constructor(
    store: RecordStore<DepartmentRecord>,
    chain: DepartmentChain,
    registry: Registry,
    keyLedger: KeyLedger,
    limits: () => { deadline?: number } = () => ({}),
  ) {
    this.#store = store;
    this.#chain = chain;
    this.#registry = registry;
    this.#limits = limits;
    this.keys = new DepartmentKeys(keyLedger, {
      active: (id) => this.#activeRecord(id),
      applied: async (rec, block) => {
        await this.#store.put(rec.id, rec);
        this.#registry.set(rec.id, { signer: rec.signer, active: true }, block);
      },
      limits: () => this.#limits(),
    });
  }

  async register(id: string, name: string, signer: string): Promise<DepartmentRecord> {
    const s = signer.toLowerCase();
    const existing = await this.#chain.departmentSigner(id);
    if (existing.signer !== "0x0000000000000000000000000000000000000000") {
      throw new LedgerError("DEPARTMENT_EXISTS", `department ${id} is already registered`, { id });
    }
    const { txHash, blockNumber } = await this.#chain.registerDepartment(id, s, this.#limits());
    const rec: DepartmentRecord = { id, name, signer: s, active: true, registeredAt: new Date().toISOString(), txHash };
    await this.#store.put(id, rec);
    this.#registry.set(id, { signer: s, active: true }, blockNumber);
    return rec;
  }

  async revoke(id: string): Promise<DepartmentRecord & { revocationTxHash: string }> {
    const rec = await this.#activeRecord(id);
    const { txHash, blockNumber } = await this.#chain.revokeDepartment(id, this.#limits());
    const next = { ...rec, active: false };
    await this.#store.put(id, next);
    this.#registry.set(id, { signer: rec.signer, active: false }, blockNumber);
    return { ...next, revocationTxHash: txHash };
  }

  /** Every department this service registered, with signer, status and key state as the chain has them now. */
  /**
   * Keeps the stored record in step with the chain when the signer or status
   * changed by someone else's transaction (a relayed rotation, a recovery), so
   * what this service remembers — and re-registers on an embedded chain that
   * lost its state — is the chain's latest, not its own last write.
   */
  async follow(id: string, state: { signer: string; active: boolean }): Promise<void> {
    const rec = await this.#store.get(id);
    if (!rec || (rec.signer === state.signer.toLowerCase() && rec.active === state.active)) return;
    await this.#store.put(id, { ...rec, signer: state.signer.toLowerCase(), active: state.active });
  }

  async list(): Promise<DepartmentView[]> {
    const recs = await this.#store.all();
    return Promise.all(recs.map((r) => this.#view(r)));
  }

  /** One department this service registered, as `list` shows it; undefined if it has no record here. */
  async get(id: string): Promise<DepartmentView | undefined> {
    const r = await this.#store.get(id);
    return r ? this.#view(r) : undefined;
  }

  async #view(r: DepartmentRecord): Promise<DepartmentView> {
    const [d, keys] = await Promise.all([this.#chain.departmentSigner(r.id), this.keys.state(r.id)]);
    return { ...r, signer: d.signer, active: d.active, ...keys };
  }

  async #activeRecord(id: string): Promise<DepartmentRecord> {
    const d = await this.#chain.departmentSigner(id);
    if (d.signer === "0x0000000000000000000000000000000000000000") {
      throw new LedgerError("NOT_FOUND", `department ${id} is not registered`, { id });
    }
    if (!d.active) throw new LedgerError("DEPARTMENT_REVOKED", `department ${id} is revoked`, { id });
    const rec = (await this.#store.get(id)) ?? {
      id,
      name: id,
      signer: d.signer,
      active: true,
      registeredAt: "",
      txHash: "",
    };
    return { ...rec, signer: d.signer, active: d.active };
  }
}
