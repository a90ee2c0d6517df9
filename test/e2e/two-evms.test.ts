/**
 * The whole path an operator and an auditor walk, on two independent EVM
 * implementations (Anvil, and Hardhat's own node): deploy with the CLI, start
 * the service on the external chain, register, record, anchor, fetch
 * receipts, verify them with the CLI, stop the service, audit the data dir.
 */
import { expect } from "chai";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { DEV_KEYS, runCli, startNode, type EvmNode } from "../helpers/evm.ts";
import { TEST_ADMIN_TOKEN } from "../helpers/external-chain.ts";

for (const kind of ["anvil", "hardhat"] as const) {
  describe(`e2e: the whole path on ${kind === "anvil" ? "Anvil" : "Hardhat's node"}`, function () {
    this.timeout(180_000);
    let node: EvmNode | undefined;
    const dir = tempDir();
    after(async () => {
      await node?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("deploy → serve → register → record → anchor → receipt → verify → audit", async () => {
      node = await startNode(kind);
      const anchorer = new Wallet(DEV_KEYS[1]);
      const deployed = await runCli(["deploy", "--rpc", node.rpcUrl, "--anchorer", anchorer.address, "--log-name", "city-a", "--json"], {
        DEPLOYER_PRIVATE_KEY: DEV_KEYS[0],
      });
      expect(deployed.status, deployed.stderr).to.equal(0);
      const d = JSON.parse(deployed.stdout);
      const env = { RPC_URL: node.rpcUrl, LEDGER_ADDRESS: d.address, LOG_NAME: "city-a", ANCHOR_PRIVATE_KEY: DEV_KEYS[1], ADMIN_TOKEN: TEST_ADMIN_TOKEN };
      const status = await runCli(["chain", "status"], env);
      expect(status.status, status.stdout + status.stderr).to.equal(0);

      const svc = await start(join(dir, "data"), { ...env, RPC_TIMEOUT_MS: "5000" });
      const receipts: unknown[] = [];
      try {
        const api = new Api(svc.url, TEST_ADMIN_TOKEN);
        const a = dept("tax");
        const b = dept("welfare");
        for (const x of [a, b]) expect((await api.post("/v1/departments", { id: x.id, name: x.id, signer: x.wallet.address })).status).to.equal(201);
        const domain = (await api.get("/v1/info")).body.eip712.domain;
        for (let round = 0; round < 2; round++) {
          const records = await Promise.all(Array.from({ length: 5 }, () => signExchange(a.wallet, domain, unsigned("tax", "welfare"))));
          expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
          const cp = await api.post("/v1/anchor");
          expect(cp.status, JSON.stringify(cp.body)).to.equal(200);
          expect(cp.body).to.include({ index: round, treeSize: 5 * (round + 1) });
        }
        for (const seq of [0, 4, 5, 9]) {
          const r = await api.get(`/v1/entries/${seq}/receipt`);
          expect(r.status).to.equal(200);
          receipts.push(r.body);
        }
      } finally {
        await svc.stop();
      }
      for (const [i, r] of receipts.entries()) {
        const file = join(dir, `receipt-${i}.json`);
        writeFileSync(file, JSON.stringify(r));
        const v = await runCli(["verify", file, "--rpc", node.rpcUrl, "--contract", d.address], {});
        expect(v.status, v.stdout + v.stderr).to.equal(0);
        expect(v.stdout).to.match(/VALID/);
      }
      // No LOG_NAME, no LEDGER_ADDRESS: the data dir remembers its contract, chain and log.
      const audit = await runCli(["audit", "--data-dir", join(dir, "data"), "--rpc", node.rpcUrl], {}, 120_000);
      expect(audit.status, audit.stdout + audit.stderr).to.equal(0);
      expect(audit.stderr).to.match(/log id 0x[0-9a-f]{64} \(from the data dir\)/);
      const wrongLog = await runCli(["audit", "--data-dir", join(dir, "data"), "--rpc", node.rpcUrl], { LOG_NAME: "city-b" }, 120_000);
      expect(wrongLog.status).to.equal(2);
      expect(wrongLog.stderr).to.match(/wrong log: this data dir holds log "city-a"/);
      expect(audit.stdout).to.match(/CLEAN/);
    });
  });
}
