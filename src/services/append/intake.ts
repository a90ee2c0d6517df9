/**
 * Turns untrusted JSON into records fit for the log: schema and defaults
 * (SPEC §1), then the provider's EIP-712 signature against the provider's
 * active signer in the on-chain registry (SPEC §3). Changes nothing.
 */
import { exchangeRecordInput, type ExchangeRecord } from "../../core/record.ts";
import { LedgerError } from "../../core/errors.ts";
import type { Registry, DepartmentState } from "../departments/registry.ts";
import type { RecoverRecords } from "../../core/signature-audit.ts";

/** Signature recovery off the event loop (adapters/workers/signer-pool.ts). */
interface SignerPool {
  recover: RecoverRecords;
}
import { NO_METRICS, signatureReason, type SignatureMetrics } from "../../ports/metrics.ts";
import type { ExchangeIntake } from "../../ports/api/ledger.ts";

import { zodDetails } from "../../core/zod-details.ts";

export { zodDetails };

export class Intake implements ExchangeIntake {
  readonly #signers: SignerPool;
  readonly #registry: Registry;
  readonly #metrics: SignatureMetrics;

  constructor(signers: SignerPool, registry: Registry, metrics: SignatureMetrics = NO_METRICS) {
    this.#signers = signers;
    this.#registry = registry;
    this.#metrics = metrics;
  }

  /** Validates the shape of one record; `at` names its place in a batch. */
  parse(body: unknown, at?: number): ExchangeRecord {
    const r = exchangeRecordInput.safeParse(body);
    if (!r.success) {
      const where = at === undefined ? "" : ` (records.${at})`;
      const details = zodDetails(r.error, at === undefined ? [] : ["records", at]);
      const first = details[0]!;
      throw new LedgerError("VALIDATION_FAILED", `invalid exchange record${where}: ${first.path} ${first.message}`, details);
    }
    return r.data;
  }

  /**
   * Checks both departments and each provider's signature; throws the precise
   * error for the first record (in order) that fails. `batch` numbers the records.
   */
  async verify(records: readonly ExchangeRecord[], batch: boolean): Promise<void> {
    const providers: DepartmentState[] = [];
    for (let i = 0; i < records.length; i++) providers.push(await this.#parties(records[i]!, batch ? i : undefined));
    const signers = await this.#signers.recover(records);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const rec = signers[i]!;
      const where = batch ? ` (records.${i})` : "";
      const detail = batch ? { index: i, provider: r.provider, id: r.id } : { provider: r.provider, id: r.id };
      if (!rec.ok) {
        this.#metrics.signatureRejected("exchange", "INVALID_SIGNATURE", signatureReason(rec));
        throw new LedgerError("INVALID_SIGNATURE", `signature is invalid${where}: ${rec.reason}`, detail);
      }
      if (rec.address !== providers[i]!.signer) {
        this.#metrics.signatureRejected("exchange", "SIGNER_MISMATCH", signatureReason({ recovered: rec.address }));
        throw new LedgerError("SIGNER_MISMATCH", `record is not signed by provider ${r.provider}'s active signer${where}`, {
          ...detail,
          recovered: rec.address,
          expected: providers[i]!.signer,
        });
      }
    }
  }

  async #parties(r: ExchangeRecord, at: number | undefined): Promise<DepartmentState> {
    const where = at === undefined ? "" : ` (records.${at})`;
    const detail = at === undefined ? { provider: r.provider, id: r.id } : { index: at, provider: r.provider, id: r.id };
    const provider = this.#registry.peek(r.provider) ?? (await this.#registry.get(r.provider));
    if (!provider) throw new LedgerError("UNKNOWN_DEPARTMENT", `provider ${r.provider} is not registered${where}`, detail);
    if (!provider.active) throw new LedgerError("DEPARTMENT_REVOKED", `provider ${r.provider} is revoked${where}`, detail);
    const consumer = this.#registry.peek(r.consumer) ?? (await this.#registry.get(r.consumer));
    if (!consumer) throw new LedgerError("UNKNOWN_DEPARTMENT", `consumer ${r.consumer} is not registered${where}`, detail);
    return provider;
  }
}
