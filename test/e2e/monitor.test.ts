import { expect } from "chai";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { Monitor, type MonitorService } from "../../src/services/audit/monitor.ts";
import { httpService } from "../../src/cli/monitor-http.ts";
import { rpc } from "../helpers/evm.ts";
import { cancellationAuthorization } from "../helpers/keys.ts";
import type { RunningService } from "../../src/server.ts";
import { testWallet } from "../helpers/seeded.ts";

const ROOT = join(import.meta.dirname, "..", "..");

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/dxledger.mjs"), ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("dxledger monitor", () => {
  let dir: string;
  let svc: RunningService;
  let client: LedgerClient;
  let logId: string;
  let api: Api;
  const health = dept("health");

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    api = new Api(svc.url, svc.adminToken);
    const a = dept("tax");
    await api.post("/v1/departments", { id: "tax", name: "t", signer: a.wallet.address });
    await api.post("/v1/departments", { id: "health", name: "h", signer: health.wallet.address });
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    logId = (await api.get("/v1/info")).body.logId;
    for (const n of [3, 4, 9]) {
      await api.post("/v1/exchanges/batch", {
        records: await Promise.all(Array.from({ length: n }, () => signExchange(a.wallet, domain, unsigned("tax", "health")))),
      });
      await api.post("/v1/anchor");
    }
    client = await LedgerClient.connect({ rpcUrl: svc.rpcUrl, address: svc.contract });
  });
  after(async () => {
    await client.close();
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds every checkpoint backed by the service (CLI, --once)", async () => {
    const r = await run(["monitor", "--service", svc.url, "--rpc", svc.rpcUrl, "--once", "--contract", svc.contract, "--log-id", logId]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/^ok /gm)).to.have.length(3);
  });

  it("alarms on a checkpoint the service does not know, and on a proof that does not verify", async () => {
    const honest = httpService(svc.url);
    const lying: MonitorService = {
      checkpoint: async (i) => (i === 1 ? undefined : honest.checkpoint(i)),
      consistency: async (from, to) => {
        const p = await honest.consistency(from, to);
        return to === 16 ? [...p].reverse() : p;
      },
    };
    const events = await new Monitor(client, lying, logId).poll();
    expect(events.map((e) => [e.kind, e.index])).to.deep.equal([
      ["ok", 0],
      ["alarm", 1],
      ["alarm", 2],
    ]);
    expect(events[1]).to.deep.include({ reason: "checkpoint on chain that the service does not know" });
    expect(events[2]).to.deep.include({ reason: "the service's consistency proof does not verify" });
    // A fresh monitor resumes from a given index and checks only what follows.
    expect((await new Monitor(client, honest, logId, 2).poll()).map((e) => [e.kind, e.index])).to.deep.equal([["ok", 2]]);
  });

  it("alarms on a key recovery proposed and executed, notes a cancellation; --once exits 1 while one is pending or was executed since --since-block", async () => {
    const once = (extra: string[] = []) =>
      run(["monitor", "--service", svc.url, "--rpc", svc.rpcUrl, "--once", "--contract", svc.contract, "--log-id", logId, ...extra]);
    const chosen = testWallet().address.toLowerCase();
    const proposed = await api.req("PUT", "/v1/departments/health/signer", { signer: chosen });
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(202);
    let r = await once();
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(
      `ALARM key recovery proposed: department health, new signer ${chosen}, executable at ${proposed.body.executableAt}, proposed by `,
    );
    expect(r.stdout).to.include(`PENDING key recovery of health to ${chosen}`);

    const authorization = await cancellationAuthorization(api, svc.rpcUrl, "health", health.wallet);
    expect((await api.req("DELETE", "/v1/departments/health/recovery", { authorization })).status).to.equal(200);
    r = await once(["--json"]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.department === "health");
    // Cancelled already: the proposal is history, not an alarm.
    expect(events.map((e) => [e.kind, e.reason, e.resolved])).to.deep.equal([
      ["notice", "recovery proposed", "cancelled"],
      ["notice", "recovery cancelled", undefined],
    ]);
    r = await once();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.not.include("ALARM");
    expect(r.stdout).to.include("note  key recovery proposed (since cancelled): department health");

    expect((await api.req("PUT", "/v1/departments/health/signer", { signer: chosen })).status).to.equal(202);
    await rpc(svc.rpcUrl, "evm_increaseTime", [60]);
    await rpc(svc.rpcUrl, "evm_mine");
    const executed = await api.req("PUT", "/v1/departments/health/signer", { signer: chosen });
    expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
    r = await once();
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(
      new RegExp(`^ALARM key recovery executed: department health, signer ${health.wallet.address.toLowerCase()} replaced by ${chosen}`, "m"),
    );
    // Without --rpc the monitor would read the chain through the watched service's own RPC: it says so.
    const unpinned = await run(["monitor", "--service", svc.url, "--once", "--contract", svc.contract, "--log-id", logId]);
    expect(unpinned.stderr).to.include("NOT PINNED — reading the chain through the service's own RPC");
    const head = Number(await rpc<string>(svc.rpcUrl, "eth_blockNumber"));
    r = await once(["--since-block", String(head + 1)]);
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.not.include("key recovery");
  });
});
