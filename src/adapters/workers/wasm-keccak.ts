/**
 * keccak256 compiled to WebAssembly (hash-wasm): the same bytes as noble's
 * pure-JS keccak, about eight times faster on the records' small inputs —
 * the EIP-712 digest and the signer's address are a third of a signer
 * worker's time with noble's. One hasher per thread; calls are synchronous,
 * so they never interleave.
 */
import { createKeccak } from "hash-wasm";
import type { Keccak256 } from "../../core/eip712.ts";

export async function wasmKeccak256(): Promise<Keccak256> {
  const h = await createKeccak(256);
  return (data) => h.init().update(data).digest("binary");
}
