/**
 * Issue 18 item 3: a new gateway needs no hub restart. The hub reads
 * HUB_GATEWAY_TOKENS_FILE again when the file changes and on SIGHUP; a file
 * with a problem keeps the tokens in force and logs one error. One gateway
 * (embedded Anvil, LevelDB in a temp dir) and a hub on loopback ports: in
 * this process (the file watch), and as a `dxledger hub` process (SIGHUP).
 */
import { expect } from "chai";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Api, dept, ifSet, signExchange, start, tempDir, unsigned, until } from "../helpers/service.ts";
import { TEST_ADMIN_TOKEN } from "../helpers/external-chain.ts";
import { spawnHub, type Proc } from "../helpers/gateways.ts";
import { loadHubConfig } from "../../src/hub/config.ts";
import { startHub, type RunningHub } from "../../src/hub/server.ts";
import type { RunningService } from "../../src/server.ts";

const REGULATOR = "hub-regulator-token-0123456789";
const USAGE = "/v1/stats/usage?from=2026-11-01&to=2026-11-30";

interface Usage {
  complete: boolean;
  missing: Array<{ log: { name: string | null; url: string }; code: string }>;
}

describe("e2e: the hub reloads its gateway tokens without a restart", function () {
  this.timeout(120_000);
  let svc: RunningService;
  let gatewayToken: string;
  const dirs: string[] = [];
  const dir = () => {
    dirs.push(tempDir("dxledger-hub-tokens-"));
    return dirs.at(-1)!;
  };
  const hubEnv = (file: string) => ({
    HUB_RPC_URL: svc.rpcUrl,
    LEDGER_ADDRESS: svc.contract,
    HUB_GATEWAYS: svc.url,
    HUB_GATEWAY_TOKENS_FILE: file,
    HUB_TOKENS: `regulator=${REGULATOR}`,
    HUB_RATE_LIMIT_RPS: "0",
  });
  const usage = async (hubUrl: string) => {
    const r = await new Api(hubUrl, REGULATOR).get(USAGE);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as Usage;
  };

  before(async () => {
    svc = await start(dir(), { ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const t = await new Api(svc.url, TEST_ADMIN_TOKEN).post("/v1/tokens", { role: "regulator", label: "the hub" });
    expect(t.status, JSON.stringify(t.body)).to.equal(201);
    gatewayToken = t.body.token;
    // One exchange, anchored: the hub reads figures only as of a checkpoint the chain holds.
    const admin = new Api(svc.url, TEST_ADMIN_TOKEN);
    const [a, b] = [dept("prov"), dept("cons")];
    for (const d of [a, b]) expect((await admin.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
    const domain = (await admin.get("/v1/info")).body.eip712.domain;
    expect((await admin.post("/v1/exchanges", await signExchange(a.wallet, domain, unsigned("prov", "cons")))).status).to.equal(201);
    expect((await admin.post("/v1/anchor")).status).to.equal(200);
  });

  after(async () => {
    await ifSet(svc)?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describe("in process: the file changes", () => {
    let hub: RunningHub;
    const errors: string[] = [];
    after(async () => {
      await ifSet(hub)?.stop();
    });

    it("a part missing with NO_TOKEN becomes available once its token is written into the file; a bad file keeps the tokens", async () => {
      const file = join(dir(), "gateway-tokens");
      writeFileSync(file, "# no token for this gateway yet\n");
      hub = await startHub(loadHubConfig({ PORT: "0", ...hubEnv(file) }), {
        info: () => undefined,
        warn: () => undefined,
        error: (m: string) => errors.push(m),
      });
      const before = await usage(hub.url);
      expect(before.complete).to.equal(false);
      expect(before.missing.map((m) => [m.log.name, m.code])).to.deep.equal([["default", "NO_TOKEN"]]);

      writeFileSync(file, `# the gateway's regulator token for the hub\ndefault=${gatewayToken}\n`);
      await until("the part available without a restart", async () => ((await usage(hub.url)).complete ? true : undefined));
      expect((await usage(hub.url)).missing).to.deep.equal([]);

      writeFileSync(file, "default\n");
      const error = await until("one error naming the problem", () => errors.find((e) => e.includes("HUB_GATEWAY_TOKENS")));
      expect(error).to.match(/kept/);
      expect(error).to.not.include(gatewayToken);
      expect((await usage(hub.url)).complete, "the tokens in force are kept").to.equal(true);
    });
  });

  describe("as a process: SIGHUP", () => {
    let hub: Proc;
    after(async () => {
      await ifSet(hub)?.stop();
    });

    it("SIGHUP reads the file again (here a link to a file in another folder, whose change the watch does not see)", async () => {
      const real = join(dir(), "secret");
      writeFileSync(real, "");
      const linked = join(dir(), "mounted");
      mkdirSync(linked, { recursive: true });
      const file = join(linked, "gateway-tokens");
      symlinkSync(real, file);
      hub = await spawnHub(hubEnv(file));
      expect((await usage(hub.url)).missing.map((m) => m.code)).to.deep.equal(["NO_TOKEN"]);
      writeFileSync(real, `${svc.url}=${gatewayToken}\n`);
      expect((await usage(hub.url)).complete, "not before SIGHUP").to.equal(false);
      process.kill(hub.pid, "SIGHUP");
      await until("the part available after SIGHUP", async () => ((await usage(hub.url)).complete ? true : undefined));
      expect(hub.output()).to.not.include(gatewayToken);
    });
  });
});
