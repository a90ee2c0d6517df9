/**
 * Issue 12: many gateways on one contract, the chain as the federation
 * directory, and a monitor that follows every log. One Anvil, one ledger,
 * three gateways in this process (own LOG_NAME, DATA_DIR, anchoring account,
 * PUBLIC_URL), each found by the others through the chain alone.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { ifSet, Api, dept, freePort, signExchange, tempDir, unsigned, until } from "../helpers/service.ts";
import { anvilNode, serviceOn, TEST_ADMIN_TOKEN, type Node } from "../helpers/external-chain.ts";
import { DEV_KEYS, runCli } from "../helpers/evm.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { logIdOf } from "../../src/config.ts";
import type { RunningService } from "../../src/server.ts";

const NAMES = ["gw-a", "gw-b", "gw-c"] as const;
const addressOf = (k: string) => new Wallet(k).address.toLowerCase();

describe("e2e: a federation of gateways on one ledger", function () {
  this.timeout(90_000);
  let node: Node;
  let ledger: string;
  const dirs: string[] = [];
  const svcs: RunningService[] = [];
  const apis: Api[] = [];
  const urls: string[] = [];
  const tax = dept("tax");
  const police = dept("police");
  const cliEnv = () => ({ DEPLOYER_PRIVATE_KEY: DEV_KEYS[0], RPC_URL: node.rpcUrl, LEDGER_ADDRESS: ledger });

  before(async () => {
    node = await anvilNode();
    for (let i = 0; i < 3; i++) urls.push(`http://127.0.0.1:${await freePort()}`);
    // gw-a's log is bound at deployment to dev account 0 (the admin), with its URL and operator; gw-b and gw-c get their own anchoring accounts.
    const dep = await runCli(["deploy", "--rpc", node.rpcUrl, "--log-name", "gw-a", "--url", urls[0]!, "--operator", "city-it", "--json"], {
      DEPLOYER_PRIVATE_KEY: DEV_KEYS[0],
    });
    expect(dep.status, dep.stderr).to.equal(0);
    const deployed = JSON.parse(dep.stdout);
    ledger = deployed.address;
    expect(deployed.logInfo).to.include({ url: urls[0], operator: "city-it" });
    expect(deployed.env.PUBLIC_URL).to.equal(urls[0]);
    // gw-b through the deployment command, with its URL and operator in the same run.
    const bind = await runCli(
      ["chain", "bind-log", "--log-name", "gw-b", "--anchorer", addressOf(DEV_KEYS[1]), "--url", urls[1]!, "--operator", "county-b", "--json"],
      cliEnv(),
    );
    expect(bind.status, bind.stderr).to.equal(0);
    expect(JSON.parse(bind.stdout)).to.include({ changed: true, logInfoChanged: true });
    const p = new JsonRpcProvider(node.rpcUrl);
    try {
      const dev = new Wallet(DEV_KEYS[0], p);
      const c = new Contract(ledger, ledgerArtifact().abi as never[], dev);
      let nonce = await p.getTransactionCount(dev.address, "latest");
      await (await c.getFunction("bindLog")(logIdOf("gw-c"), addressOf(DEV_KEYS[2]), { nonce: nonce++ })).wait();
      const registrar = await c.getFunction("REGISTRAR_ROLE")();
      for (const k of DEV_KEYS.slice(1)) await (await c.getFunction("grantRole")(registrar, addressOf(k), { nonce: nonce++ })).wait();
    } finally {
      p.destroy();
    }
    // gw-c has no URL on chain yet: it publishes its PUBLIC_URL at start with its own anchoring key.
    for (let i = 0; i < 3; i++) {
      dirs.push(tempDir());
      const port = new URL(urls[i]!).port;
      svcs.push(
        await serviceOn(dirs[i]!, node.rpcUrl, ledger, {
          LOG_NAME: NAMES[i]!,
          PORT: port,
          PUBLIC_URL: urls[i]!,
          ANCHOR_PRIVATE_KEY: DEV_KEYS[i]!,
          RPC_TIMEOUT_MS: "2000",
        }),
      );
      apis.push(new Api(svcs[i]!.url, TEST_ADMIN_TOKEN));
    }
  });

  after(async () => {
    for (const s of svcs) await s.stop().catch(() => undefined);
    await ifSet(node)?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("lists every log of the ledger at any gateway: name, URL, operator, anchorer, checkpoint, health", async () => {
    const fed = await until("every gateway's URL on chain", async () => {
      const r = await apis[1]!.get("/v1/federation", { token: null });
      return r.status === 200 && r.body.logs.every((l: any) => l.url && l.health.ready) ? r.body : undefined;
    });
    expect(fed.logCount).to.equal(3);
    expect(fed.contract).to.equal(ledger);
    expect(fed.logs.map((l: any) => [l.name, l.url, l.operator, l.anchorer, l.self])).to.deep.equal([
      ["gw-a", urls[0], "city-it", addressOf(DEV_KEYS[0]), false],
      ["gw-b", urls[1], "county-b", addressOf(DEV_KEYS[1]), true],
      ["gw-c", urls[2], "", addressOf(DEV_KEYS[2]), false],
    ]);
    for (const l of fed.logs) {
      expect(l.logId).to.equal(logIdOf(l.name));
      expect(l.health).to.deep.include({ reachable: true, ready: true, logId: l.logId, error: null });
      expect(l.health.anchoring.pending).to.equal(0);
      expect(l.stale).to.equal(false);
    }
    const bad = await apis[0]!.get("/v1/federation?staleAfterS=0", { token: null });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].parameter).to.equal("staleAfterS");
  });

  it("chain status shows the log's entry and the number of logs; set-log-info is idempotent", async () => {
    const st = await runCli(["chain", "status", "--log-name", "gw-b", "--json"], cliEnv());
    const out = JSON.parse(st.stdout);
    expect(out.logCount).to.equal(3);
    expect(out.logInfo).to.deep.equal({ name: "gw-b", url: urls[1], operator: "county-b" });
    const again = await runCli(["chain", "set-log-info", "--log-name", "gw-b", "--url", urls[1]!, "--operator", "county-b"], cliEnv());
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/already so, no transaction sent/);
  });

  it("a department registered at one gateway records at another, names a consumer registered at a third, and gets a token there", async () => {
    expect((await apis[0]!.post("/v1/departments", { id: "tax", name: "Tax Bureau", signer: tax.wallet.address })).status).to.equal(201);
    expect((await apis[2]!.post("/v1/departments", { id: "police", name: "Police", signer: police.wallet.address })).status).to.equal(201);
    // At gw-b, which registered neither: a token for tax (the chain knows it), none for an id the chain does not know.
    expect((await apis[1]!.post("/v1/tokens", { role: "department:nobody" })).body.error.code).to.equal("UNKNOWN_DEPARTMENT");
    const tok = await apis[1]!.post("/v1/tokens", { role: "department:tax", label: "tax at gw-b" });
    expect(tok.status, JSON.stringify(tok.body)).to.equal(201);
    const asTax = new Api(svcs[1]!.url, tok.body.token);
    const domain = (await asTax.get("/v1/info")).body.eip712.domain;
    const rec = await asTax.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", "police")));
    expect(rec.status, JSON.stringify(rec.body)).to.equal(201);
    // Every gateway records something, then anchors it.
    for (const [i, who, to] of [
      [0, tax, "police"],
      [2, police, "tax"],
    ] as const) {
      const d = (await apis[i]!.get("/v1/info")).body.eip712.domain;
      expect((await apis[i]!.post("/v1/exchanges", await signExchange(who.wallet, d, unsigned(who === tax ? "tax" : "police", to)))).status).to.equal(201);
    }
    for (const a of apis) expect((await a.post("/v1/anchor")).status).to.equal(200);
  });

  it("monitor --all-logs is quiet when every gateway backs its checkpoints and anchors", async () => {
    const r = await runCli(["monitor", "--all-logs", "--rpc", node.rpcUrl, "--contract", ledger, "--once", "--stale-after", "1"], {});
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    for (const n of NAMES) expect(r.stdout).to.match(new RegExp(`^ok +log "${n}" \\(${urls[NAMES.indexOf(n)]}\\) checkpoint 0:`, "m"));
    expect(r.stdout).not.to.match(/ALARM/);
  });

  it("a gateway that stopped anchoring: stale in the directory, ALARM from the monitor", async () => {
    const d = (await apis[2]!.get("/v1/info")).body.eip712.domain;
    expect((await apis[2]!.post("/v1/exchanges", await signExchange(police.wallet, d, unsigned("police", "tax")))).status).to.equal(201);
    await until("an entry pending at gw-c for over 1.5 s", async () =>
      (await apis[2]!.get("/v1/info")).body.anchoring.oldestPendingAgeMs > 1500 ? true : undefined,
    );
    const fed = await until("gw-c stale", async () => {
      const b = (await apis[0]!.get("/v1/federation?staleAfterS=1", { token: null })).body;
      return b.logs[2].stale ? b : undefined;
    });
    expect(fed.logs.map((l: any) => l.stale)).to.deep.equal([false, false, true]);
    expect(fed.logs[2].staleReason).to.match(/^stopped anchoring: 1 entry pending/);
    const r = await runCli(["monitor", "--all-logs", "--rpc", node.rpcUrl, "--contract", ledger, "--once", "--stale-after", "1"], {});
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^ALARM log "gw-c" \(.*\): stopped anchoring/m);
    expect(r.stdout.match(/^ALARM/gm)).to.have.length(1);
  });

  it("a gateway stopped: reported unreachable at once (not waited for), ALARM from the monitor", async () => {
    await svcs[2]!.stop();
    const t0 = Date.now();
    const fed = await until("gw-c unreachable", async () => {
      const b = (await apis[0]!.get("/v1/federation", { token: null })).body;
      return b.logs[2].health.reachable === false ? b : undefined;
    });
    expect(Date.now() - t0).to.be.below(8000);
    expect(fed.logs[2]).to.deep.include({ name: "gw-c", stale: true });
    expect(fed.logs[2].health.error).to.be.a("string");
    expect(fed.logs[2].latestCheckpoint.index).to.be.at.least(0);
    expect(fed.logs[0].health.reachable).to.equal(true);
    const r = await runCli(["monitor", "--all-logs", "--rpc", node.rpcUrl, "--contract", ledger, "--once"], {});
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^ALARM log "gw-c" \(.*\): its gateway is unreachable/m);
    expect(r.stdout).to.match(/^ok +log "gw-a"/m);
  });
});
