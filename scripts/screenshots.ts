/**
 * npm run screenshots: the README's pictures of the console, regenerated.
 * Builds the console, starts the service on a temporary data dir (embedded
 * chain), fills it with a small city — 14 departments, 28 datasets with
 * lineage, ~600 exchanges over 90 days, skewed towards a few datasets, most
 * acknowledged — anchors it in four checkpoints, and writes, with Debian's
 * Chromium at 1280×800:
 *   docs/screenshots/regulator-dashboard.png   statistics, per day, 90 days
 *   docs/screenshots/auditor-provenance.png    a dataset's lineage and timeline, one receipt verified in the page
 *   docs/screenshots/checkpoints.png           anchoring health and the latest checkpoints
 * The data are drawn from a seeded generator: the same city every run (the
 * dates move with today).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Api, start, tempDir } from "../test/helpers/service.ts";
import { seed, type Plan, type PlannedExchange } from "../test/console/seed.ts";
import { DESKTOP, launch } from "../test/console/browser.ts";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "docs", "screenshots");

/** mulberry32: a small seeded generator, so the city is the same every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS: Array<[string, string]> = [
  ["tax", "Tax Office"],
  ["registry", "Population Registry"],
  ["health", "Health Department"],
  ["social", "Social Services"],
  ["housing", "Housing Authority"],
  ["education", "Education Department"],
  ["labour", "Labour Office"],
  ["transport", "Transport Department"],
  ["police", "City Police"],
  ["environment", "Environment Agency"],
  ["planning", "Urban Planning"],
  ["finance", "Finance Department"],
  ["stats", "Statistics Office"],
  ["district-north", "North District Office"],
];

/** dataset, derived from, the consumers it goes to, their purposes. */
const DATASETS: Array<[string, string[], string[], string]> = [
  ["registry/residents", [], ["tax", "health", "social", "education", "housing", "police", "district-north"], "identity and address check"],
  ["registry/births-deaths", [], ["health", "social", "stats"], "register update"],
  ["tax/income-2025", [], ["social", "housing", "stats", "finance"], "benefit eligibility"],
  ["tax/business-register", [], ["labour", "stats", "planning"], "business statistics"],
  ["health/vaccinations", ["registry/residents"], ["education", "stats"], "school entry check"],
  ["health/hospital-admissions", [], ["stats", "social"], "care planning"],
  ["social/benefit-claims", ["tax/income-2025", "registry/residents"], ["finance", "stats", "housing", "district-north"], "payment reconciliation"],
  ["social/care-needs", ["health/hospital-admissions", "registry/residents"], ["health", "district-north"], "home care allocation"],
  ["housing/waiting-list", ["registry/residents", "tax/income-2025"], ["social", "planning"], "housing allocation"],
  ["housing/rent-subsidies", ["housing/waiting-list", "social/benefit-claims"], ["finance", "stats"], "subsidy payments"],
  ["education/enrolments", ["registry/residents", "health/vaccinations"], ["transport", "stats", "planning"], "school transport planning"],
  ["labour/jobseekers", ["tax/business-register"], ["social", "education", "stats"], "employment support"],
  ["transport/school-routes", ["education/enrolments"], ["planning", "district-north"], "route planning"],
  ["transport/traffic-counts", [], ["environment", "planning", "police"], "traffic management"],
  ["police/incident-stats", [], ["stats", "planning", "district-north"], "public safety reporting"],
  ["environment/air-quality", ["transport/traffic-counts"], ["health", "planning", "stats"], "health impact assessment"],
  ["planning/land-use", ["housing/waiting-list", "transport/traffic-counts"], ["environment", "housing"], "zoning"],
  ["finance/budget-lines", [], ["stats", "planning"], "budget monitoring"],
  ["stats/poverty-index", ["social/benefit-claims", "tax/income-2025", "housing/rent-subsidies"], ["social", "finance", "planning"], "policy planning"],
  ["stats/population-forecast", ["registry/births-deaths", "registry/residents"], ["planning", "education", "health", "housing"], "long-term planning"],
  ["stats/labour-market", ["labour/jobseekers", "tax/business-register"], ["labour", "finance"], "policy planning"],
  ["district-north/service-requests", [], ["social", "housing", "transport"], "service delivery"],
  ["health/care-capacity", ["health/hospital-admissions", "stats/population-forecast"], ["planning", "social"], "capacity planning"],
  ["education/special-needs", ["education/enrolments", "health/vaccinations"], ["social", "transport"], "support allocation"],
  ["social/child-protection", ["registry/residents", "police/incident-stats"], ["health", "education"], "safeguarding"],
  ["environment/noise-map", ["transport/traffic-counts"], ["planning", "health"], "noise action plan"],
  ["finance/grants", ["finance/budget-lines", "stats/poverty-index"], ["social", "district-north"], "grant allocation"],
  ["planning/building-permits", ["planning/land-use"], ["tax", "environment", "stats"], "property assessment"],
];

