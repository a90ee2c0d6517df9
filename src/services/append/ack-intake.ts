/**
 * Turns an untrusted acknowledgement into one fit for the log: schema, the
 * consumer's EIP-712 signature against its active signer on chain, and the
 * exchange it names — committed, addressed to that consumer, and exactly the
 * entry whose leaf hash the consumer signed. Changes nothing.
 */
import { acknowledgementInput, ackDigest, type Acknowledgement } from "../../core/ack.ts";
import type { Eip712Digester } from "../../core/eip712.ts";
import type { Entry } from "../../core/record.ts";
import { LedgerError } from "../../core/errors.ts";
import { recoverSigner } from "../../core/signature.ts";
import type { LogStore } from "../../ports/store.ts";
import type { AckCheck } from "../../ports/api/ledger.ts";
import type { Registry } from "../departments/registry.ts";
import { zodDetails } from "./intake.ts";
import { NO_METRICS, signatureReason, type SignatureMetrics } from "../../ports/metrics.ts";

export class AckIntake implements AckCheck {
  readonly #store: Pick<LogStore, "seqsByProviderId" | "entry" | "nodes">;
  readonly #registry: Registry;
  readonly #digester: Eip712Digester;
  readonly #metrics: SignatureMetrics;

  constructor(
    store: Pick<LogStore, "seqsByProviderId" | "entry" | "nodes">,
    registry: Registry,
    digester: Eip712Digester,
    metrics: SignatureMetrics = NO_METRICS,
  ) {
    this.#store = store;
    this.#registry = registry;
    this.#digester = digester;
    this.#metrics = metrics;
  }

  /** The validated acknowledgement and the seq of the exchange it acknowledges. */
  async check(body: unknown): Promise<{ ack: Acknowledgement; exchangeSeq: number }> {
    const parsed = acknowledgementInput.safeParse(body);
    if (!parsed.success) {
      const details = zodDetails(parsed.error);
      throw new LedgerError("VALIDATION_FAILED", `invalid acknowledgement: ${details[0]!.path} ${details[0]!.message}`, details);
    }
    const ack = parsed.data;
    const detail = { provider: ack.provider, id: ack.id, consumer: ack.consumer };
    const consumer = this.#registry.peek(ack.consumer) ?? (await this.#registry.get(ack.consumer));
    if (!consumer) throw new LedgerError("UNKNOWN_DEPARTMENT", `consumer ${ack.consumer} is not registered`, detail);
    if (!consumer.active) throw new LedgerError("DEPARTMENT_REVOKED", `consumer ${ack.consumer} is revoked`, detail);
    const rec = recoverSigner(ackDigest(this.#digester, ack), ack.signature);
    if (!rec.ok) {
      this.#metrics.signatureRejected("ack", "INVALID_SIGNATURE", signatureReason(rec));
      throw new LedgerError("INVALID_SIGNATURE", `signature is invalid: ${rec.reason}`, detail);
    }
    if (rec.address !== consumer.signer) {
      this.#metrics.signatureRejected("ack", "SIGNER_MISMATCH", signatureReason({ recovered: rec.address }));
      throw new LedgerError("SIGNER_MISMATCH", `acknowledgement is not signed by consumer ${ack.consumer}'s active signer`, {
        ...detail,
        recovered: rec.address,
        expected: consumer.signer,
      });
    }
    const [seq] = await this.#store.seqsByProviderId([{ provider: ack.provider, id: ack.id }]);
    if (seq === undefined) throw new LedgerError("NOT_FOUND", `no exchange ${ack.id} from provider ${ack.provider}`, detail);
    const exchange = JSON.parse((await this.#store.entry(seq))!) as Entry;
    if (exchange.record.consumer !== ack.consumer) {
      throw new LedgerError("FORBIDDEN", `exchange ${ack.id} was handed to ${exchange.record.consumer}, not ${ack.consumer}`, detail);
    }
    const [leaf] = await this.#store.nodes([{ level: 0, index: seq }]);
    if (leaf !== ack.exchangeLeafHash) {
      throw new LedgerError("VALIDATION_FAILED", `exchangeLeafHash does not match exchange ${ack.id} (seq ${seq}): it is ${leaf}`, {
        ...detail,
        seq,
        leafHash: leaf,
      });
    }
    return { ack, exchangeSeq: seq };
  }
}
