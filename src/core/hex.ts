/**
 * Hex and UTF-8 helpers: every hash, digest, address and signature in JSON is
 * `0x` + lowercase hex (SPEC §2). Portable (no Buffer): the standalone
 * verifier runs this code in browsers too.
 */

export type Hex = `0x${string}`;

const HEX32 = /^0x[0-9a-f]{64}$/;
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();

export function toHex(bytes: Uint8Array): Hex {
  let s = "0x";
  for (const b of bytes) s += BYTE_HEX[b]!;
  return s as Hex;
}

/** Decodes `0x`-prefixed hex (either case). MUST be called on validated input only. */
export function fromHex(hex: string): Uint8Array {
  const h = hex.startsWith("0x") ? hex.slice(2) : hex;
  const out = new Uint8Array(h.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function isHash32(s: unknown): s is Hex {
  return typeof s === "string" && HEX32.test(s);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
