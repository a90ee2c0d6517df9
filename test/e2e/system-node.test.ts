/**
 * Issue 10: inside a checkout, `npx dxledger …` runs on the system Node (20
 * here) like ./bin/dxledger.mjs — it re-executes itself with the pinned Node —
 * with no engine warning, and an environment problem never exits 1 (INVALID).
 * Installing still needs Node ≥ 22: the preinstall guard refuses older ones.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { outsideEnv, systemNode } from "../helpers/system-node.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the dxledger command on the system Node", function () {
  this.timeout(120_000);
  const node = systemNode();
  const env = outsideEnv(dirname(node));
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
});
