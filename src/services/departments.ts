/**
 * Department administration: the chain holds the signer and status; the
 * store keeps the name and the transactions, for listing.
 */
import { LedgerError } from "../core/errors.ts";
import { K } from "../adapters/leveldb/keys.ts";
import type { Store } from "../adapters/leveldb/store.ts";
import type { LedgerClient } from "../adapters/chain/ledger-client.ts";
import type { Registry } from "./registry.ts";

export interface DepartmentRecord {
  readonly id: string;
  readonly name: string;
  readonly signer: string;
  readonly active: boolean;
  readonly registeredAt: string;
  readonly txHash: string;
}

export class Departments {
  readonly #store: Store;
  readonly #chain: LedgerClient;
  readonly #registry: Registry;
  readonly #limits: () => { deadline?: number };

  /** `limits`: how long a request may wait for its transaction (a fresh deadline per call). */
  constructor(store: Store, chain: LedgerClient, registry: Registry, limits: () => { deadline?: number } = () => ({})) {
    this.#store = store;
    this.#chain = chain;
    this.#registry = registry;
    this.#limits = limits;
  }

  async register(id: string, name: string, signer: string): Promise<DepartmentRecord> {
    const s = signer.toLowerCase();
    const existing = await this.#chain.departmentSigner(id);
    if (existing.signer !== "0x0000000000000000000000000000000000000000") {
      throw new LedgerError("DEPARTMENT_EXISTS", `department ${id} is already registered`, { id });
    }
    const txHash = await this.#chain.registerDepartment(id, s, this.#limits());
    const rec: DepartmentRecord = { id, name, signer: s, active: true, registeredAt: new Date().toISOString(), txHash };
    await this.#store.putJson(K.department(id), rec);
    this.#registry.set(id, { signer: s, active: true });
    return rec;
  }

  async rotate(id: string, signer: string): Promise<DepartmentRecord & { rotationTxHash: string }> {
    const rec = await this.#activeRecord(id);
    const s = signer.toLowerCase();
    const txHash = await this.#chain.rotateSigner(id, s, this.#limits());
    const next = { ...rec, signer: s };
    await this.#store.putJson(K.department(id), next);
    this.#registry.set(id, { signer: s, active: true });
    return { ...next, rotationTxHash: txHash };
  }

  async revoke(id: string): Promise<DepartmentRecord & { revocationTxHash: string }> {
    const rec = await this.#activeRecord(id);
    const txHash = await this.#chain.revokeDepartment(id, this.#limits());
    const next = { ...rec, active: false };
    await this.#store.putJson(K.department(id), next);
    this.#registry.set(id, { signer: rec.signer, active: false });
    return { ...next, revocationTxHash: txHash };
  }

  /** Every department this service registered, with signer and status as the chain has them now. */
  async list(): Promise<DepartmentRecord[]> {
    const recs = await this.#store.jsonRange<DepartmentRecord>(K.departmentPrefix);
    return Promise.all(
      recs.map(async (r) => {
        const d = await this.#chain.departmentSigner(r.id);
        return { ...r, signer: d.signer, active: d.active };
      }),
    );
  }

  async #activeRecord(id: string): Promise<DepartmentRecord> {
    const d = await this.#chain.departmentSigner(id);
    if (d.signer === "0x0000000000000000000000000000000000000000") {
      throw new LedgerError("NOT_FOUND", `department ${id} is not registered`, { id });
    }
    if (!d.active) throw new LedgerError("DEPARTMENT_REVOKED", `department ${id} is revoked`, { id });
    const rec = (await this.#store.getJson<DepartmentRecord>(K.department(id))) ?? {
      id, name: id, signer: d.signer, active: true, registeredAt: "", txHash: "",
    };
    return { ...rec, signer: d.signer, active: d.active };
  }
}
