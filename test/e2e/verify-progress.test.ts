/**
 * Issue 18 item 14: verifying a large bundle shows its progress on a terminal.
 * verifyBundle reports `(done, total)` receipts through `onProgress`; the
 * commands (`dxledger verify`, `dxledger-verify`) draw it on stderr only when
 * stderr is a terminal (here a pseudo-terminal from util-linux `script`), so
 * piped output stays clean.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifyBundle } from "@dxledger/verify";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import type { RunningService } from "../../src/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const RECEIPTS = 40;

/** Shell quoting for `script -c`. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe("e2e: a bundle's verification shows progress on a terminal", function () {
  this.timeout(180_000);
  let dir: string;
  let svc: RunningService;
  let file: string;
  let bundle: unknown;
  let pins: string[];

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    const api = new Api(svc.url, svc.adminToken);
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    const a = dept("prov");
    for (const d of [a, dept("cons")]) await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    const records = await Promise.all(
      Array.from({ length: RECEIPTS }, () => signExchange(a.wallet, domain, unsigned("prov", "cons", { dataset: "raw/census" }))),
    );
    expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
    expect((await api.post("/v1/anchor")).status).to.equal(200);
    const res = await fetch(`${svc.url}/v1/datasets/raw%2Fcensus/provenance?format=bundle`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    bundle = await res.json();
    file = join(dir, "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const info = (await api.get("/v1/info")).body;
    pins = ["--rpc", svc.rpcUrl, "--chain-id", "31337", "--contract", svc.contract, "--log-id", info.logId];
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("verifyBundle tells onProgress monotone counts, from 0 to the number of receipts", async () => {
    const seen: Array<[number, number]> = [];
    const v = await verifyBundle(bundle, { rpcUrl: svc.rpcUrl, onProgress: (done, total) => seen.push([done, total]) });
    expect(v.valid).to.equal(true);
    expect(seen[0]).to.deep.equal([0, RECEIPTS]);
    expect(seen.at(-1)).to.deep.equal([RECEIPTS, RECEIPTS]);
    expect(
      seen.every(([d, t], i) => t === RECEIPTS && (i === 0 || d >= seen[i - 1]![0])),
      JSON.stringify(seen),
    ).to.equal(true);
  });

  const commands: Array<[string, string[], RegExp]> = [
    ["dxledger verify", [join(ROOT, "src/cli/main.ts"), "verify"], new RegExp(`verify \\[.*\\] 100% \\| ${RECEIPTS}/${RECEIPTS} receipts`)],
    [
      "dxledger-verify",
      [join(ROOT, "packages/verify/dist/packages/verify/src/bin.js")],
      new RegExp(`dxledger-verify: receipts ${RECEIPTS}/${RECEIPTS} \\(100 %\\)`),
    ],
  ];
  for (const [name, argv, drawn] of commands) {
    it(`${name} with stderr piped: no progress, the verdict alone`, () => {
      const r = spawnSync(process.execPath, [...argv, file, ...pins], { encoding: "utf8", timeout: 120_000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`${RECEIPTS}/${RECEIPTS} receipts valid`);
      expect(r.stderr).to.equal("");
    });

    it(`${name} on a terminal: progress on stderr up to every receipt`, () => {
      const cmd = [process.execPath, ...argv, file, ...pins].map(q).join(" ");
      const r = spawnSync("script", ["-q", "-e", "-c", cmd, "/dev/null"], { encoding: "utf8", timeout: 120_000 });
      expect(r.status, r.stdout).to.equal(0);
      expect(r.stdout).to.match(drawn);
      expect(r.stdout).to.contain("bundle is VALID");
    });
  }
});
