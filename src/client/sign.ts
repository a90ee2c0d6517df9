/**
 * Department side: building and signing exchange records (SPEC §3) with an
 * ethers signer. Fills the optional fields with their defaults first, because
 * the signature covers them.
 */
import { createHash } from "node:crypto";
import type { Signer, TypedDataDomain } from "ethers";
import type { z } from "zod";
import { EIP712_TYPES } from "../core/eip712.ts";
import type { ExchangeRecord, exchangeRecordInput } from "../core/record.ts";
import { inFieldOrder, withDefaults } from "../core/record-fields.ts";
import { ACK_EIP712_TYPES, type Acknowledgement } from "../core/ack.ts";

/** A record before signing, as submitted: the fields with a default may be left out. */
export type UnsignedExchange = Omit<z.input<typeof exchangeRecordInput>, "signature">;

/** `0x` + SHA-256 of the bytes handed over: what goes into `payloadDigest`. */
export function payloadDigest(bytes: Uint8Array | string): string {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

export async function signExchange(signer: Signer, domain: TypedDataDomain, r: UnsignedExchange): Promise<ExchangeRecord> {
  const full = withDefaults(r);
  const types = { Exchange: EIP712_TYPES.Exchange.map((f) => ({ ...f })) };
  const signature = (await signer.signTypedData(domain, types, full)).toLowerCase();
  return inFieldOrder({ ...full, signature });
}

/** The consumer's signed acknowledgement of an exchange it received (its leaf hash binds the exact entry). */
export async function signAcknowledgement(signer: Signer, domain: TypedDataDomain, a: Omit<Acknowledgement, "signature">): Promise<Acknowledgement> {
  const types = { Acknowledgement: ACK_EIP712_TYPES.Acknowledgement.map((f) => ({ ...f })) };
  const value = { provider: a.provider, id: a.id, consumer: a.consumer, exchangeLeafHash: a.exchangeLeafHash, acknowledgedAt: a.acknowledgedAt };
  return { ...value, signature: (await signer.signTypedData(domain, types, value)).toLowerCase() };
}

/** EIP-712 types of a department's self-rotation (contracts/IExchangeLedger.sol). */
export const SIGNER_ROTATION_TYPES = {
  SignerRotation: [
    { name: "id", type: "string" },
    { name: "newSigner", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** EIP-712 types of a department's cancellation of a pending recovery. */
export const RECOVERY_CANCELLATION_TYPES = {
  RecoveryCancellation: [
    { name: "id", type: "string" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** What `PUT /v1/departments/{id}/signer` and `DELETE /v1/departments/{id}/recovery` take as `authorization`. */
export interface KeyAuthorization {
  readonly nonce: number;
  /** Unix seconds; the ledger compares it with chain time. */
  readonly deadline: number;
  readonly signature: string;
}

/**
 * The department's current key authorizes replacing itself by `newSigner`.
 * `nonce` MUST be the department's `rotationNonce` (GET /v1/departments/{id});
 * `domain` is the one of exchange records (`/v1/info` → eip712.domain).
 */
export async function signSignerRotation(
  currentKey: Signer,
  domain: TypedDataDomain,
  r: { id: string; newSigner: string; nonce: number; deadline: number },
): Promise<KeyAuthorization> {
  const value = { id: r.id, newSigner: r.newSigner, nonce: r.nonce, deadline: r.deadline };
  const signature = (await currentKey.signTypedData(domain, SIGNER_ROTATION_TYPES, value)).toLowerCase();
  return { nonce: r.nonce, deadline: r.deadline, signature };
}

/** The department's current key cancels the pending recovery of its key (same nonce counter as rotations). */
export async function signRecoveryCancellation(
  currentKey: Signer,
  domain: TypedDataDomain,
  r: { id: string; nonce: number; deadline: number },
): Promise<KeyAuthorization> {
  const value = { id: r.id, nonce: r.nonce, deadline: r.deadline };
  const signature = (await currentKey.signTypedData(domain, RECOVERY_CANCELLATION_TYPES, value)).toLowerCase();
  return { nonce: r.nonce, deadline: r.deadline, signature };
}
