/**
 * `npm run demo` as a newcomer runs it: a small city (2 000 exchanges over
 * 7 days, seed 1) on an ephemeral port and a temp data dir; the printed URL
 * and tokens are all the test uses, through the API, then Ctrl-C (SIGINT)
 * must shut it down cleanly. Plus: the same seed draws the same city.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { verifyReceipt } from "@dxledger/verify";
import { Api, tempDir, until } from "../helpers/service.ts";
import { buildCatalog } from "../../scripts/demo/city/catalog.ts";
import { DEPARTMENTS, DISTRICTS } from "../../scripts/demo/city/departments.ts";
import { rng } from "../../scripts/demo/city/random.ts";
import { planTraffic } from "../../scripts/demo/city/traffic.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const EXCHANGES = 2000;

function drawCity(seed: number) {
  const r = rng(seed);
  const catalog = buildCatalog(r);
  return { catalog, plan: planTraffic(r, catalog, { exchanges: 500, days: 7, endDayMs: Date.UTC(2026, 10, 30) }) };
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
    const child = spawn(
      process.execPath,
      [join(ROOT, "scripts/demo/city.ts"), "--exchanges", String(EXCHANGES), "--days", "7", "--seed", "1", "--port", "0", "--data-dir", join(dir, "city")],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: "error" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await until(
        "the demo to print its tokens",
        () => {
          if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${out}`);
          return out.includes("serving until Ctrl-C") ? true : undefined;
        },
        75_000,
        200,
      ).catch((e: unknown) => Promise.reject(new Error(`${(e as Error).message}\n${out}`)));

      // What a newcomer reads: the console, the API reference, a token per role, and the city in numbers.
      const base = /^\s+console\s+(http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(out)?.[1];
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
      expect(await exited, out).to.equal(0);
      expect(out).to.match(/received SIGINT, shutting down\nstopped\n/);
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
});
