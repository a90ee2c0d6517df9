/**
 * Issue 18 item 15, in Debian's Chromium against a real service: 90
 * departments exchanging at random (seeded) over the last 30 days.
 * - The flow Sankey draws the N largest flows and the rest as one "others"
 *   flow (at most N + 1 links, summing to the API's total); N changes from the
 *   page and from the address (`#/stats?flows=N`).
 * - The statistics open on the days the data spans, not a year of months.
 * - In Chinese, log entries (日志条目) and data records (数据记录) read apart.
 * - A tampered receipt: the failing step is failed, with its reason in the
 *   page's language and its code; the steps after it are "not checked", not failed.
 */
import { expect } from "chai";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ifSet, Api, start, tempDir, until } from "../helpers/service.ts";
import { seededRandom } from "../helpers/seeded.ts";
import { tampered } from "../helpers/receipts.ts";
import type { RunningService } from "../../src/server.ts";
import { seed, type Plan, type PlannedExchange, type Seeded } from "./seed.ts";
import { DESKTOP, launch, watchErrors } from "./browser.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const DEPARTMENTS = 90;
const EXCHANGES = 900;

/** 90 departments, each providing one dataset; EXCHANGES exchanges between random pairs, on random days of the last 30. */
function plan(): Plan {
  const random = seededRandom(18_15);
  const id = (i: number) => `d${String(i).padStart(2, "0")}`;
  const departments = Array.from({ length: DEPARTMENTS }, (_, i) => ({ id: id(i), name: `Department ${i}` }));
  const pick = () => Math.floor(random() * DEPARTMENTS);
  const exchanges: PlannedExchange[] = Array.from({ length: EXCHANGES }, () => {
    const p = pick();
    const c = (p + 1 + Math.floor(random() * (DEPARTMENTS - 1))) % DEPARTMENTS;
    return {
      dataset: `${id(p)}/data`,
      consumer: id(c),
      purpose: "planning",
      recordCount: 1 + Math.floor(random() * 1000),
      daysAgo: 0.5 + random() * 29,
      ack: false,
    };
  });
  return { departments, datasets: departments.map((d) => ({ id: `${d.id}/data` })), groups: [exchanges] };
}

