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

/** Value of each hex digit's char code (either case); 0 for any other character. */
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = NIBBLE[65 + i] = 10 + i;

/** Decodes `0x`-prefixed hex (either case), by char code: no substring per byte. MUST be called on validated input only. */
export function fromHex(hex: string): Uint8Array {
  const o = hex.startsWith("0x") ? 2 : 0;
  const out = new Uint8Array((hex.length - o) >>> 1);
  for (let i = 0, j = o; i < out.length; i++, j += 2) out[i] = (NIBBLE[hex.charCodeAt(j) & 127]! << 4) | NIBBLE[hex.charCodeAt(j + 1) & 127]!;
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
