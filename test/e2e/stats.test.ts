import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Api, freePort, signExchange, start, tempDir } from "../helpers/service.ts";
import { seededRandom, testWallet } from "../helpers/seeded.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { compareDerived, deriveFromStore, DERIVED_PREFIXES } from "../../src/adapters/leveldb/derived-indexes.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import type { RunningService } from "../../src/server.ts";

const DEPTS = ["tax", "health", "schools", "police", "housing"];
const DATASETS = Array.from({ length: 12 }, (_, i) => `city/ds-${i}`);
const PURPOSES = ["benefit eligibility", "planning", 'audit, "special"', "statistics", "fraud\nprevention check".replace("\n", " "), "research"];
type Dim = "dataset" | "provider" | "consumer" | "purpose";

/** Counts computed independently, from the records the service accepted. */
function expected(recs: ExchangeRecord[], from: string, to: string, filters: Partial<Record<Dim, string>>, groupBy?: string) {
  const sel = recs.filter((r) => {
    const day = r.occurredAt.slice(0, 10);
    return day >= from && day <= to && Object.entries(filters).every(([k, v]) => r[k as Dim] === v);
  });
  const groups = new Map<string, { exchanges: number; records: number }>();
  for (const r of sel) {
    if (!groupBy) continue;
    const key = groupBy === "day" ? r.occurredAt.slice(0, 10) : groupBy === "month" ? r.occurredAt.slice(0, 7) : r[groupBy as Dim];
    const g = groups.get(key) ?? { exchanges: 0, records: 0 };
    g.exchanges++;
    g.records += r.recordCount;
    groups.set(key, g);
  }
  const list = [...groups].map(([key, g]) => ({ key, ...g }));
  if (groupBy === "day" || groupBy === "month") list.sort((a, b) => (a.key < b.key ? -1 : 1));
  else list.sort((a, b) => b.exchanges - a.exchanges || (a.key < b.key ? -1 : 1));
  return { total: { exchanges: sel.length, records: sel.reduce((n, r) => n + r.recordCount, 0) }, groups: list };
}

const FROM = "2025-12-01";
const TO = "2026-03-01";

