/**
 * Builds and signs one exchange record as a department would, printing the
 * JSON to POST to /v1/exchanges. The EIP-712 domain comes from the service's
 * /v1/info (or --chain-id/--contract).
 *
 *   node scripts/demo/sign-exchange.ts --key 0x… --provider tax --consumer health \
 *     --dataset tax/income-2025 --purpose "benefit eligibility" --records 1200 \
 *     --data-file extract.csv [--id rec-1] [--legal-basis "…"] [--derived-from a,b] \
 *     [--info http://127.0.0.1:8080/v1/info]
 */
import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { parseArgs } from "node:util";
import { payloadDigest, signExchange } from "../../src/client/sign.ts";

const { values: o } = parseArgs({
  options: {
    key: { type: "string" },
    provider: { type: "string" },
    consumer: { type: "string" },
    dataset: { type: "string" },
    purpose: { type: "string" },
    records: { type: "string", default: "0" },
    "data-file": { type: "string" },
    id: { type: "string" },
    "legal-basis": { type: "string", default: "" },
    "derived-from": { type: "string", default: "" },
    "occurred-at": { type: "string" },
    info: { type: "string", default: "http://127.0.0.1:8080/v1/info" },
  },
});
for (const k of ["key", "provider", "consumer", "dataset", "purpose", "data-file"] as const) {
  if (!o[k]) {
    process.stderr.write(`sign-exchange: --${k} is required\n`);
    process.exit(2);
  }
}
const info = (await (await fetch(o.info)).json()) as { eip712: { domain: Record<string, unknown> } };
const record = await signExchange(new Wallet(o.key!), info.eip712.domain, {
  id: o.id ?? `${o.provider}-${Date.now()}`,
  provider: o.provider!,
  consumer: o.consumer!,
  dataset: o.dataset!,
  purpose: o.purpose!,
  legalBasis: o["legal-basis"],
  recordCount: Number(o.records),
  payloadDigest: payloadDigest(readFileSync(o["data-file"]!)),
  derivedFrom: o["derived-from"] ? o["derived-from"].split(",") : [],
  occurredAt: o["occurred-at"] ?? new Date().toISOString(),
});
process.stdout.write(`${JSON.stringify(record)}\n`);
