/**
 * The web console (issue 11, items 1–2) in Debian's Chromium against a real
 * service with real data: a regulator signs in and sees the charts carry the
 * API's totals, filters, goes back to an old checkpoint and downloads CSV; an
 * auditor opens a provenance graph, verifies a genuine receipt in the page
 * against the chain (every step ok) and sees a tampered one fail; the
 * language switch is remembered; every page passes axe-core (no serious or
 * critical violation) and fits a phone's width. Screenshots of each page go
 * to test-artifacts/console/.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ifSet, Api, start, tempDir, until } from "../helpers/service.ts";
import { tampered } from "../helpers/receipts.ts";
import type { RunningService } from "../../src/server.ts";
import { seed, type Plan, type Seeded } from "./seed.ts";
import { ARTIFACTS, DESKTOP, PHONE, axeSerious, fitsWidth, launch, watchErrors } from "./browser.ts";

const ROOT = join(import.meta.dirname, "..", "..");

const PLAN: Plan = {
  departments: [
    { id: "tax", name: "Tax Office" },
    { id: "health", name: "Health Department" },
    { id: "social", name: "Social Services" },
    { id: "stats", name: "Statistics Office" },
  ],
  datasets: [
    { id: "tax/income-2025" },
    { id: "health/visits-2025" },
    { id: "social/benefits-2026", derivedFrom: ["tax/income-2025", "health/visits-2025"] },
    { id: "stats/poverty-index", derivedFrom: ["social/benefits-2026"] },
  ],
  groups: [
    [
      { dataset: "tax/income-2025", consumer: "social", purpose: "benefit eligibility", recordCount: 1200, daysAgo: 40, ack: true },
      { dataset: "tax/income-2025", consumer: "social", purpose: "benefit eligibility", recordCount: 900, daysAgo: 30, ack: true },
      { dataset: "tax/income-2025", consumer: "social", purpose: "fraud prevention", recordCount: 40, daysAgo: 20, ack: true },
      { dataset: "health/visits-2025", consumer: "social", purpose: "benefit eligibility", recordCount: 300, daysAgo: 35, ack: true },
      { dataset: "health/visits-2025", consumer: "social", purpose: "benefit eligibility", recordCount: 250, daysAgo: 25, ack: true },
      { dataset: "tax/income-2025", consumer: "health", purpose: "fee waivers", recordCount: 75, daysAgo: 15, ack: false },
    ],
    [
      { dataset: "social/benefits-2026", consumer: "stats", purpose: "official statistics", recordCount: 5000, daysAgo: 10, ack: true },
      { dataset: "social/benefits-2026", consumer: "stats", purpose: "official statistics", recordCount: 5100, daysAgo: 5, ack: true },
      { dataset: "stats/poverty-index", consumer: "tax", purpose: "policy planning", recordCount: 12, daysAgo: 3, ack: true },
      { dataset: "tax/income-2025", consumer: "social", purpose: "benefit eligibility", recordCount: 1000, daysAgo: 2, ack: false },
      { dataset: "health/visits-2025", consumer: "tax", purpose: "fee waivers", recordCount: 60, daysAgo: 1, ack: false },
    ],
  ],
};

describe("web console in Chromium", function () {
  this.timeout(100_000);
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let data: Seeded;
  let browser: Browser;
  const errors: string[] = [];

  before(async function () {
    this.timeout(90_000);
    // npm test (scripts/run-tests.ts) built web/dist from the current sources before any test ran.
    expect(existsSync(join(ROOT, "web/dist/index.html")), "web/dist is built (npm test builds it; alone: npm run console:build)").to.equal(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = tempDir("dxledger-console-");
    [svc, browser] = await Promise.all([start(dir), launch()]);
    api = new Api(svc.url, svc.adminToken);
    data = await seed(api, PLAN);
  });
  after(async () => {
    await ifSet(browser)?.close();
    await ifSet(svc)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(errors, "console errors (a CSP refusal is one)").to.deep.equal([]);
  });

  const as = (token: string | null) => ({ token });
  const newPage = async (viewport = DESKTOP): Promise<{ ctx: BrowserContext; page: Page }> => {
    const ctx = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await ctx.newPage();
    const mine = watchErrors(page);
    // Nothing leaves the machine: every request goes to the service or to the chain's RPC.
    const allowed = [new URL(svc.url).origin, new URL(svc.rpcUrl).origin];
    page.on("request", (r) => {
      if (!r.url().startsWith("blob:") && !r.url().startsWith("data:") && !allowed.includes(new URL(r.url()).origin)) mine.push(`request to ${r.url()}`);
    });
    page.on("close", () => errors.push(...mine));
    return { ctx, page };
  };
  const signIn = async (page: Page, token: string) => {
    await page.goto(`${svc.url}/#/sign-in`);
    await page.locator('dx-sign-in input[name="token"]').fill(token);
    await page.locator('dx-sign-in button[type="submit"]').click();
    await page.locator("#role").waitFor();
  };
  const attr = async (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it("serves the console at / with its own CSP (self + the chain RPC), and leaves the API's answers alone", async () => {
    const page = await fetch(`${svc.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp)
      .to.contain("script-src 'self'")
      .and.contain("style-src 'self'")
      .and.contain(`connect-src 'self' ${new URL(svc.rpcUrl).origin}`);
    expect(csp).to.not.contain("unsafe-inline");
    expect(await page.text())
      .to.contain("<dx-app>")
      .and.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    const deep = await fetch(`${svc.url}/some/page`, { headers: { accept: "text/html" } });
    expect(deep.status).to.equal(200);
    const info = await fetch(`${svc.url}/v1/info`);
    expect(info.headers.get("content-type")).to.match(/^application\/json/);
    expect(info.headers.get("content-security-policy")).to.not.contain("connect-src");
    const missing = await fetch(`${svc.url}/v1/nothing-here`, { headers: { accept: "text/html" } });
    expect(missing.status).to.equal(404);
    expect((await missing.json()).error.code).to.equal("NOT_FOUND");
    expect((await fetch(`${svc.url}/healthz`, { headers: { accept: "text/html" } })).headers.get("content-type")).to.match(/json/);
  });

  it("GET /v1/whoami tells each token's role, 401 without one", async () => {
    expect((await api.get("/v1/whoami", as(null))).status).to.equal(401);
    expect((await api.get("/v1/whoami", as("dxl_auditor_not-a-real-token"))).status).to.equal(401);
    expect((await api.get("/v1/whoami")).body).to.deep.equal({ role: "admin" });
    expect((await api.get("/v1/whoami", as(data.tokens.regulator))).body).to.deep.equal({ role: "regulator" });
    expect((await api.get("/v1/whoami", as(data.tokens.auditor))).body).to.deep.equal({ role: "auditor" });
    expect((await api.get("/v1/whoami", as(data.tokens.department))).body).to.deep.equal({ role: "department", department: "tax" });
  });

  it("a regulator sees usage, top datasets and flows with the API's totals; filters; goes back to checkpoint 0; downloads CSV", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.regulator);
    await until("the statistics page", () => (page.url().endsWith("#/stats") ? true : undefined));
    // What a regulator may not open is not offered.
    expect(await page.locator("dx-app nav a").allTextContents()).to.deep.equal(["Statistics", "Verify", "Checkpoints", "Federation"]);
    // The range is set once the data's span is read, before the first answer is drawn: read it after that.
    await page.locator("#summary").waitFor();
    const from = await page.locator('dx-stats-view input[name="from"]').inputValue();
    const to = await page.locator('dx-stats-view input[name="to"]').inputValue();
    // The page opens on the data's span: per day when that is up to 92 days (these 40), else per month.
    const per = await page.locator('dx-stats-view select[name="granularity"]').inputValue();
    expect(per).to.equal("day");
    const R = as(data.tokens.regulator);
    const usage = (await api.get(`/v1/stats/usage?from=${from}&to=${to}&groupBy=month`, R)).body;
    expect(usage.total.exchanges).to.equal(11);
    expect(await attr(page, "#summary", "data-exchanges")).to.equal(String(usage.total.exchanges));
    expect(await attr(page, "#summary", "data-records")).to.equal(String(usage.total.records));
    expect(await page.locator("#summary").textContent()).to.contain(usage.total.records.toLocaleString("en-GB"));
    const top = (await api.get(`/v1/stats/top?by=dataset&from=${from}&to=${to}&limit=10`, R)).body;
    expect(await attr(page, '#top [data-role="chart-total"]', "data-exchanges")).to.equal(String(top.groups.reduce((s: number, g: any) => s + g.exchanges, 0)));
    const flows = (await api.get(`/v1/stats/flows?from=${from}&to=${to}`, R)).body;
    expect(await attr(page, '#flows [data-role="chart-total"]', "data-records")).to.equal(String(flows.flows.reduce((s: number, f: any) => s + f.records, 0)));
    for (const chart of ["#usage", "#top", "#flows"]) await page.locator(`${chart} dx-chart[data-drawn]`).waitFor();
    expect(await page.locator("#usage dx-chart canvas").count()).to.equal(1);
    expect(await page.locator("#asof").textContent()).to.contain("As of checkpoint 1");
    await shoot(page, "regulator-statistics");

    // A filter: the tax office's exchanges only.
    await page.locator('dx-stats-view input[name="provider"]').fill("tax");
    await page.locator('dx-stats-view button[type="submit"]').click();
    const taxOnly = (await api.get(`/v1/stats/usage?from=${from}&to=${to}&groupBy=month&provider=tax`, R)).body;
    expect(taxOnly.total.exchanges).to.equal(5);
    await until("the filtered totals", async () => ((await attr(page, "#summary", "data-exchanges")) === "5" ? true : undefined));
    expect(await attr(page, "#summary", "data-records")).to.equal(String(taxOnly.total.records));

    // As of checkpoint 0: the same question, the figures of then.
    await page.locator('dx-stats-view input[name="provider"]').fill("");
    await page.locator('dx-stats-view select[name="asOf"]').selectOption("0");
    await page.locator('dx-stats-view button[type="submit"]').click();
    const then = (await api.get(`/v1/stats/usage?from=${from}&to=${to}&groupBy=month&asOf=0`, R)).body;
    expect(then.total.exchanges).to.equal(6);
    await until("the checkpoint-0 totals", async () => ((await attr(page, "#summary", "data-checkpoint")) === "0" ? true : undefined));
    expect(await attr(page, "#summary", "data-exchanges")).to.equal("6");
    expect(await page.locator("#asof").textContent()).to.contain("As of checkpoint 0");

    // CSV: the API's own CSV for the same question.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#usage button.secondary").first().click()]);
    const csv = readFileSync(await download.path(), "utf8");
    const apiCsv = await (
      await fetch(`${svc.url}/v1/stats/usage?from=${from}&to=${to}&groupBy=${per}&asOf=0&format=csv`, {
        headers: { authorization: `Bearer ${data.tokens.regulator}` },
      })
    ).text();
    expect(csv).to.equal(apiCsv);
    expect(download.suggestedFilename()).to.equal(`dxledger-usage-${from}-${to}-cp0.csv`);
    await ctx.close();
  });

  it("an auditor opens a provenance graph, verifies a genuine receipt in the page (every step ok) and sees a tampered one fail", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.auditor);
    await page.goto(`${svc.url}/#/audit?dataset=${encodeURIComponent("social/benefits-2026")}`);
    await page.locator("#lineage dx-chart[data-drawn]").waitFor();
    const edges = await page.locator("#edges li").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-edge")));
    expect(edges).to.have.members([
      "tax/income-2025->social/benefits-2026",
      "health/visits-2025->social/benefits-2026",
      "social/benefits-2026->stats/poverty-index",
    ]);
    expect(await page.locator("#timeline li[data-seq]").count()).to.equal(2);
    // Missing acknowledgements: what the API lists.
    const missing = (await api.get("/v1/acknowledgements/missing", as(data.tokens.auditor))).body.exchanges;
    expect(missing).to.have.length(3);
    await until("the missing acknowledgements", async () => ((await page.locator("#missing tr[data-seq]").count()) === missing.length ? true : undefined));

    const first = data.exchanges.find((x) => x.dataset === "social/benefits-2026")!;
    await page.locator(`#timeline button[data-verify="${first.provider}/${first.id}"]`).click();
    const verdict = page.locator(`#timeline dx-verdict[data-for="${first.provider}/${first.id}"] [data-valid]`);
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute("data-valid")).to.equal("true");
    const steps = await page
      .locator(`#timeline dx-verdict[data-for="${first.provider}/${first.id}"] li`)
      .evaluateAll((ls) => ls.map((l) => [l.getAttribute("data-step"), l.getAttribute("data-ok")]));
    expect(steps).to.deep.equal([
      ["leaf-hash", "true"],
      ["inclusion", "true"],
      ["checkpoint", "true"],
      ["signature", "true"],
      ["consistency", "true"],
    ]);
    expect(await verdict.textContent()).to.contain("Receipt is VALID");
    await shoot(page, "auditor-provenance");

    // A tampered receipt, pasted on the Verify page, fails at its leaf hash.
    const receipt = (await api.get(`/v1/exchanges/${first.provider}/${first.id}/receipt`)).body;
    await page.locator('dx-app nav a[href="#/verify"]').click();
    await page.locator("dx-verify-view #receipt").fill(JSON.stringify(tampered(receipt)));
    await page.locator("dx-verify-view #verify").click();
    const bad = page.locator("dx-verify-view dx-verdict [data-valid]");
    await bad.waitFor({ timeout: 30_000 });
    expect(await bad.getAttribute("data-valid")).to.equal("false");
    expect(await page.locator('dx-verify-view li[data-step="leaf-hash"]').getAttribute("data-ok")).to.equal("false");
    expect(await bad.textContent()).to.contain("LEAF_HASH_MISMATCH");
    await shoot(page, "verify-tampered");
    // The genuine one, from a file.
    await page
      .locator("dx-verify-view #file")
      .setInputFiles({ name: "receipt.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(receipt)) });
    await until("the file's verdict", async () => ((await bad.getAttribute("data-valid")) === "true" ? true : undefined), 30_000);
    await ctx.close();
  });

  it("a department sees the provenance of its own exchanges, not the statistics", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.department);
    expect(await page.locator("dx-app nav a").allTextContents()).to.deep.equal(["Audit", "Verify", "Checkpoints", "Federation"]);
    await page.goto(`${svc.url}/#/stats`);
    await page.locator("dx-audit-view").waitFor();
    await page.goto(`${svc.url}/#/audit?dataset=${encodeURIComponent("health/visits-2025")}`);
    await page.locator("#timeline").waitFor();
    // health → social twice, health → tax once: the tax office sees only its own.
    await until("tax's view", async () => ((await page.locator("#timeline li[data-seq]").count()) === 1 ? true : undefined));
    expect(await page.locator("#missing").count()).to.equal(0);
    await ctx.close();
  });

  it("switches to Chinese, and remembers it on reload (the token stays in the tab)", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.regulator);
    await page.locator("#summary").waitFor();
    await page.locator("dx-app select#lang").selectOption("zh");
    await until("Chinese navigation", async () => ((await page.locator("dx-app nav a").first().textContent()) === "统计" ? true : undefined));
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("zh-CN");
    expect(await page.locator("#summary h2").textContent()).to.match(/\d{4}年/);
    await page.reload();
    await page.locator("#summary").waitFor();
    expect(await page.locator("dx-app nav a").first().textContent()).to.equal("统计");
    expect(await page.locator("#role").textContent()).to.equal("监管者");
    expect(await page.evaluate(() => [localStorage.getItem("dxledger.lang"), location.href.includes("dxl_")])).to.deep.equal(["zh", false]);
    await page.locator("#usage dx-chart[data-drawn]").waitFor();
    await shoot(page, "regulator-statistics-zh");
    await page.locator("dx-app select#lang").selectOption("en");
    await until("English again", async () => ((await page.locator("dx-app nav a").first().textContent()) === "Statistics" ? true : undefined));
    await ctx.close();
  });

  describe("every page: axe-core, desktop and phone", () => {
    const PAGES: Array<{ name: string; hash: string; token: () => string | null; ready: string }> = [
      { name: "sign-in", hash: "#/sign-in", token: () => null, ready: "dx-sign-in form" },
      { name: "statistics", hash: "#/stats", token: () => data.tokens.regulator, ready: "#flows dx-chart[data-drawn]" },
      {
        name: "audit",
        hash: `#/audit?dataset=${encodeURIComponent("social/benefits-2026")}`,
        token: () => data.tokens.auditor,
        ready: "#lineage dx-chart[data-drawn]",
      },
      { name: "verify", hash: "#/verify", token: () => null, ready: "dx-verify-view dl" },
      { name: "checkpoints", hash: "#/checkpoints", token: () => null, ready: "#checkpoints tr[data-index]" },
    ];
    for (const p of PAGES) {
      it(`${p.name}: no serious or critical axe violation; no horizontal scrolling at 375 px`, async () => {
        for (const [size, viewport] of [
          ["desktop", DESKTOP],
          ["phone", PHONE],
        ] as const) {
          const { ctx, page } = await newPage(viewport);
          const token = p.token();
          if (token) await signIn(page, token);
          await page.goto(`${svc.url}/${p.hash}`);
          await page.locator(p.ready).first().waitFor();
          if (p.name === "audit") await page.locator("#missing tr[data-seq]").first().waitFor();
          expect(await axeSerious(page), `${p.name} at ${size}`).to.deep.equal([]);
          const w = await fitsWidth(page);
          expect(w.scrollWidth, `${p.name} at ${size}: page width`).to.be.at.most(w.innerWidth);
          await shoot(page, `${p.name}-${size}`);
          await ctx.close();
        }
      });
    }
  });
});
