/**
 * `npm run demo` as a newcomer runs it: a small city (2 000 exchanges over
 * 7 days, seed 1) on an ephemeral port and a temp data dir; the printed URL
 * and tokens are all the test uses, through the API, then Ctrl-C (SIGINT)
 * must shut it down cleanly. Plus: the same seed draws the same city; the
 * summary's share is the city's (computed here from the seed); docs/regulators.md's
 * regulator examples answer something against the demo; `--host` is
 * honoured; with `--gateways 3` the printed department token works at the
 * printed console.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { verifyReceipt } from "@dxledger/verify";
import { Api, tempDir, until } from "../helpers/service.ts";
import { buildCatalog } from "../../scripts/demo/city/catalog.ts";
import { DEPARTMENTS, DISTRICTS } from "../../scripts/demo/city/departments.ts";
import { rng } from "../../scripts/demo/city/random.ts";
import { planTraffic } from "../../scripts/demo/city/traffic.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const EXCHANGES = 2000;

function drawCity(seed: number, o = { exchanges: 500, days: 7, endDayMs: Date.UTC(2026, 10, 30) }) {
  const r = rng(seed);
  const catalog = buildCatalog(r);
  return { catalog, plan: planTraffic(r, catalog, o) };
}

/** Yesterday, UTC (the demo's default last day), given explicitly so that the test draws the same city as the demo. */
const END_MS = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
const END = new Date(END_MS).toISOString().slice(0, 10);

/** The city's most used dataset and its share as the demo prints it, computed from the seed alone (not from any gateway). */
function expectedTop(seed: number, exchanges: number, days: number): { key: string; percent: string } {
  const counts = new Map<string, number>();
  for (const p of drawCity(seed, { exchanges, days, endDayMs: END_MS }).plan) counts.set(p.record.dataset, (counts.get(p.record.dataset) ?? 0) + 1);
  const [key, n] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  return { key, percent: ((100 * n) / exchanges).toFixed(0) };
}

