/**
 * Turns untrusted JSON into records fit for the log: schema and defaults
 * (SPEC §1), then the provider's EIP-712 signature against the provider's
 * active signer in the on-chain registry (SPEC §3). Changes nothing.
 */
import { exchangeRecordInput, type ExchangeRecord } from "../core/record.ts";
import { LedgerError } from "../core/errors.ts";
import { Eip712Digester } from "../core/eip712.ts";
import { recoverSigner } from "../core/signature.ts";
import type { Registry } from "./registry.ts";
import type { ZodError } from "zod";

export function zodDetails(err: ZodError, prefix: Array<string | number> = []): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join(".") || "(body)",
    message: i.message,
  }));
}

export class Intake {
  readonly #digester: Eip712Digester;
  readonly #registry: Registry;

  constructor(digester: Eip712Digester, registry: Registry) {
    this.#digester = digester;
    this.#registry = registry;
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

  /** Checks the provider's signature and both departments; throws the precise error. */
  async verify(r: ExchangeRecord, at?: number): Promise<void> {
    const where = at === undefined ? "" : ` (records.${at})`;
    const detail = at === undefined ? { provider: r.provider, id: r.id } : { index: at, provider: r.provider, id: r.id };
    const provider = this.#registry.peek(r.provider) ?? (await this.#registry.get(r.provider));
    if (!provider) throw new LedgerError("UNKNOWN_DEPARTMENT", `provider ${r.provider} is not registered${where}`, detail);
    if (!provider.active) throw new LedgerError("DEPARTMENT_REVOKED", `provider ${r.provider} is revoked${where}`, detail);
    const consumer = this.#registry.peek(r.consumer) ?? (await this.#registry.get(r.consumer));
    if (!consumer) throw new LedgerError("UNKNOWN_DEPARTMENT", `consumer ${r.consumer} is not registered${where}`, detail);

    const rec = recoverSigner(this.#digester.digest(r), r.signature);
    if (!rec.ok) throw new LedgerError("INVALID_SIGNATURE", `signature is invalid${where}: ${rec.reason}`, detail);
    if (rec.address !== provider.signer) {
      throw new LedgerError(
        "SIGNER_MISMATCH",
        `record is not signed by provider ${r.provider}'s active signer${where}`,
        { ...detail, recovered: rec.address, expected: provider.signer },
      );
    }
  }
}
