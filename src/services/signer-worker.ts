/**
 * Worker thread: EIP-712 digest and signer recovery for batches of records
 * (the CPU-heavy part of ingest). Receives {id, records} and answers
 * {id, results}, each result an address or a reason.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Eip712Digester, type Eip712Domain } from "../core/eip712.ts";
import { recoverSigner, type RecoverResult } from "../core/signature.ts";
import type { ExchangeRecord } from "../core/record.ts";

const digester = new Eip712Digester(workerData as Eip712Domain);

parentPort!.on("message", (msg: { id: number; records: ExchangeRecord[] }) => {
  const results: RecoverResult[] = msg.records.map((r) => recoverSigner(digester.digest(r), r.signature));
  parentPort!.postMessage({ id: msg.id, results });
});
