/**
 * Recovery of the signer of a 65-byte secp256k1 signature (r ‖ s ‖ v) over a
 * 32-byte digest, with native libsecp256k1. High-s signatures are refused
 * (EIP-2), so each record has exactly one valid signature encoding.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import secp256k1 from "secp256k1";
import type { Keccak256 } from "./eip712.ts";

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export type RecoverResult = { ok: true; address: string } | { ok: false; reason: string };

/** `keccak` (for the address) MUST compute keccak256; noble's by default. */
export function recoverSigner(digest: Uint8Array, signatureHex: string, keccak: Keccak256 = keccak_256): RecoverResult {
  const sig = Buffer.from(signatureHex.slice(2), "hex");
  if (sig.length !== 65) return { ok: false, reason: "signature must be 65 bytes" };
  const v = sig[64]!;
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return { ok: false, reason: `invalid recovery byte v=${v}` };
  const s = BigInt(`0x${sig.subarray(32, 64).toString("hex")}`);
  if (s > HALF_N) return { ok: false, reason: "non-canonical signature (high s)" };
  let pub: Uint8Array;
  try {
    pub = secp256k1.ecdsaRecover(sig.subarray(0, 64), recid, digest, false);
  } catch {
    return { ok: false, reason: "signature does not recover to a public key" };
  }
  return { ok: true, address: `0x${Buffer.from(keccak(pub.subarray(1)).subarray(12)).toString("hex")}` };
}
