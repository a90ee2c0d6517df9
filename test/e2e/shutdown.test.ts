/**
 * Shutdown as operators do it: Ctrl-C in a terminal (SIGINT to the whole
 * foreground process group) on the embedded default, and SIGTERM while the
 * chain's node is frozen. Nothing acknowledged may be lost; the embedded chain
 * stops last, so the final anchor lands.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Api, dept, freePort, signExchange, tempDir, unsigned } from "../helpers/service.ts";
import { anvilNode, deployLedger, TEST_ADMIN_TOKEN, until } from "../helpers/external-chain.ts";
import { ANVIL_DEV_KEY } from "../../src/adapters/chain/anvil.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** `dxledger serve` as the leader of its own process group, like a shell job. */
function serve(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, out: () => out, exited };
}

async function record(api: Api, n: number) {
  const a = dept("prov");
  const b = dept("cons");
  for (const d of [a, b]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  const records = await Promise.all(Array.from({ length: n }, () => signExchange(a.wallet, domain, unsigned("prov", "cons"))));
  expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
}

describe("e2e: shutdown", function () {
  this.timeout(120_000);

  it("Ctrl-C (SIGINT to the process group) on the embedded default lands the final anchor: the chain stops last", async () => {
    const dir = tempDir();
    const port = await freePort();
    const env = { DATA_DIR: dir, PORT: String(port), CHAIN_PORT: String(await freePort()), ANCHOR_INTERVAL_MS: "600000", MAX_UNANCHORED_AGE_MS: "0" };
    const first = serve(env);
    try {
      await until("service up", () => (first.out().includes("dxledger is running") ? true : undefined), 60_000);
      const api = new Api(`http://127.0.0.1:${port}`, readFileSync(join(dir, "admin-token"), "utf8").trim());
      await record(api, 4);
      expect((await api.get("/v1/info")).body.anchoredSize).to.equal(0);
      process.kill(-first.child.pid!, "SIGINT");
      expect(await first.exited).to.equal(0);
      expect(first.out()).to.not.match(/final anchoring not done/);
      const second = serve(env);
      try {
        await until("service up again", () => (second.out().includes("dxledger is running") ? true : undefined), 60_000);
        const info = (await api.get("/v1/info")).body;
        expect(info).to.include({ treeSize: 4, anchoredSize: 4 });
        expect(second.out(), "nothing had to be re-anchored").to.not.match(/reconciled/);
      } finally {
        process.kill(-second.child.pid!, "SIGTERM");
        await second.exited;
      }
    } finally {
      try {
        process.kill(-first.child.pid!, "SIGKILL");
      } catch {
        // gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("SIGTERM with the chain's node frozen exits within RPC_TIMEOUT_MS plus a few seconds and loses nothing acknowledged", async () => {
    const node = await anvilNode();
    const dir = tempDir();
    const port = await freePort();
    const env = {
      DATA_DIR: dir,
      PORT: String(port),
      RPC_URL: node.rpcUrl,
      LEDGER_ADDRESS: await deployLedger(node.rpcUrl),
      ANCHOR_PRIVATE_KEY: ANVIL_DEV_KEY,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      RPC_TIMEOUT_MS: "2000",
      ANCHOR_INTERVAL_MS: "600000",
      MAX_UNANCHORED_AGE_MS: "0",
    };
    const first = serve(env);
    try {
      await until("service up", () => (first.out().includes("dxledger is running") ? true : undefined), 60_000);
      const api = new Api(`http://127.0.0.1:${port}`, TEST_ADMIN_TOKEN);
      await record(api, 5);
      process.kill(node.pid, "SIGSTOP");
      const t0 = Date.now();
      process.kill(first.child.pid!, "SIGTERM");
      expect(await first.exited).to.equal(0);
      const took = Date.now() - t0;
      console.log(`      SIGTERM with a frozen node: exited in ${took} ms (RPC_TIMEOUT_MS 2000)`);
      expect(took).to.be.below(2000 + 5000);
      process.kill(node.pid, "SIGCONT");
      const second = serve(env);
      try {
        await until("service up again", () => (second.out().includes("dxledger is running") ? true : undefined), 60_000);
        expect((await api.get("/v1/info")).body.treeSize).to.equal(5);
        const cp = await api.post("/v1/anchor");
        expect(cp.body).to.include({ treeSize: 5 });
      } finally {
        process.kill(second.child.pid!, "SIGTERM");
        await second.exited;
      }
    } finally {
      try {
        process.kill(-first.child.pid!, "SIGKILL");
      } catch {
        // gone
      }
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
