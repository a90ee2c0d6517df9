/**
 * Every query parameter of every endpoint is validated (issue 9, item 2): a
 * bad value is 400 VALIDATION_FAILED whose details name the parameter —
 * never a 500, never a silent default — and good values still answer 200.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import type { RunningService } from "../../src/server.ts";

const DAYS = "from=2026-11-01&to=2026-11-30";
/** Impossible or malformed days, as a client might send them. */
const BAD_DAYS = [
  "2026-13-01",
  "2026-00-10",
  "2026-01-32",
  "2026-02-30",
  "2026-04-31",
  "2025-02-29",
  "2026-1-01",
  "20260101",
  "2026-01-01T00:00:00.000Z",
  "",
  "%00",
  "2026-01-01%20",
];
const BAD_LIMITS = ["abc", "-1", "0", "1.5", "1e3", "+5", " 5", "0x10", "99999999999999999", "1001"];

/**
 * Rows that still answer BAD_REQUEST because their route reads the parameter
 * itself (files outside this change; the one-line edits are in
 * /work/notes/issue9-params.md). Until then they are held to "400, never 500".
 */
const NEEDS_ROUTE_EDIT = new Set<string>();

interface Row {
  readonly path: string;
  readonly param: string;
  readonly query: string;
}

function rows(path: string, param: string, base: string, values: readonly string[]): Row[] {
  return values.map((v) => ({ path, param, query: `${base}${base ? "&" : ""}${param}=${v}` }));
}

const STATS = ["/v1/stats/usage", "/v1/stats/top?by=dataset", "/v1/stats/flows"];

