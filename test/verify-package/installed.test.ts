/**
 * Issue 10: an auditor installs @dxledger/verify from a packed tarball into an
 * empty folder with the system Node (20 on these machines; the package needs
 * ≥ 18), with no Hardhat and no TypeScript, and verifies: a genuine receipt of
 * this build and one issued before issue 10 (exit 0), a tampered one (exit 1),
 * usage and I/O errors and an RPC that cannot check (exit 2) — as a command
 * and as a library. It is installed by the auditors' guide's own recipe (docs/auditors.md), run in a folder
 * nested inside another project, which must come out untouched (issue 18:
 * a bare `npm install ./….tgz` climbed up and installed into the parent).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { outsideEnv, systemNode } from "../helpers/system-node.ts";
import { ifSet, tempDir } from "../helpers/service.ts";
import { liveReceipts, tampered, v0Chain, type LiveChain, type V0Chain } from "../helpers/receipts.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** The auditors' guide's install recipe (docs/auditors.md): the bash block that makes the verifier's own folder, up to its `npm install` line. */
function guideRecipe(): string {
  const guide = readFileSync(join(ROOT, "docs", "auditors.md"), "utf8");
  const block = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("npx dxledger-verify receipt.json"));
  expect(block, "docs/auditors.md's verifier install block").to.be.a("string");
  const lines = block!.split("\n");
  return lines.slice(0, lines.findIndex((l) => l.startsWith("npm install")) + 1).join("\n");
}

