/**
 * A typed client for departments and auditors: sign and submit exchanges
 * (one or a batch), fetch exchanges, receipts and provenance, and verify a
 * receipt against the chain without trusting the service.
 *
 *   const dx = new DxLedgerClient({ baseUrl, token: departmentToken, signer: departmentWallet });
 *   const r = await dx.record({ id, provider, consumer, dataset, purpose, recordCount, payloadDigest, occurredAt });
 *   const receipt = await dx.waitForReceipt(r.provider, r.id);     // with an auditor or party token
 *   const outcome = await dx.verify(receipt, { contract, chainId, logId });
 */
import type { Signer } from "ethers";
import type { z } from "zod";
import type { ExchangeRecord } from "../core/record.ts";
import type { Appended, BatchAppended, Info, Provenance } from "../api/index.ts";
import type * as R from "../api/responses.ts";
import type { Receipt } from "../ports/receipts.ts";
import { verifyReceipt, type Pins, type Verdict } from "@dxledger/verify";
import { signAcknowledgement, signExchange, type UnsignedExchange } from "./sign.ts";

/** What recording answers (the declared answer types, src/api). A batch's results also say `replay`. */
export type RecordResult = Appended & { readonly replay?: boolean };
export type LedgerInfo = Info;
export type AckResult = z.output<typeof R.AckAppended>;
/** GET /v1/exchanges/{provider}/{id}: read by provider and id, the entry is always the exchange's. */
export type ExchangeView = Omit<z.output<typeof R.Exchange>, "entry"> & { readonly entry: z.output<typeof R.ExchangeEntry> };

/** An error answer of the service (SPEC §5), with its code. */
export class DxLedgerApiError extends Error {
  readonly status: number;
  /** An ErrorCode of core/errors.ts, or a code a newer service added. */
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(`${code}: ${message}`);
    this.name = "DxLedgerApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ClientOptions {
  readonly baseUrl: string;
  /**
   * Bearer token, sent with every call. Writes (`record`, `recordBatch`,
   * `acknowledge`) need `department:<id>` of the provider (the consumer, for
   * an acknowledgement) or `admin`; reads need auditor, admin or a party's.
   */
  readonly token?: string;
  /** The department's signing key, for `record` and `recordBatch`. */
  readonly signer?: Signer;
}

export class DxLedgerClient {
  readonly #o: ClientOptions;
  #info: LedgerInfo | undefined;

  constructor(o: ClientOptions) {
    this.#o = { ...o, baseUrl: o.baseUrl.replace(/\/$/, "") };
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.#o.token) headers.authorization = `Bearer ${this.#o.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.#o.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string; details?: unknown } } | undefined;
    if (!res.ok) throw new DxLedgerApiError(res.status, json?.error?.code ?? "HTTP_ERROR", json?.error?.message ?? res.statusText, json?.error?.details);
    return json as T;
  }

  async info(): Promise<LedgerInfo> {
    this.#info ??= await this.#call<LedgerInfo>("GET", "/v1/info");
    return this.#info;
  }

  /** Writes are refused without a token (401 before the body is read): say so before signing anything. */
  #needsToken(what: string): void {
    if (!this.#o.token) throw new Error(`DxLedgerClient: a token (department:<id> or admin) is needed to ${what}`);
  }

  async #sign(r: UnsignedExchange): Promise<ExchangeRecord> {
    this.#needsToken("record exchanges");
    if (!this.#o.signer) throw new Error("DxLedgerClient: a signer is needed to record exchanges");
    return signExchange(this.#o.signer, (await this.info()).eip712.domain, r);
  }

  /** Signs and records one exchange; a replay of the same record returns the original. */
  async record(r: UnsignedExchange): Promise<RecordResult> {
    return this.#call<RecordResult>("POST", "/v1/exchanges", await this.#sign(r));
  }

  /** Signs and records up to 10 000 exchanges, all or nothing. */
  async recordBatch(rs: readonly UnsignedExchange[]): Promise<RecordResult[]> {
    const records = await Promise.all(rs.map((r) => this.#sign(r)));
    return (await this.#call<BatchAppended>("POST", "/v1/exchanges/batch", { records })).results;
  }

  /**
   * As the consumer: acknowledges exchange provider+id with this client's
   * signer, binding the exact entry by its leaf hash (read with this client's token).
   */
  async acknowledge(provider: string, id: string, consumer: string, acknowledgedAt = new Date().toISOString()): Promise<AckResult> {
    this.#needsToken("acknowledge");
    if (!this.#o.signer) throw new Error("DxLedgerClient: a signer is needed to acknowledge");
    const ex = await this.exchange(provider, id);
    const ack = await signAcknowledgement(this.#o.signer, (await this.info()).eip712.domain, {
      provider,
      id,
      consumer,
      exchangeLeafHash: ex.leafHash,
      acknowledgedAt,
    });
    return this.#call("POST", "/v1/acknowledgements", ack);
  }

  async exchange(provider: string, id: string): Promise<ExchangeView> {
    return this.#call("GET", `/v1/exchanges/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`);
  }

  async receipt(provider: string, id: string): Promise<Receipt> {
    return this.#call("GET", `/v1/exchanges/${encodeURIComponent(provider)}/${encodeURIComponent(id)}/receipt`);
  }

  /** Polls until the exchange is anchored (at most `timeoutMs`), then returns its receipt. */
  async waitForReceipt(provider: string, id: string, timeoutMs = 60_000, pollMs = 500): Promise<Receipt> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.receipt(provider, id);
      } catch (e) {
        if (!(e instanceof DxLedgerApiError && e.code === "NOT_YET_ANCHORED") || Date.now() > end) throw e;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** The JSON view; with `format: "prov"`, a W3C PROV-JSON document. */
  async provenance(dataset: string, opts?: { after?: number; limit?: number; format?: "json" }): Promise<Provenance>;
  async provenance(dataset: string, opts: { after?: number; limit?: number; format: "prov" }): Promise<Record<string, unknown>>;
  async provenance(dataset: string, opts: { after?: number; limit?: number; format?: "json" | "prov" } = {}): Promise<Provenance | Record<string, unknown>> {
    const q = new URLSearchParams();
    if (opts.after !== undefined) q.set("after", String(opts.after));
    if (opts.limit !== undefined) q.set("limit", String(opts.limit));
    if (opts.format) q.set("format", opts.format);
    return this.#call("GET", `/v1/datasets/${encodeURIComponent(dataset)}/provenance${q.size ? `?${q}` : ""}`);
  }

  /**
   * Verifies a receipt against the chain, never the service. `rpcUrl`
   * defaults to the one /v1/info names; pin chain id, contract and log id
   * from your own configuration.
   */
  async verify(receipt: unknown, pins: Pins = {}, rpcUrl?: string): Promise<Verdict> {
    return verifyReceipt(receipt, { rpcUrl: rpcUrl ?? (await this.info()).rpcUrl, pins });
  }
}
