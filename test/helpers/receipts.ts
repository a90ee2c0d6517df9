/**
 * Receipts to verify, from real chains: the pre-issue-10 fixtures replayed on
 * a fresh Anvil (test/fixtures/receipts-v0), and receipts the service issues
 * now on a standalone Anvil.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { rpc, startAnvilNode, type EvmNode } from "./evm.ts";
import { deployLedger, serviceOn, TEST_ADMIN_TOKEN } from "./external-chain.ts";
import { Api, signExchange, tempDir, unsigned } from "./service.ts";
import { logIdOf } from "../../src/config.ts";
import { testWallet } from "./seeded.ts";

export const V0_DIR = join(import.meta.dirname, "..", "fixtures", "receipts-v0");

export interface Pins {
  readonly chainId: number;
  readonly contract: string;
  readonly logId: string;
}

export interface V0Chain {
  readonly node: EvmNode;
  readonly pins: Pins;
  readonly receipts: any[];
  readonly bundle: any;
}

/** A fresh Anvil with the fixture chain replayed, transaction by transaction. */
export async function v0Chain(): Promise<V0Chain> {
  const chain = JSON.parse(readFileSync(join(V0_DIR, "chain.json"), "utf8")) as { pins: Pins; rawTxs: string[] };
  const node = await startAnvilNode([], { label: "v0 fixture replay" });
  for (const raw of chain.rawTxs) await rpc(node.rpcUrl, "eth_sendRawTransaction", [raw]);
  return {
    node,
    pins: chain.pins,
    receipts: JSON.parse(readFileSync(join(V0_DIR, "receipts.json"), "utf8")),
    bundle: JSON.parse(readFileSync(join(V0_DIR, "bundle.json"), "utf8")),
  };
}

export interface LiveChain {
  readonly node: EvmNode;
  readonly pins: Pins;
  /** Receipts of seq 0..n-1 (exchanges by `tax`, two checkpoints). */
  readonly receipts: any[];
  stop(): Promise<void>;
}

/** The service of this build on a standalone Anvil: a department, `n` exchanges over two checkpoints, their receipts; the service is stopped again. */
export async function liveReceipts(n = 4): Promise<LiveChain> {
  const node = await startAnvilNode([], { label: "live receipts" });
  const contract = (await deployLedger(node.rpcUrl)).toLowerCase();
  const svc = await serviceOn(tempDir(), node.rpcUrl, contract);
  const receipts: any[] = [];
  try {
    const api = new Api(svc.url, TEST_ADMIN_TOKEN);
    const tax = new Wallet(keccak256(toUtf8Bytes("dxledger live receipts tax")));
    const reg = await api.post("/v1/departments", { id: "tax", name: "Tax", signer: tax.address });
    if (reg.status !== 201) throw new Error(JSON.stringify(reg.body));
    await api.post("/v1/departments", { id: "health", name: "Health", signer: testWallet().address });
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    for (let i = 0; i < n; i++) {
      const r = await api.post("/v1/exchanges", await signExchange(tax, domain, unsigned("tax", "health")));
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      if (i === Math.floor(n / 2) - 1) await api.post("/v1/anchor");
    }
    await api.post("/v1/anchor");
    for (let seq = 0; seq < n; seq++) receipts.push((await api.get(`/v1/entries/${seq}/receipt`)).body);
  } finally {
    await svc.stop();
  }
  return { node, pins: { chainId: 31337, contract, logId: logIdOf("default") }, receipts, stop: () => node.stop() };
}

/** A copy of `receipt` with one exchange field changed (what a forger would try). */
export function tampered(receipt: any): any {
  const t = structuredClone(receipt);
  if (t.entry.record) t.entry.record.recordCount += 1;
  else t.entry.ack.acknowledgedAt = "2020-01-01T00:00:00.000Z";
  return t;
}
