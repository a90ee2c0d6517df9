/**
 * A city: one Anvil, one ledger, three gateways — each `dxledger serve` in
 * its own process with its own log, data dir and anchoring account — and the
 * hub, a process too, finding the gateways in the chain's directory.
 * Departments homed at different gateways exchange data; the hub's figures
 * are the sum of the gateways' own, each tied to a checkpoint the chain
 * holds; a gateway that hangs or stops makes the answer partial, never
 * silently smaller; every receipt verifies with @dxledger/verify.
 */
import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import { verifyReceipt } from "@dxledger/verify";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { DxLedgerClient } from "../../src/client/client.ts";
import { ifSet, Api, dept, unsigned, until, type Dept } from "../helpers/service.ts";
import { anvilNode, TEST_ADMIN_TOKEN, type Node } from "../helpers/external-chain.ts";
import { deployCity, spawnGateway, spawnHub, type CityLog, type Proc } from "../helpers/gateways.ts";
import { createServer } from "node:http";
import { createLogger } from "../../src/logger.ts";
import { loadHubConfig } from "../../src/hub/config.ts";
import { startHub } from "../../src/hub/server.ts";

const REGULATOR = "hub-regulator-token-0123456789";
const AUDITOR = "hub-auditor-token-0123456789ab";
const NOV = { from: "2026-11-01", to: "2026-11-30" };
const KEYS = ["a", "b", "c"] as const;
type K = (typeof KEYS)[number];

interface Gw {
  readonly log: CityLog;
  readonly proc: Proc & { adminToken: string };
  readonly admin: Api;
}