describe("e2e: usage statistics are exact", function () {
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let domain: any;
  let chainPort: number;
  const keys = new Map(DEPTS.map((d) => [d, testWallet()]));
  const accepted: ExchangeRecord[] = [];
  let n = 0;
  let unanchored: { size: number; headers: Headers; info: { anchoredSize: number } };
  // Seeded: a failing mix of records comes back on the next run.
  const random = seededRandom(20261101);
  const rnd = (k: number) => Math.floor(random() * k);
  const pick = <T>(a: T[]) => a[rnd(a.length)]!;

  const make = async () => {
    const provider = pick(DEPTS);
    let consumer = pick(DEPTS);
    while (consumer === provider) consumer = pick(DEPTS);
    const day = new Date(Date.UTC(2025, 11, 20) + rnd(45) * 86_400_000 + rnd(86_400_000));
    return signExchange(keys.get(provider)!, domain, {
      id: `s-${++n}`,
      provider,
      consumer,
      dataset: pick(DATASETS),
      purpose: pick(PURPOSES),
      recordCount: rnd(1000),
      payloadDigest: payloadDigest(`x${n}`),
      occurredAt: day.toISOString(),
    });
  };
  /** Writes need an admin (relay) or the provider's token; `api` reads as a regulator later on. */
  const writer = () => new Api(svc.url, svc.adminToken);
  const submitSingles = async (k: number) => {
    const recs = await Promise.all(Array.from({ length: k }, make));
    const res = await Promise.all(recs.map((r) => writer().post("/v1/exchanges", r)));
    res.forEach((r, i) => {
      expect(r.status).to.equal(201);
      accepted.push(recs[i]!);
    });
    // Replays are not counted twice.
    await Promise.all(recs.slice(0, 5).map((r) => writer().post("/v1/exchanges", r)));
  };
  const submitBatches = async (k: number) => {
    const recs = await Promise.all(Array.from({ length: k }, make));
    const halves = [recs.slice(0, k / 2), recs.slice(k / 2)];
    const res = await Promise.all(halves.map((records) => writer().post("/v1/exchanges/batch", { records })));
    res.forEach((r) => expect(r.status).to.equal(201));
    accepted.push(...recs);
    // A batch refused as a whole (one conflict) counts nothing.
    const { signature: _s, ...first } = recs[0]!;
    const bad = [await make(), await signExchange(keys.get(first.provider)!, domain, { ...first, recordCount: first.recordCount + 1 })];
    expect((await writer().post("/v1/exchanges/batch", { records: bad })).status).to.equal(409);
  };

  before(async () => {
    dir = tempDir();
    chainPort = await freePort();
    svc = await start(dir, {}, chainPort);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of DEPTS) await api.post("/v1/departments", { id: d, name: d, signer: keys.get(d)!.address });
    await submitSingles(120);
    // Before any checkpoint: what a CSV says it is as of (checked below).
    const early = await fetch(`${svc.url}/v1/stats/usage?from=${FROM}&to=${TO}&format=csv`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    unanchored = { size: accepted.length, headers: early.headers, info: (await api.get("/v1/info")).body };
    await submitBatches(100);
    // A restart in the middle.
    await svc.stop();
    svc = await start(dir, {}, chainPort);
    api = new Api(svc.url, svc.adminToken);
    await submitSingles(80);
    await submitBatches(60);
    api.token = (await api.post("/v1/tokens", { role: "regulator", label: "reg" })).body.token;
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("usage, every groupBy, with no filter and with each single filter", async () => {
    for (const groupBy of [undefined, "day", "month", "dataset", "provider", "consumer", "purpose"]) {
      const filterSets: Array<Partial<Record<Dim, string>>> = [
        {},
        { dataset: pick(DATASETS) },
        { provider: pick(DEPTS) },
        { consumer: pick(DEPTS) },
        { purpose: pick(PURPOSES) },
      ];
      for (const filters of filterSets) {
        const q = new URLSearchParams({ from: FROM, to: TO, ...(groupBy ? { groupBy } : {}), ...filters });
        const r = await api.get(`/v1/stats/usage?${q}`);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        const want = expected(accepted, FROM, TO, filters, groupBy);
        expect(r.body.total, `${q}`).to.deep.equal(want.total);
        expect(r.body.groups, `${q}`).to.deep.equal(groupBy ? want.groups : []);
        expect(r.body.filters).to.deep.equal(filters);
        expect(r.body.asOf.treeSize).to.equal(accepted.length);
      }
    }
  });

  it("periods spanning whole years, months and edge days (rollups) agree with the independent count", async () => {
    for (const [from, to] of [
      ["2025-01-01", "2026-12-31"],
      ["2024-11-15", "2026-02-20"],
      ["2025-12-01", "2026-01-31"],
      ["2025-12-31", "2026-01-01"],
    ] as const) {
      for (const groupBy of [undefined, "month", "dataset", "purpose"]) {
        const q = new URLSearchParams({ from, to, ...(groupBy ? { groupBy } : {}) });
        const r = await api.get(`/v1/stats/usage?${q}`);
        const want = expected(accepted, from, to, {}, groupBy);
        expect([r.body.total, r.body.groups], `${q}`).to.deep.equal([want.total, groupBy ? want.groups : []]);
      }
      const flows = (await api.get(`/v1/stats/flows?from=${from}&to=${to}`)).body.flows;
      expect(flows.reduce((n: number, f: any) => n + f.exchanges, 0)).to.equal(expected(accepted, from, to, {}).total.exchanges);
    }
  });

  it("narrow periods and two filters by day", async () => {
    for (let i = 0; i < 10; i++) {
      const a = new Date(Date.UTC(2025, 11, 20) + rnd(45) * 86_400_000).toISOString().slice(0, 10);
      const b = new Date(Date.parse(a) + rnd(10) * 86_400_000).toISOString().slice(0, 10);
      const filters = { provider: pick(DEPTS), consumer: pick(DEPTS) };
      const r = await api.get(`/v1/stats/usage?${new URLSearchParams({ from: a, to: b, groupBy: "day", ...filters })}`);
      const want = expected(accepted, a, b, filters, "day");
      expect([r.body.total, r.body.groups]).to.deep.equal([want.total, want.groups]);
    }
  });

  it("top, flows and CSV (RFC 4180)", async () => {
    for (const by of ["dataset", "provider", "consumer", "purpose"]) {
      const r = await api.get(`/v1/stats/top?by=${by}&from=${FROM}&to=${TO}&limit=3`);
      expect(r.body.groups).to.deep.equal(expected(accepted, FROM, TO, {}, by).groups.slice(0, 3));
    }
    const flows = (await api.get(`/v1/stats/flows?from=${FROM}&to=${TO}`)).body.flows;
    const pairs = new Map<string, number>();
    for (const r of accepted) pairs.set(`${r.provider}>${r.consumer}`, (pairs.get(`${r.provider}>${r.consumer}`) ?? 0) + 1);
    expect(Object.fromEntries(flows.map((f: any) => [`${f.provider}>${f.consumer}`, f.exchanges]))).to.deep.equal(Object.fromEntries(pairs));
    const csv = await fetch(`${api.base}/v1/stats/usage?from=${FROM}&to=${TO}&groupBy=purpose&format=csv`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(csv.headers.get("content-type")).to.contain("text/csv");
    const text = await csv.text();
    expect(text.endsWith("\r\n")).to.equal(true);
    expect(text.split("\r\n")[0]).to.equal("purpose,exchanges,records");
    // The seeded mix holds a purpose with a comma and quotes: its CSV cell is quoted and its quotes doubled.
    expect(accepted.some((r) => r.purpose === 'audit, "special"')).to.equal(true);
    expect(text).to.contain('"audit, ""special""",');
    const flowCsv = await (
      await fetch(`${api.base}/v1/stats/flows?from=${FROM}&to=${TO}&format=csv`, { headers: { authorization: `Bearer ${api.token}` } })
    ).text();
    expect(flowCsv.split("\r\n").length - 2).to.equal(pairs.size);
  });

  it("says what each answer is as of: the latest checkpoint counted, the pending entries counted too, and a CSV file name naming both", async () => {
    // Before any checkpoint: no checkpoint header, every entry pending, and the file name says unanchored.
    expect(unanchored.info.anchoredSize).to.equal(0);
    expect(unanchored.headers.get("dxledger-checkpoint")).to.equal(null);
    expect(unanchored.headers.get("dxledger-pending")).to.equal(String(unanchored.size));
    expect(unanchored.headers.get("content-disposition")).to.equal(`attachment; filename="dxledger-usage-unanchored-${unanchored.size}.csv"`);

    const admin = new Api(svc.url, svc.adminToken);
    const asOf = async (path: string) => {
      const r = await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${api.token}` } });
      const text = await r.text();
      return {
        status: r.status,
        cp: r.headers.get("dxledger-checkpoint"),
        pending: r.headers.get("dxledger-pending"),
        file: r.headers.get("content-disposition"),
        text,
      };
    };
    const header = (cp: { index: number; treeSize: number; rootHash: string }) => `${cp.index},${cp.treeSize},${cp.rootHash}`;
    const kinds = [
      ["usage", `/v1/stats/usage?from=${FROM}&to=${TO}&groupBy=dataset`],
      ["top", `/v1/stats/top?by=provider&from=${FROM}&to=${TO}`],
      ["flows", `/v1/stats/flows?from=${FROM}&to=${TO}`],
    ] as const;

    // Anchored now: nothing pending, the CSV names the checkpoint it equals.
    const cp = (await admin.post("/v1/anchor")).body;
    expect(cp.treeSize).to.equal(accepted.length);
    for (const [kind, path] of kinds) {
      const r = await asOf(`${path}&format=csv`);
      expect([r.status, r.cp, r.pending, r.file], kind).to.deep.equal([
        200,
        header(cp),
        "0",
        `attachment; filename="dxledger-${kind}-cp${cp.index}-${cp.treeSize}.csv"`,
      ]);
      const json = await asOf(path);
      expect([json.cp, json.pending, JSON.parse(json.text).asOf], kind).to.deep.equal([header(cp), "0", { treeSize: cp.treeSize, checkpoint: cp.index }]);
    }

    // Three more entries: counted, pending, and said so; the checkpoint header still names the latest anchored one.
    const before = accepted.length;
    const recs = await Promise.all(Array.from({ length: 3 }, make));
    for (const rec of recs) expect((await writer().post("/v1/exchanges", rec)).status).to.equal(201);
    accepted.push(...recs);
    for (const [kind, path] of kinds) {
      const r = await asOf(`${path}&format=csv`);
      expect([r.cp, r.pending, r.file], kind).to.deep.equal([
        header(cp),
        "3",
        `attachment; filename="dxledger-${kind}-cp${cp.index}-${cp.treeSize}-pending3.csv"`,
      ]);
    }
    const usage = await asOf(`/v1/stats/usage?from=${FROM}&to=${TO}`);
    expect([JSON.parse(usage.text).total.exchanges, usage.pending]).to.deep.equal([before + 3, "3"]);
    // As of the checkpoint: its figures, nothing pending.
    const old = await asOf(`/v1/stats/usage?from=${FROM}&to=${TO}&asOf=${cp.index}&format=csv`);
    expect([old.cp, old.pending, old.text.split("\r\n")[1]]).to.deep.equal([
      header(cp),
      "0",
      `total,${before},${expected(accepted.slice(0, before), FROM, TO, {}).total.records}`,
    ]);

    // After the next anchor, nothing pending again.
    const cp2 = (await admin.post("/v1/anchor")).body;
    const after = await asOf(`/v1/stats/flows?from=${FROM}&to=${TO}&format=csv`);
    expect([after.cp, after.pending, after.file]).to.deep.equal([header(cp2), "0", `attachment; filename="dxledger-flows-cp${cp2.index}-${cp2.treeSize}.csv"`]);
  });

  it("gives the same figures as of an anchored checkpoint, whatever came after", async () => {
    const admin = new Api(svc.url, svc.adminToken);
    const cp = (await admin.post("/v1/anchor")).body;
    const upTo = accepted.length;
    await submitSingles(30);
    const q = `from=${FROM}&to=${TO}&groupBy=dataset&asOf=${cp.index}`;
    const r = await api.get(`/v1/stats/usage?${q}`);
    const want = expected(accepted.slice(0, upTo), FROM, TO, {}, "dataset");
    expect([r.body.total, r.body.groups]).to.deep.equal([want.total, want.groups]);
    expect(r.body.asOf).to.deep.equal({ treeSize: cp.treeSize, checkpoint: cp.index });
    const flows = (await api.get(`/v1/stats/flows?from=${FROM}&to=${TO}&asOf=${cp.index}`)).body;
    expect(flows.flows.reduce((n: number, f: any) => n + f.exchanges, 0)).to.equal(upTo);
    expect(flows.asOf).to.deep.equal({ treeSize: cp.treeSize, checkpoint: cp.index });
    const now = await api.get(`/v1/stats/usage?from=${FROM}&to=${TO}`);
    expect(now.body.total.exchanges).to.equal(accepted.length);
  });

  it("serves aggregates to regulators and refuses bad queries", async () => {
    const bad = [
      "/v1/stats/usage?from=2026-01-01",
      "/v1/stats/usage?from=2026-02-30&to=2026-03-01",
      "/v1/stats/usage?from=2026-03-01&to=2026-01-01",
      `/v1/stats/usage?from=${FROM}&to=${TO}&groupBy=week`,
      `/v1/stats/usage?from=${FROM}&to=${TO}&provider=tax&consumer=health&groupBy=dataset`,
      `/v1/stats/top?by=color&from=${FROM}&to=${TO}`,
    ];
    for (const p of bad) {
      const r = await api.get(p);
      expect([r.status, r.body.error.code], p).to.deep.equal([400, "VALIDATION_FAILED"]);
      expect(r.body.error.details[0].parameter, p).to.be.a("string");
    }
    expect((await api.get(`/v1/stats/usage?from=${FROM}&to=${TO}&asOf=999`)).status).to.equal(404);
    const dtok = (await new Api(svc.url, svc.adminToken).post("/v1/tokens", { role: "department:tax", label: "t" })).body.token;
    expect((await api.get(`/v1/stats/usage?from=${FROM}&to=${TO}`, { token: dtok })).status).to.equal(403);
  });

  it("the live counters equal a rebuild from the entries alone (reindex), after all of it", async () => {
    await svc.stop();
    const store = await Store.open(join(dir, "ledger"));
    try {
      const cmp = await compareDerived(store, await deriveFromStore(store), DERIVED_PREFIXES);
      expect(cmp.diffs).to.deep.equal([]);
      expect(cmp.compared).to.be.greaterThan(accepted.length * 3);
    } finally {
      await store.close();
    }
    svc = await start(dir, {}, chainPort);
  });
});
