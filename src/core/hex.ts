/** Hex helpers: every hash, digest, address and signature in JSON is `0x` + lowercase hex (SPEC §2). */

export type Hex = `0x${string}`;

const HEX32 = /^0x[0-9a-f]{64}$/;

export function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

/** Decodes `0x`-prefixed hex (either case). MUST be called on validated input only. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex"));
}

export function isHash32(s: unknown): s is Hex {
  return typeof s === "string" && HEX32.test(s);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
