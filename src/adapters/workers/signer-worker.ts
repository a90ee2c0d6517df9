/**
 * Worker thread: EIP-712 digest and signer recovery for batches of records
 * (the CPU-heavy part of ingest). Receives {id, packed} (see signer-pool.ts)
 * and answers {id, packed}: per record, the address or "!" + a reason,
 * joined by "\n". keccak256 runs in WebAssembly (wasm-keccak.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Eip712Digester, type Eip712Domain } from "../../core/eip712.ts";
import { recoverSigner } from "../../core/signature.ts";
import { unpackRecords } from "../../core/signer-pack.ts";
import { wasmKeccak256 } from "./wasm-keccak.ts";

// Where WebAssembly cannot run (node --jitless), noble's keccak: slower, the same bytes.
const keccak = await wasmKeccak256().catch(() => keccak_256);
const digester = new Eip712Digester(workerData as Eip712Domain, keccak);

parentPort!.on("message", (msg: { id: number; packed: string }) => {
  const out = unpackRecords(msg.packed).map((r) => {
    const res = recoverSigner(digester.digest(r), r.signature, keccak);
    return res.ok ? res.address : `!${res.reason}`;
  });
  parentPort!.postMessage({ id: msg.id, packed: out.join("\n") });
});