describe("console readability (issue 18 item 15) in Chromium", function () {
  this.timeout(120_000);
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let data: Seeded;
  let browser: Browser;
  const errors: string[] = [];

  before(async function () {
    this.timeout(240_000);
    // npm test (scripts/run-tests.ts) built web/dist from the current sources before any test ran.
    expect(existsSync(join(ROOT, "web/dist/index.html")), "web/dist is built (npm test builds it; alone: npm run console:build)").to.equal(true);
    dir = tempDir("dxledger-console-18-");
    [svc, browser] = await Promise.all([start(dir), launch()]);
    api = new Api(svc.url, svc.adminToken);
    data = await seed(api, plan());
  });
  after(async () => {
    await ifSet(browser)?.close();
    await ifSet(svc)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(errors, "console errors").to.deep.equal([]);
  });

  const newPage = async (lang: "en" | "zh" = "en"): Promise<{ ctx: BrowserContext; page: Page }> => {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    await ctx.addInitScript((l) => localStorage.setItem("dxledger.lang", l), lang);
    const page = await ctx.newPage();
    const mine = watchErrors(page);
    page.on("close", () => errors.push(...mine));
    return { ctx, page };
  };
  const signIn = async (page: Page, token: string, hash = "#/stats") => {
    await page.goto(`${svc.url}/#/sign-in`);
    await page.locator('dx-sign-in input[name="token"]').fill(token);
    await page.locator('dx-sign-in button[type="submit"]').click();
    await page.locator("#role").waitFor();
    await page.goto(`${svc.url}/${hash}`);
  };
  const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);
  const links = async (page: Page) => Number(await attr(page, "#flows", "data-links"));
  const regulator = () => ({ token: data.tokens.regulator });

  it("opens on the days the data spans: from its first day to its last, no empty months before", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.regulator);
    await page.locator("#summary").waitFor();
    const from = await page.locator('dx-stats-view input[name="from"]').inputValue();
    const to = await page.locator('dx-stats-view input[name="to"]').inputValue();
    const days = (await api.get(`/v1/stats/usage?from=2000-01-01&to=2100-12-31&groupBy=day`, regulator())).body;
    expect(days.total.exchanges).to.equal(EXCHANGES);
    const keys = days.groups.map((g: { key: string }) => g.key).sort();
    expect([from, to]).to.deep.equal([keys[0], keys.at(-1)]);
    const today = Date.parse(new Date().toISOString().slice(0, 10));
    expect((today - Date.parse(from)) / 86_400_000, "days from the range's start to today").to.be.at.most(31);
    expect(await attr(page, "#summary", "data-exchanges")).to.equal(String(EXCHANGES));
    expect(await page.locator('dx-stats-view select[name="granularity"]').inputValue()).to.equal("day");
    await ctx.close();
  });

  it("draws the 20 largest flows and the rest as one, with the API's total; N changes from the page and the address", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, data.tokens.regulator);
    await page.locator("#flows dx-chart[data-drawn]").waitFor();
    const from = await page.locator('dx-stats-view input[name="from"]').inputValue();
    const to = await page.locator('dx-stats-view input[name="to"]').inputValue();
    const flows = (await api.get(`/v1/stats/flows?from=${from}&to=${to}`, regulator())).body.flows as Array<{ exchanges: number }>;
    const total = flows.reduce((s, f) => s + f.exchanges, 0);
    expect(total).to.equal(EXCHANGES);
    expect(flows.length, "distinct flows").to.be.above(500);
    expect(await links(page)).to.equal(21);
    expect(await attr(page, "#flows", "data-link-exchanges")).to.equal(String(total));
    expect(await page.locator("#flows-shown").textContent()).to.contain(`The 20 largest of ${flows.length} flows`);

    await page.locator("#flows-top").fill("5");
    await page.locator("#flows-top").press("Tab");
    await until("5 flows and the rest", async () => ((await links(page)) === 6 ? true : undefined));
    expect(await attr(page, "#flows", "data-link-exchanges")).to.equal(String(total));
    expect(page.url()).to.contain("#/stats?flows=5");

    await page.goto(`${svc.url}/#/stats?flows=7`);
    await page.reload();
    await page.locator("#flows dx-chart[data-drawn]").waitFor();
    expect(await links(page)).to.equal(8);
    expect(await page.locator("#flows-top").inputValue()).to.equal("7");
    await ctx.close();
  });

  it("in Chinese, log entries are 日志条目 and data records 数据记录: two different words", async () => {
    const { ctx, page } = await newPage("zh");
    await signIn(page, data.tokens.regulator);
    await page.locator("#usage dx-chart[data-drawn]").waitFor();
    const entries = (await page.locator("#asof").textContent())!;
    const records = (await page.locator('#usage [data-role="chart-total"]').textContent())!;
    expect(entries).to.contain("日志条目").and.not.contain("记录");
    expect(records).to.contain("数据记录").and.not.contain("条目");
    expect(await page.locator("#summary .totals").textContent()).to.contain("数据记录数");
    await ctx.close();
  });

  for (const [lang, failed, skipped, reason] of [
    ["en", "failed", "not checked", "the entry was changed"],
    ["zh", "失败", "未检查", "日志条目的哈希与收据中的叶哈希不符"],
  ] as const) {
    it(`a tampered receipt (${lang}): its leaf hash failed, with the reason in words and the code; later steps not checked, not failed`, async () => {
      const first = data.exchanges[0]!;
      const receipt = (await api.get(`/v1/exchanges/${first.provider}/${first.id}/receipt`)).body;
      expect(receipt.leafHash).to.equal(first.leafHash);
      const { ctx, page } = await newPage(lang);
      await page.goto(`${svc.url}/#/verify`);
      await page.locator("dx-verify-view dl").waitFor();
      await page.locator("dx-verify-view #receipt").fill(JSON.stringify(tampered(receipt)));
      await page.locator("dx-verify-view #verify").click();
      await page.locator("dx-verify-view dx-verdict [data-valid]").waitFor({ timeout: 30_000 });
      const steps = await page.locator("dx-verify-view dx-verdict li").evaluateAll((ls) =>
        ls.map((l) => ({
          step: l.getAttribute("data-step"),
          state: l.getAttribute("data-state"),
          text: l.textContent,
          // The step's state word: the second span of its heading line (old and new markup alike).
          said: l.querySelector(":scope > span:nth-of-type(2) > span")?.textContent.trim() ?? "",
          bad: l.querySelectorAll(".bad").length,
        })),
      );
      expect(steps.map((s) => s.step)).to.deep.equal(["leaf-hash", "inclusion", "checkpoint", "signature", "consistency"]);
      const [leaf, ...later] = steps;
      // The later steps were not run: "not checked", nothing in red.
      for (const s of later) {
        expect(s.said, s.step!).to.equal(skipped);
        expect(s.bad, `${s.step!} shown in red`).to.equal(0);
      }
      // What a person reads: the failed step says so, with its reason in the page's language and its code.
      expect(leaf!.text).to.contain(failed).and.contain("LEAF_HASH_MISMATCH").and.contain(reason);
      expect(leaf!.bad, "leaf-hash shown in red").to.be.above(0);
      expect(steps.map((s) => s.state)).to.deep.equal(["failed", "skipped", "skipped", "skipped", "skipped"]);
      await ctx.close();
    });
  }
});
