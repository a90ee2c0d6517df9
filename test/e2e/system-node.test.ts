/**
 * Issue 10: inside a checkout, `npx dxledger …` runs on the system Node (20
 * here) like ./bin/dxledger.mjs — it re-executes itself with the pinned Node —
 * with no engine warning, and an environment problem never exits 1 (INVALID).
 * Installing still needs Node ≥ 22: npm refuses older ones before it fetches
 * anything (issue 18 item 11: engine-strict in .npmrc; Hardhat's EDR needs
 * Node ≥ 22), and the preinstall guard names the command that works.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { tempDir } from "../helpers/service.ts";
import { outsideEnv, systemNode } from "../helpers/system-node.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the dxledger command on the system Node", function () {
  this.timeout(120_000);
  const node = systemNode();
  const env = outsideEnv(dirname(node));
  const SYSTEM_VERSION = spawnSync(node, ["-p", "process.version"], { encoding: "utf8" }).stdout.trim();
  const npx = (...args: string[]) => spawnSync(join(dirname(node), "npx"), ["dxledger", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });

  it("runs on a Node older than the repository's tools need", () => {
    const v = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    expect(Number(v.slice(1).split(".")[0]), v).to.be.below(22);
  });

  it("npx dxledger --help: exit 0, no EBADENGINE", () => {
    const r = npx("--help");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("dxledger verify");
    expect(r.stderr).to.not.contain("EBADENGINE");
  });

  it("npx dxledger verify with a missing file or no chain: exit 2, never 1", () => {
    const missing = npx("verify", join(ROOT, "no-such-receipt.json"), "--rpc", "http://127.0.0.1:9");
    expect(missing.status, missing.stderr).to.equal(2);
    expect(missing.stderr).to.contain("cannot read");
    const usage = npx("verify");
    expect(usage.status, usage.stderr).to.equal(2);
  });

  it("installing under that Node is refused by the preinstall guard, with the command that works", () => {
    const r = spawnSync(node, [join(ROOT, "scripts/require-node.mjs")], { env, encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain("npx -y -p node@24 npm ci");
  });

  it("the preinstall guard checks the Node npm runs on (npm_node_execpath), not the pinned Node that runs the script", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/require-node.mjs")], {
      env: { ...env, npm_node_execpath: node, npm_config_user_agent: `npm/11.19.1 node/${SYSTEM_VERSION} linux x64 workspaces/false` },
      encoding: "utf8",
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(SYSTEM_VERSION).and.to.contain("npx -y -p node@24 npm ci");
  });

  it("the guard lets README's install through: npm on Node 24 under an outer npx whose user agent names the system Node", () => {
    // `npx -y -p node@24 npm ci`: npx runs on the system Node and passes its user agent on; the npm that installs runs on 24.
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/require-node.mjs")], {
      env: { ...env, npm_node_execpath: process.execPath, npm_config_user_agent: `npm/11.19.1 node/${SYSTEM_VERSION} linux x64 workspaces/false` },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
  });

  it("a plain npm install under that Node, in a checkout with the pinned Node: refused before fetching anything, lock untouched", async () => {
    // A registry on loopback that counts what npm asks of it.
    let requests = 0;
    const registry: Server = createServer((_req, res) => {
      requests++;
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => registry.listen(0, "127.0.0.1", r));
    const dir = tempDir();
    try {
      for (const f of ["package.json", "package-lock.json", ".npmrc", "scripts/require-node.mjs"]) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        copyFileSync(join(ROOT, f), join(dir, f));
      }
      // As in a checkout after an install: node_modules/.bin/node is the pinned Node 24.
      mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
      symlinkSync(process.execPath, join(dir, "node_modules", ".bin", "node"));
      const lock = readFileSync(join(dir, "package-lock.json"));
      const npmEnv = {
        ...env,
        HOME: dir,
        npm_config_cache: join(dir, ".npm"),
        npm_config_registry: `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`,
        npm_config_fetch_retries: "0",
        npm_config_update_notifier: "false",
      };
      const child = spawn(join(dirname(node), "npm"), ["install"], { cwd: dir, env: npmEnv, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      expect(code, out).to.equal(1);
      expect(out)
        .to.contain("EBADENGINE")
        .and.to.match(/Required: \{"node":">= ?22/);
      expect(out).to.not.contain("HHE27");
      expect(requests, "requests to the registry").to.equal(0);
      expect(readFileSync(join(dir, "package-lock.json")).equals(lock), "package-lock.json byte-identical").to.equal(true);
    } finally {
      registry.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
