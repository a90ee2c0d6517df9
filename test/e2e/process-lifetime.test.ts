/**
 * Issue 18 items 8 and 9: the process as operators run it.
 * - `npm start 2>&1 | tee log`, then Ctrl-C: the reader of stdout and stderr
 *   is gone (tee got the SIGINT too). Writing fails with EPIPE; the service
 *   must still run every shutdown step (the final anchor lands) and exit 0.
 * - `kill -9` of the service: its embedded Anvil must not outlive it.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Api, dept, freePort, signExchange, tempDir, unsigned, until } from "../helpers/service.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** `dxledger serve` as the leader of its own process group, like a shell job, its output on pipes to this process. */
function serve(env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.RPC_URL;
  const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], {
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, out: () => out, exited };
}

/** Pids of live processes whose command line names `needle` (the embedded chain's state file names its data dir). */
function processesNaming(needle: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle)) pids.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Resolves once no process names the chain's state file and nothing listens on its port. */
async function chainGone(stateFile: string, chainPort: number): Promise<void> {
  await until("the embedded chain gone", async () => (processesNaming(stateFile).length === 0 && (await portFree(chainPort)) ? true : undefined), 20_000);
}

async function record(api: Api, n: number) {
  const a = dept("prov");
  const b = dept("cons");
  for (const d of [a, b]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  const records = await Promise.all(Array.from({ length: n }, () => signExchange(a.wallet, domain, unsigned("prov", "cons"))));
  expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
}

describe("e2e: the service's process lifetime", function () {
  this.timeout(180_000);
  let dir: string;
  let env: Record<string, string>;
  let chainPort: number;
  let stateFile: string;
  const started: Array<ReturnType<typeof serve>> = [];

  beforeEach(async () => {
    dir = tempDir();
    chainPort = await freePort();
    stateFile = join(dir, "chain", "anvil-state.json");
    env = { DATA_DIR: dir, PORT: String(await freePort()), CHAIN_PORT: String(chainPort), ANCHOR_INTERVAL_MS: "600000", MAX_UNANCHORED_AGE_MS: "0" };
  });
  afterEach(() => {
    for (const s of started.splice(0)) {
      try {
        process.kill(-s.child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
    for (const pid of processesNaming(stateFile)) process.kill(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  async function up() {
    const s = serve(env);
    started.push(s);
    await until("service up", () => (s.out().includes("dxledger is running") ? true : undefined), 90_000);
    return s;
  }

  it("Ctrl-C with stdout and stderr's reader gone (| tee): exit 0 after every shutdown step, the final anchor lands, the chain stops", async () => {
    const first = await up();
    const api = new Api(`http://127.0.0.1:${env.PORT}`, readFileSync(join(dir, "admin-token"), "utf8").trim());
    await record(api, 4);
    expect((await api.get("/v1/info")).body.anchoredSize).to.equal(0);
    first.child.stdout.destroy();
    first.child.stderr.destroy();
    process.kill(-first.child.pid!, "SIGINT");
    expect(await first.exited, "exit code").to.equal(0);
    await chainGone(stateFile, chainPort);
    const second = await up();
    expect((await api.get("/v1/info")).body).to.include({ treeSize: 4, anchoredSize: 4 });
    expect(second.out(), "nothing had to be re-anchored").to.not.match(/reconciled/);
    process.kill(-second.child.pid!, "SIGTERM");
    expect(await second.exited).to.equal(0);
  });

  it("kill -9 of the service: its embedded chain is gone within seconds, CHAIN_PORT free", async () => {
    const s = await up();
    expect(processesNaming(stateFile).length, "the chain runs, naming its state file").to.be.above(0);
    process.kill(s.child.pid!, "SIGKILL");
    await s.exited;
    await chainGone(stateFile, chainPort);
  });
});
