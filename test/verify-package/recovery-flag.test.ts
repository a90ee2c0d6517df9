/**
 * Issue 10: a receipt signed with a key the registry installed by recovery
 * (not by the department's own authorization) verifies as valid, with a flag
 * the auditor sees — in the verdict, in a provenance bundle and in the CLI.
 * Receipts signed with the department's own keys carry no flag.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { ChainView, verifyBundleWith, verifyWith, type Verdict } from "@dxledger/verify";
import { rpc, startAnvilNode, type EvmNode } from "../helpers/evm.ts";
import { deployLedger, serviceOn, TEST_ADMIN_TOKEN, TEST_DELAYS } from "../helpers/external-chain.ts";
import { selfRotate } from "../helpers/keys.ts";
import { ifSet, Api, signExchange, tempDir, unsigned } from "../helpers/service.ts";
import { logIdOf } from "../../src/config.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const key = (label: string) => new Wallet(keccak256(toUtf8Bytes(`dxledger recovery flag ${label}`)));

describe("@dxledger/verify: a key installed by recovery is flagged", function () {
  this.timeout(120_000);
  let node: EvmNode;
  let dir: string;
  let contract: string;
  const receipts: any[] = [];
  let bundle: any;
  const seqs = { own: -1, rotated: -1, recovered: -1 };

  before(async () => {
    dir = tempDir();
    node = await startAnvilNode([], { label: "recovery flag" });
    contract = (await deployLedger(node.rpcUrl)).toLowerCase();
    const svc = await serviceOn(dir, node.rpcUrl, contract);
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const [first, second, recovered] = [key("first"), key("second"), key("recovered")];
      for (const [id, w] of [
        ["tax", first],
        ["health", key("health")],
      ] as const) {
        const r = await api.post("/v1/departments", { id, name: id, signer: w.address });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
      }
      const domain = (await api.get("/v1/info")).body.eip712.domain;
      const record = async (w: Wallet) => {
        const r = await api.post("/v1/exchanges", await signExchange(w, domain, unsigned("tax", "health", { dataset: "tax/returns" })));
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        await api.post("/v1/anchor");
        return r.body.seq as number;
      };
      seqs.own = await record(first);
      expect((await selfRotate(api, node.rpcUrl, "tax", first, second.address)).status).to.equal(200);
      seqs.rotated = await record(second);
      // The department lost its key: the registrar proposes, the delay passes in public, anyone executes.
      const proposed = await api.req("PUT", "/v1/departments/tax/signer", { signer: recovered.address });
      expect(proposed.status, JSON.stringify(proposed.body)).to.equal(202);
      // Time passes with no block mined (an idle chain): the next block's time decides, not the last one's.
      await rpc(node.rpcUrl, "evm_increaseTime", [TEST_DELAYS.recoveryDelay + 1]);
      const executed = await api.req("PUT", "/v1/departments/tax/signer", { signer: recovered.address });
      expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
      seqs.recovered = await record(recovered);
      for (const s of [seqs.own, seqs.rotated, seqs.recovered]) receipts.push((await api.get(`/v1/entries/${s}/receipt`)).body);
      bundle = await (
        await fetch(`${svc.url}/v1/datasets/tax/returns/provenance?format=bundle`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
      ).json();
    } finally {
      await svc.stop();
    }
  });
  after(async () => {
    await ifSet(node)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const pins = () => ({ chainId: 31337, contract, logId: logIdOf("default") });

  it("valid in every case; only the receipt signed with the recovered key is flagged, and its message says so", async () => {
    const view = new ChainView({ rpcUrl: node.rpcUrl });
    try {
      const out: Verdict[] = [];
      for (const r of receipts) out.push(await verifyWith(view, r, { pins: pins() }));
      out.forEach((v, i) => expect(v.valid, `${i}: ${JSON.stringify(v.checks)}`).to.equal(true));
      expect(out.map((v) => v.flags)).to.deep.equal([[], [], ["SIGNED_WITH_RECOVERED_KEY"]]);
      expect(out[2]!.checks.find((c) => c.step === "signature")!.message).to.match(
        /installed by the registry's recovery in block \d+, not by the department itself/,
      );
      const b = await verifyBundleWith(view, bundle, { pins: pins() });
      expect(b).to.include({ valid: true, receipts: 3, verified: 3 });
      expect(b.flagged).to.deep.equal([{ seq: seqs.recovered, flags: ["SIGNED_WITH_RECOVERED_KEY"] }]);
    } finally {
      view.close();
    }
  });

  it("the CLI prints the flag and still exits 0", () => {
    const file = join(dir, "recovered.json");
    writeFileSync(file, JSON.stringify(receipts[2]));
    const p = pins();
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "bin/dxledger.mjs"), "verify", file, "--rpc", node.rpcUrl, "--chain-id", "31337", "--contract", p.contract, "--log-id", p.logId],
      { encoding: "utf8" },
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain("FLAG SIGNED_WITH_RECOVERED_KEY");
    expect(r.stdout).to.contain("receipt is VALID");
  });
});