/** Starts the demo with `args`; resolves once it serves, with what it printed. */
async function runDemo(args: string[]): Promise<{ child: ChildProcess; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(ROOT, "scripts/demo/city.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  await until(
    "the demo to print its tokens",
    () => {
      if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${out}`);
      return out.includes("serving until Ctrl-C") ? true : undefined;
    },
    75_000,
    200,
  ).catch((e: unknown) => {
    child.kill("SIGTERM");
    return Promise.reject(new Error(`${(e as Error).message}\n${out}`));
  });
  return { child, out: () => out, exited };
}

/** The regulators' guide's examples (docs/regulators.md): each `curl` line of the block under "For regulators", after the block's other lines (R=, FROM=, TO=). */
function regulatorExamples(): { prelude: string; curls: string[] } {
  const guide = readFileSync(join(ROOT, "docs", "regulators.md"), "utf8");
  const section = guide.slice(guide.indexOf("\n## For regulators"));
  const block = /```bash\n([\s\S]*?)```/.exec(section)![1]!;
  const lines = block.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  return { prelude: lines.filter((l) => !l.startsWith("curl ")).join("\n"), curls: lines.filter((l) => l.startsWith("curl ")) };
}

/** The exchanges an answer of the guide's examples counts: a JSON answer's total (and how many groups), a CSV's sum of its exchanges column. */
function counted(text: string): { exchanges: number; rows: number } {
  if (text.startsWith("{")) {
    const j = JSON.parse(text) as { total: { exchanges: number }; groups: unknown[] };
    return { exchanges: j.total.exchanges, rows: j.groups.length };
  }
  // …,exchanges,records: the second cell from the end (a quoted purpose may hold commas).
  const rows = text.split("\r\n").slice(1, -1);
  return { exchanges: rows.reduce((n, r) => n + Number(r.split(",").at(-2)), 0), rows: rows.length };
}

describe("e2e: npm run demo (a city in a box)", function () {
  this.timeout(90_000);

  it("the same seed draws the same city; another seed another traffic", () => {
    const a = drawCity(1);
    expect(JSON.stringify(drawCity(1))).to.equal(JSON.stringify(a));
    expect(JSON.stringify(drawCity(2).plan)).to.not.equal(JSON.stringify(a.plan));
    expect(a.catalog.departments).to.have.length(90);
    expect(a.catalog.byRank.length).to.be.within(200, 400);
    expect(a.catalog.byRank.filter((d) => d.derivedFrom.length).length).to.be.greaterThan(30);
  });

  it("builds the city through the API, prints the console URL and a token per role, and stops cleanly on Ctrl-C", async () => {
    const dir = tempDir("dxledger-demo-test-");
    // Another loopback address than the default: --host is where it listens.
    const demo = await runDemo([
      ...["--exchanges", String(EXCHANGES), "--days", "7", "--seed", "1", "--end", END],
      ...["--port", "0", "--host", "127.0.0.2", "--data-dir", join(dir, "city")],
    ]).catch((e: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    });
    const { child, exited } = demo;
    const out = demo.out();
    try {
      // What a newcomer reads: the console, the API reference, a token per role, and the city in numbers.
      const base = /^\s+console\s+(http:\/\/127\.0\.0\.2:\d+)\/$/m.exec(out)?.[1];
      expect(base, out).to.be.a("string");
      expect(out).to.include(`API docs     ${base}/docs`);
      const tokens = Object.fromEntries([...out.matchAll(/^ {4}(admin|auditor|regulator|department:[a-z0-9-]+)\s+(dxl_\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
      expect(Object.keys(tokens)).to.have.members(["admin", "auditor", "regulator", "department:tax"]);
      const [, from, to] = /exchanges from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)/.exec(out)!;
      const acked = Number(/([\d,]+) acknowledged \(([\d,]+) not\)/.exec(out)![1]!.replace(/,/g, ""));
      const notAcked = Number(/acknowledged \(([\d,]+) not\)/.exec(out)![1]!.replace(/,/g, ""));
      const datasets = Number(/departments, (\d+) datasets/.exec(out)![1]);
      expect(acked + notAcked).to.equal(EXCHANGES);

      const api = (role: string) => new Api(base!, tokens[role]);
      const admin = api("admin");
      const auditor = api("auditor");
      const regulator = api("regulator");

      // 80 departments and 10 districts, each registered on chain with its own key and a bilingual name.
      const deps = (await admin.get("/v1/departments")).body.departments as Array<{ id: string; name: string; signer: string; status: string }>;
      expect(deps)
        .to.have.length(DEPARTMENTS.length + DISTRICTS.length)
        .and.to.be.at.least(90);
      expect(new Set(deps.map((d) => d.signer)).size, "one key per department").to.equal(deps.length);
      expect(deps.find((d) => d.id === "tax")?.name).to.equal("税务局 Tax Bureau");
      expect(deps.filter((d) => d.id.startsWith("district-"))).to.have.length(10);

      // Statistics count exactly the exchanges recorded; every dataset was used, one of them a lot.
      const usage = (await regulator.get(`/v1/stats/usage?from=${from}&to=${to}&groupBy=dataset`)).body;
      expect(usage.total.exchanges).to.equal(EXCHANGES);
      expect(usage.groups).to.have.length(datasets);
      expect(datasets).to.be.within(200, 400);
      const byDay = (await regulator.get(`/v1/stats/usage?from=${from}&to=${to}&groupBy=day`)).body;
      expect(byDay.groups).to.have.length(7);
      const top = (await regulator.get(`/v1/stats/top?by=dataset&from=${from}&to=${to}&limit=5`)).body;
      const share = (n: number) => n / EXCHANGES;
      expect(share(top.groups[0].exchanges), "the top dataset's share").to.be.greaterThan(0.15);
      expect(share(top.groups.reduce((s: number, g: { exchanges: number }) => s + g.exchanges, 0)), "the top five's share").to.be.greaterThan(0.35);
      // The summary names the city's most used dataset and its share, as the seed's traffic has it.
      const want = expectedTop(1, EXCHANGES, 7);
      expect(out).to.include(`the most used dataset, ${want.key}, takes ${want.percent} % of the exchanges\n`);

      // The regulators' guide's examples, pasted as they are (but for the address), answer something.
      const examples = regulatorExamples();
      expect(examples.curls).to.have.length.at.least(5);
      for (const curl of examples.curls) {
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", `${examples.prelude}\n${curl.replaceAll("http://127.0.0.1:8080", base!)}`], {
          env: { ...process.env, REGULATOR_TOKEN: tokens.regulator },
          encoding: "utf8",
          timeout: 20_000,
        });
        expect(r.status, r.stderr).to.equal(0);
        const c = counted(r.stdout);
        expect([c.exchanges > 0, c.rows > 0], `${curl}\n${r.stdout.slice(0, 300)}`).to.deep.equal([true, true]);
      }

      // Most exchanges acknowledged, a few not: exactly those the demo says.
      let missing = 0;
      for (let path: string | null = "/v1/acknowledgements/missing?limit=1000"; path;) {
        const page: { exchanges: unknown[]; next: string | null } = (await auditor.get(path)).body;
        missing += page.exchanges.length;
        path = page.next;
      }
      expect(missing).to.equal(notAcked);
      expect(missing)
        .to.be.greaterThan(0)
        .and.lessThan(EXCHANGES * 0.15);

      // Everything anchored: every exchange and acknowledgement is under the latest checkpoint, and there were several.
      const info = (await admin.get("/v1/info")).body;
      expect(info.treeSize).to.equal(EXCHANGES + acked);
      expect(info.anchoredSize).to.equal(info.treeSize);
      const checkpoints = (await admin.get("/v1/checkpoints?limit=100")).body.checkpoints;
      expect(checkpoints.length).to.be.at.least(7);

      // The regulator reads aggregates and writes nothing.
      expect((await regulator.get(`/v1/stats/flows?from=${from}&to=${to}`)).status).to.equal(200);
      expect((await regulator.post("/v1/anchor")).status).to.equal(403);
      expect((await regulator.post("/v1/exchanges/batch", { records: [] })).status).to.equal(403);
      expect((await regulator.get("/v1/acknowledgements/missing")).status).to.equal(403);

      // A receipt of the most used dataset verifies with the auditors' package, against the chain, pinned from /v1/info.
      const prov = (await auditor.get(`/v1/datasets/${encodeURIComponent(top.groups[0].key)}/provenance?limit=1`)).body;
      const receipt = (await auditor.get(prov.exchanges[0].receipt)).body;
      const verdict = await verifyReceipt(receipt, { rpcUrl: info.rpcUrl, pins: { chainId: info.chainId, contract: info.contract, logId: info.logId } });
      expect(verdict.valid, JSON.stringify(verdict.checks)).to.equal(true);
      // Lineage is there: a derived dataset names its sources.
      const derived = (await auditor.get("/v1/datasets/statistics%2Fpopulation-estimates/provenance?limit=1")).body;
      expect(derived.lineage.upstream.map((e: { source: string }) => e.source)).to.include("civil-registry/births");

      // The department's token sees its own department's exchanges only.
      const tax = api("department:tax");
      expect((await tax.get(`/v1/stats/usage?from=${from}&to=${to}`)).status).to.equal(403);

      child.kill("SIGINT");
      expect(await exited, demo.out()).to.equal(0);
      expect(demo.out()).to.match(/received SIGINT, shutting down\nstopped\n/);
      const chainGone = await fetch(info.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
      }).then(
        () => false,
        () => true,
      );
      expect(chainGone, "the embedded chain stopped with the demo").to.equal(true);
    } finally {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with --gateways 3: the printed tokens work at the printed console, and the summary is the whole city's", async () => {
    const dir = tempDir("dxledger-demo-fed-test-");
    const n = 600;
    const demo = await runDemo([
      ...["--gateways", "3", "--exchanges", String(n), "--days", "3", "--seed", "1", "--end", END],
      ...["--port", "0", "--host", "127.0.0.2", "--data-dir", join(dir, "city")],
    ]).catch((e: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    });
    const out = demo.out();
    try {
      const base = /^\s+console\s+(http:\/\/127\.0\.0\.2:\d+)\/$/m.exec(out)?.[1];
      expect(base, out).to.be.a("string");
      const tokens = Object.fromEntries([...out.matchAll(/^ {4}(admin|auditor|regulator|department:[a-z0-9-]+)\s+(dxl_\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
      expect(Object.keys(tokens)).to.have.members(["admin", "auditor", "regulator", "department:tax"]);
      // Every printed token is accepted by the printed console, as the role it is printed as.
      for (const [role, token] of Object.entries(tokens)) {
        const who = await new Api(base!, token).get("/v1/whoami");
        expect([who.status, [who.body.role, who.body.department].filter(Boolean).join(":")], role).to.deep.equal([200, role]);
      }
      // Every gateway and the hub listen on --host.
      const urls = [...out.matchAll(/(http:\/\/[\d.]+):\d+\/(?:\s|v1\/federation)/g)].map((m) => m[1]);
      expect(urls.length, out).to.be.at.least(5);
      expect(new Set(urls), out).to.deep.equal(new Set(["http://127.0.0.2"]));
      // The summary's most used dataset and share are the city's (all gateways), as the seed's traffic has it.
      const want = expectedTop(1, n, 3);
      expect(out).to.include(`the most used dataset, ${want.key}, takes ${want.percent} % of the exchanges`);
      // The hub agrees.
      const hubUrl = /^\s+hub\s+(http:\/\/\S+)\/v1\/federation/m.exec(out)![1]!;
      const hubRegulator = /^ {4}regulator\s+(hub-regulator-\S+)$/m.exec(out)![1]!;
      const [, from, to] = /exchanges from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)/.exec(out)!;
      const hubTop = (await new Api(hubUrl, hubRegulator).get(`/v1/stats/top?by=dataset&from=${from}&to=${to}&limit=1`)).body;
      expect([hubTop.complete, hubTop.groups[0].key, ((100 * hubTop.groups[0].exchanges) / n).toFixed(0)]).to.deep.equal([true, want.key, want.percent]);

      demo.child.kill("SIGINT");
      expect(await demo.exited, demo.out()).to.equal(0);
    } finally {
      if (demo.child.exitCode === null) {
        demo.child.kill("SIGTERM");
        await demo.exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
