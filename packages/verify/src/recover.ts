/**
 * Signer recovery with ethers (portable: no native addon). High-s signatures
 * are refused (EIP-2), as the service refuses them, so each record has exactly
 * one valid signature encoding.
 */
import { recoverAddress } from "ethers";

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export type Recovered = { ok: true; address: string } | { ok: false; reason: string };

export function recoverSigner(digest: Uint8Array, signatureHex: string): Recovered {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signatureHex)) return { ok: false, reason: "signature must be 65 bytes of hex" };
  const v = parseInt(signatureHex.slice(130, 132), 16);
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return { ok: false, reason: `invalid recovery byte v=${v}` };
  const r = `0x${signatureHex.slice(2, 66)}`;
  const s = `0x${signatureHex.slice(66, 130)}`;
  if (BigInt(s) > HALF_N) return { ok: false, reason: "non-canonical signature (high s)" };
  try {
    return { ok: true, address: recoverAddress(digest, { r, s, v: 27 + recid }).toLowerCase() };
  } catch {
    return { ok: false, reason: "signature does not recover to a public key" };
  }
}
