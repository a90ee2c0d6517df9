/**
 * Issue 10: @dxledger/verify runs in a browser. Its entry is bundled with
 * esbuild for the browser platform (which fails on any `node:` import) and
 * verifies, inside Debian's Chromium driven by playwright-core, a genuine
 * receipt (valid) and a tampered one (invalid), reading the chain's RPC
 * directly — cross-origin, the service is not involved.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { liveReceipts, tampered, type LiveChain } from "../helpers/receipts.ts";
import { ifSet } from "../helpers/service.ts";

const ROOT = join(import.meta.dirname, "..", "..");
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

describe("@dxledger/verify in Chromium", function () {
  this.timeout(180_000);
  let live: LiveChain;
  let server: Server;
  let base: string;
  let browser: Browser;
  let bundleBytes = 0;

  before(async () => {
    const bundled = await build({
      stdin: {
        contents: 'import { verifyReceipt } from "@dxledger/verify";\nwindow.dxVerify = (r, rpcUrl, pins) => verifyReceipt(r, { rpcUrl, pins });\n',
        resolveDir: ROOT,
        loader: "js",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const nodeBuiltins = Object.keys(bundled.metafile.inputs).filter((f) => f.startsWith("node:"));
    expect(nodeBuiltins, "node: builtins in the browser bundle").to.deep.equal([]);
    const js = bundled.outputFiles[0]!.contents;
    bundleBytes = js.byteLength;
    const page =
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>verify</title><script type="module" src="/verify.js"></script></head><body></body></html>';
    server = createServer((req, res) => {
      if (req.url === "/verify.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
      else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    live = await liveReceipts(4);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  after(async () => {
    await ifSet(browser)?.close();
    ifSet(server)?.close();
    await ifSet(live)?.stop();
  });

  it("bundles for the browser with no node: builtin", () => {
    expect(bundleBytes).to.be.greaterThan(10_000);
  });

  it("verifies a genuine receipt in the page against the chain's RPC, and refuses a tampered one", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(base);
    await page.waitForFunction(() => typeof (window as any).dxVerify === "function");
    const run = (r: unknown) => page.evaluate(([r, url, pins]) => (window as any).dxVerify(r, url, pins), [r, live.node.rpcUrl, live.pins] as const);
    const good = await run(live.receipts[3]);
    expect(good.valid, JSON.stringify(good.checks)).to.equal(true);
    expect(good.checks.map((c: { step: string; ok: boolean }) => [c.step, c.ok])).to.deep.equal([
      ["leaf-hash", true],
      ["inclusion", true],
      ["checkpoint", true],
      ["signature", true],
      ["consistency", true],
    ]);
    const bad = await run(tampered(live.receipts[3]));
    expect(bad.valid).to.equal(false);
    expect(bad.checks[0]).to.include({ step: "leaf-hash", ok: false, code: "LEAF_HASH_MISMATCH" });
    const forgedProof = { ...live.receipts[3], inclusionProof: [`0x${"00".repeat(32)}`, ...live.receipts[3].inclusionProof.slice(1)] };
    expect((await run(forgedProof)).checks[1]).to.include({ step: "inclusion", code: "INCLUSION_PROOF_INVALID" });
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
