import { expect } from "chai";
import { rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Api, dept, signExchange, start, tempDir, unsigned, type Dept } from "../helpers/service.ts";
import type { RunningService } from "../../src/server.ts";

const PROV_KEYS = new Set([
  "prefix",
  "entity",
  "activity",
  "agent",
  "wasGeneratedBy",
  "used",
  "wasInformedBy",
  "wasStartedBy",
  "wasEndedBy",
  "wasInvalidatedBy",
  "wasDerivedFrom",
  "wasAttributedTo",
  "wasAssociatedWith",
  "actedOnBehalfOf",
  "wasInfluencedBy",
  "specializationOf",
  "alternateOf",
  "hadMember",
  "bundle",
]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the shape the PROV-JSON submission's schema prescribes, and that every reference resolves. */
function assertProvJson(doc: any): void {
  for (const k of Object.keys(doc)) expect(PROV_KEYS.has(k), `top-level key ${k}`).to.equal(true);
  expect(doc.prefix).to.be.an("object");
  const declared = new Set([...Object.keys(doc.prefix), "prov", "xsd"]);
  const qname = (id: string) => {
    const m = /^([A-Za-z_][\w.-]*):/.exec(id);
    expect(m && (declared.has(m[1]!) || m[1] === "_"), `prefix of ${id}`).to.equal(true);
  };
  for (const kind of ["entity", "activity", "agent"]) {
    for (const [id, attrs] of Object.entries<any>(doc[kind] ?? {})) {
      qname(id);
      expect(attrs).to.be.an("object");
      for (const k of Object.keys(attrs)) qname(k);
      // A value given as an object is a typed literal: exactly "$" and "type".
      const typed = Object.values<any>(attrs).filter((v) => v && typeof v === "object");
      expect(
        typed.map((v) => Object.keys(v).sort()),
        id,
      ).to.deep.equal(typed.map(() => ["$", "type"]));
      const times = kind === "activity" ? ["prov:startTime", "prov:endTime"].map((t) => attrs[t]).filter(Boolean) : [];
      expect(
        times.filter((t) => !ISO.test(t)),
        `${id}: times not in ISO 8601`,
      ).to.deep.equal([]);
    }
  }
  const refs: Record<string, Record<string, string>> = {
    used: { "prov:activity": "activity", "prov:entity": "entity" },
    wasAssociatedWith: { "prov:activity": "activity", "prov:agent": "agent" },
    wasDerivedFrom: { "prov:generatedEntity": "entity", "prov:usedEntity": "entity" },
  };
  for (const [rel, fields] of Object.entries(refs)) {
    for (const r of Object.values<any>(doc[rel] ?? {})) {
      for (const [f, kind] of Object.entries(fields)) expect(doc[kind], `${rel} ${f}`).to.have.property(r[f]);
    }
  }
}

describe("e2e: provenance", () => {
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let domain: any;
  const tax = dept("tax");
  const health = dept("health");
  const schools = dept("schools");
  const send = async (d: Dept, consumer: string, dataset: string, derivedFrom: string[] = []) => {
    const r = await api.post("/v1/exchanges", await signExchange(d.wallet, domain, unsigned(d.id, consumer, { dataset, derivedFrom })));
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.seq as number;
  };
  const seqs: Record<string, number[]> = {};

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health, schools]) await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    // Three levels: raw/census → stats/population → stats/schools-2026, plus a second source.
    seqs.census = [await send(tax, "health", "raw/census"), await send(tax, "schools", "raw/census")];
    seqs.population = [await send(health, "schools", "stats/population", ["raw/census", "raw/births"])];
    seqs.schools = [await send(schools, "tax", "stats/schools-2026", ["stats/population"])];
    for (let i = 0; i < 5; i++) seqs.census.push(await send(tax, i % 2 ? "health" : "schools", "raw/census"));
    await api.post("/v1/anchor");
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the origin, every exchange in order with its anchoring, and lineage three levels deep", async () => {
    const r = await api.get(`/v1/datasets/${encodeURIComponent("stats/schools-2026")}/provenance`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.origin).to.include({ provider: "schools", seq: seqs.schools![0] });
    expect(r.body.exchanges.map((x: any) => x.seq)).to.deep.equal(seqs.schools);
    const x = r.body.exchanges[0];
    expect(x).to.include({ provider: "schools", consumer: "tax", status: "anchored", receipt: `/v1/entries/${x.seq}/receipt` });
    expect(x.leafHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(x.checkpoint.treeSize).to.be.greaterThan(x.seq);
    const receipt = await api.get(x.receipt);
    expect(receipt.body.leafHash).to.equal(x.leafHash);
    const up = r.body.lineage.upstream.map((e: any) => [e.dataset, e.source, e.depth]);
    expect(up).to.have.deep.members([
      ["stats/schools-2026", "stats/population", 1],
      ["stats/population", "raw/births", 2],
      ["stats/population", "raw/census", 2],
    ]);
    expect(r.body.lineage.downstream).to.deep.equal([]);
    const down = (await api.get(`/v1/datasets/raw%2Fcensus/provenance`)).body.lineage.downstream.map((e: any) => [e.dataset, e.source, e.depth]);
    expect(down).to.have.deep.members([
      ["stats/population", "raw/census", 1],
      ["stats/schools-2026", "stats/population", 2],
    ]);
    // Path segments work as well as an encoded id.
    expect((await api.get(`/v1/datasets/raw/census/provenance`)).body.dataset).to.equal("raw/census");
  });

  it("downloads a provenance bundle with every receipt, which dxledger verify checks against the chain", async () => {
    const res = await fetch(`${svc.url}/v1/datasets/raw%2Fcensus/provenance?format=bundle`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-disposition")).to.contain("attachment");
    const bundle = await res.json();
    expect(bundle).to.include({ v: 1, kind: "dxledger-provenance-bundle", dataset: "raw/census" });
    expect(bundle.receipts.map((r: any) => r.leafIndex)).to.deep.equal(seqs.census);
    const file = join(dir, "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const cli = (f: string) =>
      spawnSync(
        process.execPath,
        [join(import.meta.dirname, "../../bin/dxledger.mjs"), "verify", f, "--rpc", svc.rpcUrl, "--chain-id", "31337", "--contract", svc.contract],
        { encoding: "utf8" },
      );
    const ok = cli(file);
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain(`${seqs.census!.length}/${seqs.census!.length} receipts valid`);
    bundle.receipts[2].entry.record.purpose = "rewritten";
    writeFileSync(file, JSON.stringify(bundle));
    const bad = cli(file);
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.contain(`FAIL seq ${seqs.census![2]}`);
  });

  it("pages through the exchanges of a dataset", async () => {
    const all: number[] = [];
    let url: string | null = `/v1/datasets/raw%2Fcensus/provenance?limit=3`;
    while (url) {
      const page: any = (await api.get(url)).body;
      expect(page.exchanges.length).to.be.at.most(3);
      all.push(...page.exchanges.map((x: any) => x.seq));
      expect(page.origin.seq).to.equal(seqs.census![0]);
      url = page.next;
    }
    expect(all).to.deep.equal(seqs.census);
  });

  it("handles cycles in lineage", async () => {
    await send(tax, "health", "raw/births", ["stats/schools-2026"]); // raw/births ← … ← raw/births
    const r = await api.get(`/v1/datasets/raw%2Fbirths/provenance`);
    expect(r.status).to.equal(200);
    const datasets = r.body.lineage.downstream.map((e: any) => e.dataset);
    expect(datasets).to.include.members(["stats/population", "stats/schools-2026", "raw/births"]);
    expect(r.body.lineage.truncated).to.equal(false);
  });

  it("gives W3C PROV-JSON whose records carry leaf hash and checkpoint", async () => {
    const r = await api.get(`/v1/datasets/${encodeURIComponent("stats/population")}/provenance?format=prov`);
    expect(r.status).to.equal(200);
    assertProvJson(r.body);
    const act = r.body.activity[`dx:exchange/${seqs.population![0]}`];
    expect(act["dx:leafHash"]).to.match(/^0x[0-9a-f]{64}$/);
    expect(act["dx:checkpointIndex"]).to.be.a("number");
    expect(Object.values<any>(r.body.wasDerivedFrom).map((e) => e["prov:usedEntity"])).to.include(`dx:dataset/${encodeURIComponent("raw/census")}`);
    expect(r.body.agent).to.have.keys(["dx:department/health", "dx:department/schools"]);
    const paged = await api.get(`/v1/datasets/raw%2Fcensus/provenance?format=prov&limit=2`);
    assertProvJson(paged.body);
    expect(paged.headers.get("link")).to.match(/rel="next"/);
  });

  it("shows record-level provenance only to auditors, admins and the two departments", async () => {
    const token = async (role: string) => (await api.post("/v1/tokens", { role, label: role })).body.token as string;
    const path = `/v1/datasets/raw%2Fcensus/provenance`;
    expect((await api.get(path, { token: await token("auditor") })).body.exchanges).to.have.length(seqs.census!.length);
    const asHealth = (await api.get(path, { token: await token("department:health") })).body;
    expect(asHealth.exchanges.length).to.be.greaterThan(0);
    expect(asHealth.exchanges.every((x: any) => x.consumer === "health" || x.provider === "health")).to.equal(true);
    expect(asHealth.exchanges.length).to.be.lessThan(seqs.census!.length);
    expect(asHealth.origin.consumer).to.equal("health");
    const asSchools = (await api.get(path, { token: await token("department:schools") })).body;
    expect(asSchools.origin).to.equal(null); // the first exchange went to health
    const reg = await api.get(path, { token: await token("regulator") });
    expect(reg.status).to.equal(403);
    expect((await api.get(path, { token: null })).status).to.equal(401);
    expect((await api.get(`/v1/datasets/bad%20id/provenance`)).status).to.equal(400);
  });
});