describe("@dxledger/verify installed from its tarball on the system Node", function () {
  this.timeout(240_000);
  let dir: string;
  let node: string;
  let env: NodeJS.ProcessEnv;
  let live: LiveChain;
  let v0: V0Chain;

  /** The parent project the auditor happens to be in, and the verifier's own folder the guide's recipe makes inside it. */
  let parent: string;
  let app: string;
  const PARENT_FILES = { "package.json": '{ "name": "parent-project", "version": "1.0.0", "private": true }\n', "package-lock.json": "{}\n" };
  let recipe: { status: number | null; out: string };

  const verify = (args: string[]) => spawnSync(join(app, "node_modules/.bin/dxledger-verify"), args, { cwd: app, env, encoding: "utf8", timeout: 60_000 });
  const file = (name: string, json: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(json));
    return p;
  };
  const pinArgs = (p: { chainId: number; contract: string; logId: string }) => ["--chain-id", String(p.chainId), "--contract", p.contract, "--log-id", p.logId];

  before(async () => {
    dir = tempDir("dxledger-verify-pkg-");
    node = systemNode();
    env = outsideEnv(dirname(node));
    [live, v0] = await Promise.all([liveReceipts(4), v0Chain()]);
    parent = join(dir, "parent");
    mkdirSync(parent);
    for (const [name, text] of Object.entries(PARENT_FILES)) writeFileSync(join(parent, name), text);
    // npm pack runs prepack, which builds what it ships; the tarball lies where the guide's recipe expects it.
    const pack = spawnSync("npm", ["pack", "-w", "@dxledger/verify", "--pack-destination", parent, "--json"], { cwd: ROOT, encoding: "utf8" });
    expect(pack.status, pack.stderr).to.equal(0);
    const tgz = JSON.parse(pack.stdout)[0].filename as string;
    const steps = guideRecipe();
    expect(steps, "the guide names the tarball npm pack makes").to.contain(`../${tgz}`);
    // The guide's lines as they are, by bash, with the system Node's npm (from the cache where it can; no audit or funding notes).
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", steps], {
      cwd: parent,
      env: { ...env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" },
      encoding: "utf8",
      timeout: 180_000,
    });
    recipe = { status: run.status, out: run.stdout + run.stderr };
    app = join(parent, /^mkdir (\S+)/m.exec(steps)![1]!);
  });
  after(async () => {
    await Promise.all([ifSet(live)?.stop(), ifSet(v0)?.node.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the guide's recipe installs into a folder of its own and leaves the parent folder's project untouched", () => {
    expect(recipe.status, recipe.out).to.equal(0);
    for (const [name, text] of Object.entries(PARENT_FILES)) expect(readFileSync(join(parent, name), "utf8"), `parent ${name}`).to.equal(text);
    expect(existsSync(join(parent, "node_modules")), "a node_modules in the parent").to.equal(false);
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies).to.have.property("@dxledger/verify");
  });

  it("the tarball holds compiled JavaScript, declarations and the ABI — no TypeScript sources, no Hardhat", () => {
    const pkgDir = join(app, "node_modules/@dxledger/verify");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else files.push(join(d, f.name).slice(pkgDir.length + 1));
      }
    };
    walk(pkgDir);
    expect(files).to.include.members([
      "package.json",
      "dist/packages/verify/src/index.js",
      "dist/packages/verify/src/index.d.ts",
      "dist/packages/verify/src/bin.js",
      "dist/packages/verify/src/ledger-abi.js",
    ]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).to.deep.equal([]);
    expect(existsSync(join(app, "node_modules/hardhat")), "hardhat installed").to.equal(false);
    expect(existsSync(join(app, "node_modules/typescript")), "typescript installed").to.equal(false);
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    expect(Number(version.slice(1).split(".")[0]), `system node ${version}`).to.be.at.least(18);
  });

  it("a genuine receipt of this build: exit 0, every step ok", () => {
    const r = verify([file("live.json", live.receipts[0]), "--rpc", live.node.rpcUrl, ...pinArgs(live.pins)]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    for (const step of ["leaf-hash", "inclusion", "checkpoint", "signature", "consistency"]) expect(r.stdout).to.match(new RegExp(`^ok   ${step}: `, "m"));
    expect(r.stdout).to.contain("receipt is VALID");
  });

  it("a receipt issued before issue 10, and its provenance bundle: exit 0", () => {
    const r = verify([file("v0.json", v0.receipts[5]), "--rpc", v0.node.rpcUrl, ...pinArgs(v0.pins), "--json"]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ valid: true });
    const b = verify([file("bundle.json", v0.bundle), "--rpc", v0.node.rpcUrl, ...pinArgs(v0.pins)]);
    expect(b.status, b.stdout + b.stderr).to.equal(0);
    expect(b.stdout).to.contain("9/9 receipts valid");
  });

  it("a tampered receipt: exit 1 with the reason; a pin that does not match: exit 1", () => {
    const r = verify([file("tampered.json", tampered(live.receipts[1])), "--rpc", live.node.rpcUrl, ...pinArgs(live.pins)]);
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^FAIL leaf-hash \[LEAF_HASH_MISMATCH\]: the entry hashes to 0x[0-9a-f]{64}; the receipt says/m);
    expect(r.stdout).to.contain("receipt is INVALID");
    const p = verify([file("live1.json", live.receipts[1]), "--rpc", live.node.rpcUrl, "--contract", `0x${"11".repeat(20)}`]);
    expect(p.status, p.stdout + p.stderr).to.equal(1);
    expect(p.stdout).to.contain("[PIN_MISMATCH]");
  });

  it("usage, I/O and an RPC that cannot check: exit 2, never 1", () => {
    expect(verify([]).status).to.equal(2);
    expect(verify([join(dir, "missing.json"), "--rpc", live.node.rpcUrl]).status).to.equal(2);
    expect(verify([file("live2.json", live.receipts[2])]).stderr).to.contain("--rpc");
    const down = verify([file("live3.json", live.receipts[2]), "--rpc", "http://127.0.0.1:9"]);
    expect(down.status, down.stdout + down.stderr).to.equal(2);
    // A receipt naming an address where this chain has no contract: this RPC cannot check it.
    const nowhere = { ...live.receipts[2], checkpoint: { ...live.receipts[2].checkpoint, contract: `0x${"22".repeat(20)}` } };
    const elsewhere = verify([file("live4.json", nowhere), "--rpc", live.node.rpcUrl]);
    expect(elsewhere.status, elsewhere.stdout + elsewhere.stderr).to.equal(2);
    expect(elsewhere.stderr).to.contain("WRONG_CONTRACT");
  });

  it("as a library: verifyReceipt returns the structured verdict and never throws on a tampered receipt", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { verifyReceipt } from "@dxledger/verify";
      const [good, bad] = ["live.json", "tampered.json"].map((f) => JSON.parse(readFileSync(${JSON.stringify(dir)} + "/" + f, "utf8")));
      const opts = { rpcUrl: ${JSON.stringify(live.node.rpcUrl)}, pins: ${JSON.stringify(live.pins)} };
      const a = await verifyReceipt(good, opts);
      const b = await verifyReceipt(bad, opts);
      const c = await verifyReceipt({ nonsense: true }, opts);
      console.log(JSON.stringify([a, b, c].map((v) => ({ valid: v.valid, codes: v.checks.map((x) => x.code) }))));`;
    const r = spawnSync(node, ["--input-type=module", "-e", script], { cwd: app, env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal([
      { valid: true, codes: ["OK", "OK", "OK", "OK", "OK"] },
      { valid: false, codes: ["LEAF_HASH_MISMATCH", "NOT_CHECKED", "NOT_CHECKED", "NOT_CHECKED", "NOT_CHECKED"] },
      { valid: false, codes: ["RECEIPT_MALFORMED", "NOT_CHECKED", "NOT_CHECKED", "NOT_CHECKED", "NOT_CHECKED"] },
    ]);
    expect(readFileSync(join(app, "node_modules/@dxledger/verify/package.json"), "utf8")).to.not.contain('"private"');
  });
});
