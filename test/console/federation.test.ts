/**
 * The console's Federation page in Debian's Chromium: one Anvil, one ledger,
 * three gateways in this process (own LOG_NAME, DATA_DIR, PUBLIC_URL and
 * anchoring account, their URLs and operators in the chain's directory).
 * Gateway A's console, with no token, lists every log with the checkpoint
 * index and size GET /v1/federation reports, marks A as this gateway, passes
 * axe-core at desktop and phone width; a gateway stopped is reported
 * unreachable after a refresh. Screenshots go to test-artifacts/console/.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import type { Browser, Page } from "playwright-core";
import { ifSet, Api, dept, signExchange, tempDir, unsigned, until } from "../helpers/service.ts";
import { anvilNode, serviceOn, TEST_ADMIN_TOKEN, type Node } from "../helpers/external-chain.ts";
import { deployCity, type CityLog } from "../helpers/gateways.ts";
import { DEV_KEYS } from "../helpers/evm.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import type { RunningService } from "../../src/server.ts";
import { ARTIFACTS, DESKTOP, PHONE, axeSerious, fitsWidth, launch, watchErrors } from "./browser.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const NAMES = ["gw-a", "gw-b", "gw-c"] as const;
const OPERATORS = ["city-it", "county-b", "harbour-office"] as const;

describe("web console: the Federation page", function () {
  this.timeout(60_000);
  let node: Node;
  let ledger: string;
  let logs: CityLog[];
  let browser: Browser;
  const dirs: string[] = [];
  const svcs: RunningService[] = [];
  const apis: Api[] = [];
  const errors: string[] = [];

  before(async function () {
    this.timeout(60_000);
    // npm test (scripts/run-tests.ts) built web/dist from the current sources before any test ran.
    expect(existsSync(join(ROOT, "web/dist/index.html")), "web/dist is built (npm test builds it; alone: npm run console:build)").to.equal(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    [node, browser] = await Promise.all([anvilNode(), launch()]);
    ({ ledger, logs } = await deployCity(node.rpcUrl, NAMES));
    // Each log's operating department in the directory (the admin may edit any entry).
    const p = new JsonRpcProvider(node.rpcUrl);
    try {
      const admin = new Wallet(DEV_KEYS[0], p);
      const c = new Contract(ledger, ledgerArtifact().abi as never[], admin);
      let nonce = await p.getTransactionCount(admin.address, "latest");
      const sent = [];
      for (const [i, l] of logs.entries()) sent.push(await c.getFunction("setLogInfo")(l.logId, l.name, l.url, OPERATORS[i]!, { nonce: nonce++ }));
      for (const tx of sent) await tx.wait();
    } finally {
      p.destroy();
    }
    for (const l of logs) {
      dirs.push(tempDir(`dxledger-console-${l.name}-`));
      svcs.push(
        await serviceOn(dirs.at(-1)!, node.rpcUrl, ledger, {
          LOG_NAME: l.name,
          PORT: String(l.port),
          PUBLIC_URL: l.url,
          ANCHOR_PRIVATE_KEY: l.anchorKey,
          RPC_TIMEOUT_MS: "2000",
        }),
      );
      apis.push(new Api(svcs.at(-1)!.url, TEST_ADMIN_TOKEN));
    }
    // Different checkpoints at each gateway: A two entries anchored, B one anchored and one pending, C nothing.
    const tax = dept("tax");
    const police = dept("police");
    expect((await apis[0]!.post("/v1/departments", { id: "tax", name: "Tax Bureau", signer: tax.wallet.address })).status).to.equal(201);
    expect((await apis[1]!.post("/v1/departments", { id: "police", name: "Police", signer: police.wallet.address })).status).to.equal(201);
    const record = async (i: number, who: typeof tax, from: string, to: string) => {
      const domain = (await apis[i]!.get("/v1/info")).body.eip712.domain;
      const r = await apis[i]!.post("/v1/exchanges", await signExchange(who.wallet, domain, unsigned(from, to)));
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    };
    await record(0, tax, "tax", "police");
    await record(0, tax, "tax", "police");
    await record(1, police, "police", "tax");
    expect((await apis[0]!.post("/v1/anchor")).status).to.equal(200);
    expect((await apis[1]!.post("/v1/anchor")).status).to.equal(200);
    await record(1, police, "police", "tax");
  });

  after(async () => {
    await ifSet(browser)?.close();
    for (const s of svcs) await s.stop().catch(() => undefined);
    await ifSet(node)?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    expect(errors, "console errors (a CSP refusal is one)").to.deep.equal([]);
  });

  const open = async (viewport = DESKTOP): Promise<Page> => {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const mine = watchErrors(page);
    page.on("close", () => errors.push(...mine));
    await page.goto(`${svcs[0]!.url}/`);
    await page.locator("dx-app nav a[href='#/federation']").click();
    await page.locator("dx-federation-view #logs > li").first().waitFor();
    return page;
  };
  const card = (page: Page, name: string) => page.locator(`dx-federation-view #logs > li[data-name="${name}"]`);
  const field = (page: Page, name: string, f: string) => card(page, name).locator(`dd[data-field="${f}"]`);
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const federation = async () => (await apis[0]!.get("/v1/federation", { token: null })).body;

  it("lists every log with the API's checkpoint, operator, URL and health, and marks this gateway; no token needed", async () => {
    const fed = await until("every gateway ready in the directory", async () => {
      const b = await federation();
      return b.logs?.length === 3 && b.logs.every((l: any) => l.health.ready) ? b : undefined;
    });
    const page = await open();
    await until("every gateway shown reachable", async () =>
      (await page.locator('dx-federation-view li[data-reachable="true"]').count()) === 3 ? true : undefined,
    );
    expect(await page.locator("dx-federation-view #summary").innerText()).to.equal("3 gateways, 0 stale");
    expect(await page.locator("dx-federation-view li[aria-current='true']").getAttribute("data-name")).to.equal("gw-a");
    expect(await card(page, "gw-a").locator(".badge.self").innerText()).to.equal("this gateway");
    for (const [i, l] of fed.logs.entries()) {
      expect(l.name).to.equal(NAMES[i]);
      const c = card(page, l.name);
      expect(await c.getAttribute("data-log-id")).to.equal(l.logId);
      expect(await field(page, l.name, "operator").innerText()).to.equal(OPERATORS[i]);
      expect(await field(page, l.name, "url").locator("a").getAttribute("href")).to.equal(`${l.url}/`);
      expect(await field(page, l.name, "anchorer").innerText()).to.equal(l.anchorer);
      // What a reader sees (innerText): the template may wrap the text in whitespace.
      expect(await field(page, l.name, "health").innerText()).to.equal("reachable · ready");
      expect(await c.locator(".badge.status").innerText()).to.equal("up to date");
      if (l.latestCheckpoint) {
        expect(await field(page, l.name, "index").getAttribute("data-value")).to.equal(String(l.latestCheckpoint.index));
        expect(await field(page, l.name, "size").getAttribute("data-value")).to.equal(String(l.latestCheckpoint.treeSize));
        expect(await field(page, l.name, "block").getAttribute("data-value")).to.equal(String(l.latestCheckpoint.blockNumber));
      } else {
        expect(await field(page, l.name, "index").innerText()).to.equal("none on chain yet");
      }
      expect(await field(page, l.name, "pending").getAttribute("data-value")).to.equal(String(l.health.anchoring.pending));
    }
    expect(fed.logs.map((l: any) => [l.latestCheckpoint?.index ?? null, l.latestCheckpoint?.treeSize ?? null, l.health.anchoring.pending])).to.deep.equal([
      [0, 2, 0],
      [0, 1, 1],
      [null, null, 0],
    ]);
    expect(await field(page, "gw-b", "pending").innerText()).to.match(/^1 · oldest \d+/);
    await page.context().close();
  });

  it("passes axe-core with no serious or critical violation at 1280×800 and 375×812, with no sideways scrolling", async () => {
    for (const [size, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      const page = await open(viewport);
      await until("every gateway shown", async () => ((await page.locator('dx-federation-view li[data-reachable="true"]').count()) === 3 ? true : undefined));
      expect(await axeSerious(page), `federation at ${size}`).to.deep.equal([]);
      const w = await fitsWidth(page);
      expect(w.scrollWidth, `federation at ${size}: page width`).to.be.at.most(w.innerWidth);
      await shoot(page, `federation-${size}`);
      await page.context().close();
    }
  });

  it("a gateway stopped: after a refresh, reported unreachable and stale, in words (and in Chinese too)", async () => {
    const page = await open();
    await until("every gateway shown reachable", async () =>
      (await page.locator('dx-federation-view li[data-reachable="true"]').count()) === 3 ? true : undefined,
    );
    await svcs[2]!.stop();
    // The service reuses one answer for 2 s: refresh until the stopped gateway is reported.
    await until(
      "gw-c unreachable in the page",
      async () => {
        if (await page.locator("dx-federation-view #refresh:not([disabled])").count()) await page.locator("dx-federation-view #refresh").click();
        return (await card(page, "gw-c").getAttribute("data-reachable")) === "false" ? true : undefined;
      },
      20_000,
      300,
    );
    const gwc = card(page, "gw-c");
    expect(await gwc.getAttribute("data-stale")).to.equal("true");
    expect(await gwc.locator(".badge.status").innerText()).to.equal("unreachable");
    expect(await field(page, "gw-c", "health").innerText()).to.equal("unreachable");
    expect(await field(page, "gw-c", "error").innerText()).to.not.equal("");
    expect(await page.locator("dx-federation-view #summary").innerText()).to.equal("3 gateways, 1 stale (1 unreachable)");
    const api = (await federation()).logs[2];
    expect(api.health.reachable).to.equal(false);
    expect(await card(page, "gw-a").getAttribute("data-reachable")).to.equal("true");
    expect(await axeSerious(page), "federation with a gateway down").to.deep.equal([]);
    await shoot(page, "federation-unreachable");
    await page.locator("dx-app select#lang").selectOption("zh");
    await until("Chinese summary", async () =>
      (await page.locator("dx-federation-view #summary").innerText()) === "3 个网关，1 个滞后 (1 个无法连接)" ? true : undefined,
    );
    expect(await gwc.locator(".badge.status").innerText()).to.equal("无法连接");
    expect(await field(page, "gw-a", "anchoredAt").innerText()).to.match(/\d{4}年/);
    await shoot(page, "federation-unreachable-zh");
    await page.context().close();
  });
});