function cityPlan(): Plan {
  const r = rng(20261101);
  const exchanges: PlannedExchange[] = [];
  // Zipf-like weights: the first datasets take most of the use.
  const weights = DATASETS.map((_, i) => 1 / Math.pow(i + 1, 0.9));
  const sum = weights.reduce((a, b) => a + b, 0);
  for (let n = 0; n < 600; n++) {
    let x = r() * sum;
    let i = 0;
    while (x > weights[i]! && i < DATASETS.length - 1) x -= weights[i++]!;
    const [dataset, , consumers, purpose] = DATASETS[i]!;
    const daysAgo = 90 * Math.pow(r(), 0.8) + 0.05;
    exchanges.push({
      dataset,
      consumer: consumers[Math.floor(r() * consumers.length)]!,
      purpose,
      recordCount: Math.max(1, Math.round(Math.exp(3 + r() * 6))),
      daysAgo,
      ack: r() > 0.06 || daysAgo > 60,
    });
  }
  exchanges.sort((a, b) => b.daysAgo - a.daysAgo);
  const q = Math.ceil(exchanges.length / 4);
  return {
    departments: DEPARTMENTS.map(([id, name]) => ({ id, name })),
    datasets: DATASETS.map(([id, derivedFrom]) => ({ id, derivedFrom })),
    groups: [0, 1, 2, 3].map((k) => exchanges.slice(k * q, (k + 1) * q)),
    legalBasis: "City Data Sharing Ordinance s.4",
  };
}

const built = spawnSync(process.execPath, [join(ROOT, "scripts/build-console.mjs")], { cwd: ROOT, stdio: "inherit" });
if (built.status !== 0) process.exit(1);
mkdirSync(OUT, { recursive: true });
const dir = tempDir("dxledger-screenshots-");
const svc = await start(dir);
const browser = await launch();
try {
  const t0 = Date.now();
  const data = await seed(new Api(svc.url, svc.adminToken), cityPlan(), (done, total) =>
    process.stdout.write(`\rseeding the city: ${done}/${total} exchanges`),
  );
  process.stdout.write(` (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  const ctx = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1, locale: "en-GB" });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  const signIn = async (token: string) => {
    await page.goto(`${svc.url}/#/sign-in`);
    await page.locator('dx-sign-in input[name="token"]').fill(token);
    await page.locator('dx-sign-in button[type="submit"]').click();
    await page.locator("#role").waitFor();
  };
  const shot = async (name: string, fullPage = true) => {
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    console.log(`wrote docs/screenshots/${name}.png`);
  };

  await signIn(data.tokens.regulator);
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
  await page.locator('dx-stats-view input[name="from"]').fill(from);
  await page.locator('dx-stats-view input[name="to"]').fill(to);
  await page.locator('dx-stats-view select[name="granularity"]').selectOption("day");
  await page.locator('dx-stats-view button[type="submit"]').click();
  await page.locator(`#summary[data-exchanges] h2`).waitFor();
  for (const c of ["#usage", "#top", "#flows"]) await page.locator(`${c} dx-chart[data-drawn]`).waitFor();
  await shot("regulator-dashboard");

  await page.locator("#sign-out").click();
  await signIn(data.tokens.auditor);
  const dataset = "social/benefit-claims";
  await page.goto(`${svc.url}/#/audit?dataset=${encodeURIComponent(dataset)}`);
  await page.locator("#lineage dx-chart[data-drawn]").waitFor();
  await page.locator("#missing tr[data-seq]").first().waitFor();
  const verify = page.locator("#timeline button[data-verify]").first();
  const key = await verify.getAttribute("data-verify");
  await verify.click();
  await page.locator(`#timeline dx-verdict[data-for="${key}"] [data-valid]`).waitFor({ timeout: 60_000 });
  await shot("auditor-provenance", false);

  await page.goto(`${svc.url}/#/checkpoints`);
  await page.locator("#checkpoints tr[data-index]").first().waitFor();
  await shot("checkpoints");
  await ctx.close();
} finally {
  await browser.close();
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
}