const TABLE: Row[] = [
  // Statistics: dates, format, asOf, repeats, unknown parameters.
  ...STATS.flatMap((p) => [
    ...rows(p, "from", "to=2026-11-30", BAD_DAYS),
    ...rows(p, "to", "from=2026-11-01", BAD_DAYS),
    { path: p, param: "from", query: "to=2026-11-30" },
    { path: p, param: "to", query: "from=2026-11-01" },
    { path: p, param: "from", query: "from=2026-12-01&to=2026-11-01" },
    { path: p, param: "from", query: `${DAYS}&from=2026-11-02` },
    ...rows(p, "format", DAYS, ["xml", "CSV", "", "json&format=csv"]),
    ...rows(p, "asOf", DAYS, ["abc", "-1", "1.5", "", "0&asOf=0"]),
    { path: p, param: "colour", query: `${DAYS}&colour=red` },
  ]),
  ...rows("/v1/stats/usage", "groupBy", DAYS, ["week", "", "Dataset", "day&groupBy=month"]),
  ...rows("/v1/stats/usage", "provider", DAYS, ["Tax", "tax:health", "%E2%80%AEtax", "", "tax&provider=health"]),
  ...rows("/v1/stats/usage", "consumer", DAYS, ["HEALTH", "he%E2%80%8Balth"]),
  ...rows("/v1/stats/usage", "dataset", DAYS, ["a b", "a!b", "%E2%81%A6ds"]),
  ...rows("/v1/stats/usage", "purpose", DAYS, ["", "a%E2%80%AEb", "a%0Ab", "x".repeat(257)]),
  { path: "/v1/stats/usage", param: "datset", query: `${DAYS}&datset=population/register` },
  { path: "/v1/stats/usage", param: "__proto__", query: `${DAYS}&__proto__=x` },
  { path: "/v1/stats/flows", param: "constructor", query: `${DAYS}&constructor=x` },
  { path: "/v1/stats/usage", param: "groupBy", query: `${DAYS}&provider=tax&consumer=health&groupBy=dataset` },
  { path: "/v1/stats/usage", param: "purpose", query: `${DAYS}&provider=tax&consumer=health&purpose=x` },
  ...rows("/v1/stats/top", "by", DAYS, ["color", "", "day", "dataset&by=provider"]),
  { path: "/v1/stats/top", param: "by", query: DAYS },
  ...rows("/v1/stats/top?by=dataset", "limit", DAYS, BAD_LIMITS),
  { path: "/v1/stats/top?by=dataset", param: "dataset", query: `${DAYS}&dataset=population/register` },
  // Public: checkpoints and consistency proofs.
  ...rows(
    "/v1/checkpoints",
    "after",
    "",
    ["abc", "-1", "1.5", "", "1&after=2"].filter((v) => v !== ""),
  ),
  ...rows("/v1/checkpoints", "limit", "", BAD_LIMITS),
  ...rows("/v1/proofs/consistency", "from", "to=2", ["abc", "-1", "1e1"]),
  ...rows("/v1/proofs/consistency", "to", "from=1", ["abc", "-1", "2.0"]),
  { path: "/v1/proofs/consistency", param: "from", query: "to=2" },
  { path: "/v1/proofs/consistency", param: "to", query: "from=1" },
  // Acknowledgements still missing: before, after, limit.
  ...rows("/v1/acknowledgements/missing", "after", "", ["abc", "-1"]),
  ...rows("/v1/acknowledgements/missing", "limit", "", BAD_LIMITS),
  ...rows("/v1/acknowledgements/missing", "before", "", ["2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "2026-01-01", "yesterday"]),
  // Provenance: after, limit, format.
  ...rows("/v1/datasets/population/register/provenance", "after", "", ["abc", "-1"]),
  ...rows("/v1/datasets/population/register/provenance", "limit", "", BAD_LIMITS),
  ...rows("/v1/datasets/population/register/provenance", "format", "", ["csv", "PROV"]),
];

const url = (r: Row) => `${r.path}${r.path.includes("?") ? "&" : "?"}${r.query}`;

describe("e2e: every query parameter is validated, and names itself when refused", function () {
  let dir: string;
  let svc: RunningService;
  let api: Api;

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    api = new Api(svc.url, svc.adminToken);
    const tax = dept("tax");
    const health = dept("health");
    for (const d of [tax, health]) await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    const records = await Promise.all(Array.from({ length: 4 }, () => signExchange(tax.wallet, domain, unsigned("tax", "health"))));
    expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
    expect((await api.post("/v1/anchor")).status).to.equal(200);
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`refuses ${TABLE.length} bad values: 400 VALIDATION_FAILED naming the parameter, never a 500`, async () => {
    const failures: string[] = [];
    for (const r of TABLE) {
      const res = await api.get(url(r));
      const pending = NEEDS_ROUTE_EDIT.has(`${r.path} ${r.param}`);
      const names = Array.isArray(res.body?.error?.details) ? res.body.error.details.map((d: { parameter?: string }) => d.parameter) : [];
      const ok = pending ? res.status === 400 : res.status === 400 && res.body.error.code === "VALIDATION_FAILED" && names.includes(r.param);
      if (!ok) failures.push(`${url(r)} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });

  it("answers 200 to good values of the same parameters", async () => {
    const good = [
      `/v1/stats/usage?${DAYS}`,
      `/v1/stats/usage?from=2024-02-29&to=2026-12-31&groupBy=month&format=csv&asOf=0`,
      `/v1/stats/usage?${DAYS}&provider=tax&consumer=health&groupBy=day`,
      `/v1/stats/usage?${DAYS}&dataset=population/register&groupBy=purpose`,
      `/v1/stats/usage?${DAYS}&purpose=${encodeURIComponent("benefit eligibility")}&groupBy=provider&format=json`,
      `/v1/stats/usage?from=0001-01-01&to=9999-12-31&groupBy=dataset`,
      `/v1/stats/top?by=purpose&${DAYS}&limit=1000`,
      `/v1/stats/top?by=consumer&${DAYS}&limit=1&format=csv`,
      `/v1/stats/flows?${DAYS}&asOf=0`,
      `/v1/checkpoints?after=0&limit=1`,
      `/v1/checkpoints`,
      `/v1/proofs/consistency?from=1&to=4`,
      `/v1/acknowledgements/missing?before=2030-01-01T00:00:00.000Z&after=0&limit=1000`,
      `/v1/datasets/population/register/provenance?after=0&limit=1&format=prov`,
    ];
    for (const p of good) {
      const r = await api.get(p);
      expect(r.status, `${p}: ${JSON.stringify(r.body)}`).to.equal(200);
    }
  });

  it("an unknown checkpoint for asOf is 404, naming the parameter", async () => {
    const r = await api.get(`/v1/stats/usage?${DAYS}&asOf=999`);
    expect(r.status).to.equal(404);
    expect(r.body.error.details[0].parameter).to.equal("asOf");
  });

  it("a path parameter keeps BAD_REQUEST (it names a resource, not a query)", async () => {
    const r = await api.get("/v1/entries/abc/receipt");
    expect([r.status, r.body.error.code]).to.deep.equal([400, "BAD_REQUEST"]);
  });
});
