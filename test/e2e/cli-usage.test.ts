/**
 * Issue 18 item 10: every command answers `--help` and usage errors at once,
 * without binding a port or starting a chain. The commands are those
 * `dxledger --help` lists; each runs with DATA_DIR, PORT and CHAIN_PORT of
 * its own, which must stay untouched (no data dir made, both ports free).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { freePort, tempDir } from "../helpers/service.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** Bound for one answer: a started service or chain never answers within it (it runs until a signal). */
const ANSWER_MS = 60_000;

function dxledger(args: string[], env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.RPC_URL;
  return spawnSync(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args], { env: { ...clean, ...env }, encoding: "utf8", timeout: ANSWER_MS });
}

/** True when nothing listens on 127.0.0.1:`port` (we can bind it ourselves). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

describe("e2e: the CLI's --help and usage errors start nothing", function () {
  this.timeout(300_000);
  const help = dxledger(["--help"], {});
  const commands = [...new Set([...help.stdout.matchAll(/^ {2}dxledger ([a-z-]+)/gm)].map((m) => m[1]!))];
  let root: string;
  let env: NodeJS.ProcessEnv;
  let ports: number[];

  before(async () => {
    root = tempDir();
    ports = [await freePort(), await freePort()];
    env = { DATA_DIR: join(root, "data"), PORT: String(ports[0]), CHAIN_PORT: String(ports[1]) };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  afterEach(async () => {
    expect(existsSync(join(root, "data")), "no data dir made").to.equal(false);
    for (const p of ports) expect(await portFree(p), `port ${p} free`).to.equal(true);
  });

  it("dxledger --help lists every command", () => {
    expect(help.status).to.equal(0);
    expect(commands).to.include.members(["serve", "verify", "audit", "monitor", "reindex", "deploy", "chain", "department", "hub"]);
  });

  for (const cmd of commands) {
    it(`dxledger ${cmd} --help: exit 0 at once with its usage`, () => {
      for (const flag of ["--help", "-h"]) {
        const r = dxledger([cmd, flag], env);
        expect(r.status, `${cmd} ${flag}: ${r.stderr}`).to.equal(0);
        expect(r.stdout).to.contain("usage").and.to.contain(`dxledger ${cmd}`);
      }
    });

    it(`dxledger ${cmd} --no-such-flag: exit 2 at once with its usage`, () => {
      const r = dxledger([cmd, "--no-such-flag"], env);
      expect(r.status, `${cmd}: ${r.stdout}${r.stderr}`).to.equal(2);
      expect(r.stderr).to.contain("usage").and.to.contain(`dxledger ${cmd}`);
    });
  }

  it("dxledger verify with no file answers its usage before bringing up the embedded chain from DATA_DIR", () => {
    const withChain = join(root, "stopped");
    mkdirSync(join(withChain, "chain"), { recursive: true });
    writeFileSync(join(withChain, "chain", "anvil-state.json"), "{}");
    for (const args of [["verify"], ["verify", "a.json", "b.json"], ["verify", "a.json", "--chain-id", "x"]]) {
      const r = dxledger(args, { ...env, DATA_DIR: withChain });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/^dxledger verify: (missing <receipt\.json>|one file at a time|--chain-id must be an integer)\nusage:/);
      expect(r.stderr).to.not.contain("embedded chain");
    }
  });

  it("dxledger monitor without --service: exit 2 with its usage", () => {
    const r = dxledger(["monitor"], env);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("--service URL is required").and.to.contain("usage: dxledger monitor");
  });
});