describe("e2e: a city of three gateway processes and a hub on one chain", function () {
  this.timeout(90_000);
  let node: Node;
  let ledger: string;
  let chain: JsonRpcProvider;
  let contract: Contract;
  const gw = {} as Record<K, Gw>;
  let hub: Proc;
  let regulator: Api;
  let auditor: Api;
  const deps: Record<string, Dept & { home: K; token: string }> = {};
  const recorded: Array<{ at: K; provider: string; id: string }> = [];

  before(async function () {
    this.timeout(120_000);
    node = await anvilNode();
    const city = await deployCity(node.rpcUrl, ["city-a", "city-b", "city-c"]);
    ledger = city.ledger;
    chain = new JsonRpcProvider(node.rpcUrl);
    contract = new Contract(ledger, ledgerArtifact().abi as never[], chain);
    const procs = await Promise.all(city.logs.map((l) => spawnGateway(node.rpcUrl, ledger, l)));
    KEYS.forEach((k, i) => (gw[k] = { log: city.logs[i]!, proc: procs[i]!, admin: new Api(procs[i]!.url, TEST_ADMIN_TOKEN) }));

    // Each department is registered (on chain) through its home gateway, which gives it a token.
    for (const [id, home] of [
      ["tax", "a"],
      ["health", "b"],
      ["police", "c"],
    ] as const) {
      const d = dept(id);
      const reg = await gw[home].admin.post("/v1/departments", { id, name: id, signer: d.wallet.address });
      expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
      const tok = await gw[home].admin.post("/v1/tokens", { role: `department:${id}`, label: id });
      expect(tok.status, JSON.stringify(tok.body)).to.equal(201);
      deps[id] = { ...d, home, token: tok.body.token };
    }
    // Each gateway's admin issues the hub an auditor token.
    const hubTokens: string[] = [];
    for (const k of KEYS) {
      const t = await gw[k].admin.post("/v1/tokens", { role: "auditor", label: "the city hub" });
      expect(t.status).to.equal(201);
      hubTokens.push(`${gw[k].log.url}=${t.body.token}`);
    }

    // Exchanges across homes: a record at the provider's home gateway names a consumer homed elsewhere.
    const send = async (provider: string, consumer: string, patch: Record<string, unknown> = {}) => {
      const d = deps[provider]!;
      const client = new DxLedgerClient({ baseUrl: gw[d.home].proc.url, token: d.token, signer: d.wallet });
      const r = await client.record(unsigned(provider, consumer, patch));
      recorded.push({ at: d.home, provider, id: r.id });
    };
    for (let i = 0; i < 3; i++) await send("tax", "health", { dataset: "tax/income-2025", recordCount: 100 + i });
    await send("tax", "police", { dataset: "tax/income-2025", recordCount: 7 });
    for (let i = 0; i < 2; i++) await send("health", "police", { dataset: "health/claims", recordCount: 20 + i });
    await send("police", "health", { dataset: "police/risk", derivedFrom: ["tax/income-2025"], recordCount: 5 });
    await send("police", "tax", { dataset: "police/risk", derivedFrom: ["tax/income-2025"], recordCount: 6 });
    for (const k of KEYS) expect((await gw[k].admin.post("/v1/anchor")).status).to.equal(200);
    // One more at gateway A after its checkpoint: pending, so in no anchored figure.
    await send("tax", "health", { dataset: "tax/income-2025", recordCount: 1000 });

    hub = await spawnHub({
      HUB_RPC_URL: node.rpcUrl,
      LEDGER_ADDRESS: ledger,
      HUB_TOKENS: `regulator=${REGULATOR},auditor=${AUDITOR}`,
      HUB_GATEWAY_TOKENS: hubTokens.join(","),
      HUB_TIMEOUT_MS: "2000",
    });
    regulator = new Api(hub.url, REGULATOR);
    auditor = new Api(hub.url, AUDITOR);
  });

  after(async () => {
    await ifSet(hub)?.stop();
    for (const g of Object.values(gw)) await g.proc.stop();
    ifSet(chain)?.destroy();
    await ifSet(node)?.stop();
  });

  it("finds the three gateways in the chain's directory, each backing the chain's latest checkpoint", async () => {
    const f = await regulator.get("/v1/federation");
    expect(f.status).to.equal(200);
    expect(f.body.directory).to.equal("chain directory");
    expect(f.body.contract).to.equal(ledger.toLowerCase());
    expect(f.body.logs.map((l: { name: string; url: string }) => [l.name, l.url])).to.deep.equal(KEYS.map((k) => [gw[k].log.name, gw[k].log.url]));
    for (const l of f.body.logs) expect(l.gateway, l.name).to.include({ status: "ok", backsChainLatest: true });
    expect(f.body.healthy).to.equal(true);
  });

  it("sums the gateways' statistics, each part as of a checkpoint the chain holds, and says so", async () => {
    const u = await regulator.get(`/v1/stats/usage?from=${NOV.from}&to=${NOV.to}&groupBy=consumer`);
    expect(u.status, JSON.stringify(u.body)).to.equal(200);
    expect(u.body.complete).to.equal(true);
    expect(u.body.missing).to.deep.equal([]);
    expect(u.body.sumRule).to.match(/sums of parts/);
    expect(u.body.parts).to.have.length(3);
    let exchanges = 0;
    let records = 0;
    for (const p of u.body.parts) {
      const k = KEYS.find((x) => gw[x].log.url === p.log.url)!;
      expect(p.log).to.deep.include({ name: gw[k].log.name, logId: gw[k].log.logId });
      // The part's checkpoint is the chain's …
      const onChain = await contract.getFunction("checkpointAt")(gw[k].log.logId, p.checkpoint.index);
      expect([Number(onChain[0]), String(onChain[1])]).to.deep.equal([p.checkpoint.treeSize, p.checkpoint.rootHash]);
      // … and the gateway, asked directly with the part's request, gives the part's answer.
      const direct = await new Api("", TEST_ADMIN_TOKEN).get(p.request);
      expect(direct.body).to.deep.equal(p.answer);
      exchanges += direct.body.total.exchanges;
      records += direct.body.total.records;
    }
    expect(u.body.total).to.deep.equal({ exchanges, records });
    // Eight anchored exchanges; the one recorded after gateway A's checkpoint is not in them.
    expect(u.body.total).to.deep.equal({ exchanges: 8, records: 100 + 101 + 102 + 7 + 20 + 21 + 5 + 6 });
    expect(u.body.groups).to.deep.equal([
      { key: "health", exchanges: 4, records: 100 + 101 + 102 + 5 },
      { key: "police", exchanges: 3, records: 7 + 20 + 21 },
      { key: "tax", exchanges: 1, records: 6 },
    ]);

    const top = await regulator.get(`/v1/stats/top?by=dataset&from=${NOV.from}&to=${NOV.to}&limit=2`);
    expect(top.body.groups).to.deep.equal([
      { key: "tax/income-2025", exchanges: 4, records: 310 },
      { key: "health/claims", exchanges: 2, records: 41 },
    ]);
    const flows = await regulator.get(`/v1/stats/flows?from=${NOV.from}&to=${NOV.to}&format=csv`);
    expect(flows.headers.get("federation-complete")).to.equal("true");
    expect(flows.body.split("\r\n").slice(0, 3)).to.deep.equal(["provider,consumer,exchanges,records", "tax,health,3,303", "health,police,2,41"]);
    // What the CSV is as of: one Dxledger-Checkpoint per part summed (fetch joins repeated headers with ", "), nothing pending.
    const asOf = (u.body.parts as Array<{ log: { logId: string }; checkpoint: { index: number; treeSize: number; rootHash: string } }>).map(
      (p) => `${p.log.logId},${p.checkpoint.index},${p.checkpoint.treeSize},${p.checkpoint.rootHash}`,
    );
    expect(flows.headers.get("dxledger-checkpoint")?.split(", ")).to.deep.equal(asOf);
    expect(flows.headers.get("dxledger-pending")).to.equal("0");
    expect(flows.headers.get("content-disposition")).to.equal(`attachment; filename="dxledger-federation-flows-${NOV.from}-${NOV.to}-3logs.csv"`);
  });

  it("keeps record-level reads from regulators and strangers", async () => {
    expect((await regulator.get("/v1/datasets/tax%2Fincome-2025/provenance")).status).to.equal(403);
    expect((await regulator.get(`/v1/departments/health/exchanges?from=${NOV.from}&to=${NOV.to}`)).status).to.equal(403);
    const none = await new Api(hub.url).get(`/v1/stats/usage?from=${NOV.from}&to=${NOV.to}`);
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal("UNAUTHENTICATED");
  });

  it("lists the exchanges naming a consumer at every gateway", async () => {
    const r = await auditor.get(`/v1/departments/health/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.complete).to.equal(true);
    expect(r.body.exchanges.map((e: { log: string; provider: string }) => `${e.log}:${e.provider}`).sort()).to.deep.equal([
      "city-a:tax",
      "city-a:tax",
      "city-a:tax",
      "city-c:police",
    ]);
    expect(r.body.total.exchanges).to.equal(4);
  });

  it("a department reads through the hub with its own gateway tokens only; a gateway it has none for is missing", async () => {
    const get = async (path: string, tokens: string) => {
      const res = await fetch(`${hub.url}${path}`, { headers: { "x-gateway-tokens": tokens } });
      return { status: res.status, body: await res.json() };
    };
    expect((await new Api(hub.url).get(`/v1/departments/health/exchanges?from=${NOV.from}&to=${NOV.to}`)).status).to.equal(401);
    const r = await get(`/v1/departments/health/exchanges?role=provider&from=${NOV.from}&to=${NOV.to}`, `city-b=${deps.health!.token}`);
    expect(r.status).to.equal(200);
    expect(r.body.exchanges, JSON.stringify(r.body)).to.have.length(2);
    expect(r.body.complete).to.equal(false);
    expect(r.body.missing.map((m: any) => [m.log.name, m.code])).to.deep.equal([
      ["city-a", "NO_TOKEN"],
      ["city-c", "NO_TOKEN"],
    ]);
    // With a token of its own at every gateway (any gateway's admin may issue one: the department is on chain),
    // health sees every exchange naming it, each part read with its own token.
    const own: string[] = [];
    for (const k of KEYS) {
      const t =
        k === "b"
          ? { body: { token: deps.health!.token } }
          : await gw[k].admin.post("/v1/tokens", { role: "department:health", label: "health, away from home" });
      own.push(`${gw[k].log.name}=${t.body.token}`);
    }
    const all = await get(`/v1/departments/health/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}`, own.join(","));
    expect(all.body.complete, JSON.stringify(all.body.missing)).to.equal(true);
    expect(all.body.exchanges.map((e: any) => `${e.log}:${e.provider}`).sort()).to.deep.equal(["city-a:tax", "city-a:tax", "city-a:tax", "city-c:police"]);
    const prov = await get("/v1/datasets/health%2Fclaims/provenance", own.join(","));
    expect(prov.body.exchanges.map((e: any) => e.consumer)).to.deep.equal(["police", "police"]);
    // Another department's token is not health's: refused, not widened.
    const other = await get(`/v1/departments/health/exchanges?from=${NOV.from}&to=${NOV.to}`, `city-a=${deps.tax!.token}`);
    expect(other.body.parts).to.deep.equal([]);
    expect(other.body.missing.find((m: any) => m.log.name === "city-a").code).to.equal("TOKEN_REFUSED");
  });

  it("merges a dataset's provenance and lineage across gateways", async () => {
    const p = await auditor.get("/v1/datasets/tax%2Fincome-2025/provenance");
    expect(p.status, JSON.stringify(p.body)).to.equal(200);
    expect(p.body.exchanges).to.have.length(5); // four anchored, one pending, all at city-a
    expect(p.body.origin).to.include({ provider: "tax", log: "city-a" });
    expect(p.body.lineage.downstream.map((e: { dataset: string }) => e.dataset)).to.include("police/risk");
  });

  it("every receipt from every gateway verifies with @dxledger/verify, pinned to the chain, contract and that gateway's log", async () => {
    const chainId = Number((await chain.getNetwork()).chainId);
    const anchoredOnes = recorded.slice(0, -1);
    expect(anchoredOnes).to.have.length(8);
    for (const r of anchoredOnes) {
      const g = gw[r.at];
      const receipt = await g.admin.get(`/v1/exchanges/${r.provider}/${encodeURIComponent(r.id)}/receipt`);
      expect(receipt.status, JSON.stringify(receipt.body)).to.equal(200);
      const v = await verifyReceipt(receipt.body, { rpcUrl: node.rpcUrl, pins: { chainId, contract: ledger, logId: g.log.logId } });
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    }
  });

  it("a gateway claiming checkpoints the chain does not hold is unverifiable and not summed (HUB_GATEWAYS)", async () => {
    // A false city-b: its own /v1/info is right, its checkpoints are not the chain's.
    const real = (await gw.b.admin.get("/v1/checkpoints/latest")).body;
    let claim = { ...real, rootHash: `0x${"ab".repeat(32)}` };
    const info = (await gw.b.admin.get("/v1/info")).body;
    const liar = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.url === "/v1/info" ? info : req.url === "/v1/checkpoints/latest" ? claim : { total: { exchanges: 1000, records: 1000 } }));
    });
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", () => r()));
    const liarUrl = `http://127.0.0.1:${(liar.address() as { port: number }).port}`;
    const aToken = (await gw.a.admin.post("/v1/tokens", { role: "regulator", label: "second hub" })).body.token;
    const second = await startHub(
      loadHubConfig({
        PORT: "0",
        HUB_RPC_URL: node.rpcUrl,
        LEDGER_ADDRESS: ledger,
        HUB_GATEWAYS: `${gw.a.log.url},${liarUrl}`,
        HUB_GATEWAY_TOKENS: `${gw.a.log.url}=${aToken},${liarUrl}=whatever`,
        HUB_TOKENS: `regulator=${REGULATOR}`,
      }),
      createLogger({ silent: true }),
    );
    try {
      const ask = () => new Api(second.url, REGULATOR).get(`/v1/stats/usage?from=${NOV.from}&to=${NOV.to}`);
      let u = await ask();
      expect(u.body.directory).to.equal("HUB_GATEWAYS");
      expect(u.body.complete).to.equal(false);
      expect(u.body.parts.map((p: any) => p.log.name)).to.deep.equal(["city-a"]);
      expect(u.body.unverifiable).to.have.length(1);
      expect(u.body.unverifiable[0]).to.deep.include({
        code: "CHECKPOINT_MISMATCH",
        claimed: { index: real.index, treeSize: real.treeSize, rootHash: claim.rootHash },
        onChain: { index: real.index, treeSize: real.treeSize, rootHash: real.rootHash },
      });
      expect(u.body.total).to.deep.equal(u.body.parts[0].answer.total);
      claim = { ...real, index: real.index + 5 };
      u = await ask();
      expect(u.body.unverifiable[0]).to.deep.include({ code: "CHECKPOINT_NOT_ON_CHAIN", onChain: null });
    } finally {
      await second.stop();
      liar.close();
    }
  });

  it("a gateway that hangs is missing within the timeout; one stopped is missing too; the total is the others' sum", async () => {
    const q = `/v1/stats/usage?from=${NOV.from}&to=${NOV.to}`;
    gw.b.proc.pause();
    try {
      const t0 = Date.now();
      const u = await regulator.get(q);
      expect(Date.now() - t0).to.be.below(6_000);
      expect(u.status).to.equal(200);
      expect(u.body.complete).to.equal(false);
      expect(u.body.missing.map((m: { log: { name: string }; code: string }) => [m.log.name, m.code])).to.deep.equal([["city-b", "TIMEOUT"]]);
      expect(u.body.total).to.deep.equal({ exchanges: 6, records: 100 + 101 + 102 + 7 + 5 + 6 });
    } finally {
      gw.b.proc.resume();
    }
    await gw.c.proc.stop();
    const u = await until("the hub to report city-c missing", async () => {
      const r = await regulator.get(q);
      return r.body.missing?.length === 1 ? r : undefined;
    });
    expect(u.body.complete).to.equal(false);
    expect(u.body.missing[0].log).to.deep.include({ name: "city-c", url: gw.c.log.url });
    expect(u.body.missing[0].code).to.equal("UNREACHABLE");
    expect(u.body.total).to.deep.equal({ exchanges: 6, records: 100 + 101 + 102 + 7 + 20 + 21 });
    const csv = await regulator.get(`${q}&format=csv`);
    expect(csv.headers.get("federation-complete")).to.equal("false");
    expect(csv.headers.get("federation-missing")).to.equal("city-c");
  });
});
