/**
 * A department's exchanges, read through the department index (issue 18,
 * item 1): the gateway's GET /v1/departments/{id}/exchanges (paging, days,
 * role, asOf, who may read), the hub reading it at more than 20 000
 * exchanges of one dataset (complete, with the right total) and saying
 * `complete: false` when it could not read everything, and the index under
 * `dxledger audit` and `dxledger reindex`, and built for a data dir from
 * before it existed. One real service (embedded Anvil, LevelDB in a temp
 * dir, HTTP on loopback), the hub in process.
 */
import { expect } from "chai";
import { cpSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { Api, dept, ifSet, signExchange, start, tempDir, unsigned, type Dept } from "../helpers/service.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { K, prefixEnd } from "../../src/adapters/leveldb/keys.ts";
import { audit } from "../../src/services/audit/audit.ts";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { inFieldOrder, withDefaults } from "../../src/core/record-fields.ts";
import { createLogger } from "../../src/logger.ts";
import { loadHubConfig } from "../../src/hub/config.ts";
import { startHub } from "../../src/hub/server.ts";
import { ChainLedgerView } from "../../src/hub/adapters/ledger-view.ts";
import { fetchGateways } from "../../src/hub/adapters/gateway-http.ts";
import { FederationLogs } from "../../src/hub/services/logs.ts";
import { Gatherer } from "../../src/hub/services/gather.ts";
import { FederatedRecords } from "../../src/hub/services/records.ts";
import { logIdOf } from "../../src/config.ts";
import { FastSigner } from "../../scripts/bench/fast-signer.ts";
import type { RunningService } from "../../src/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const HUB_AUDITOR = "hub-auditor-token-0123456789ab";
const NOV = { from: "2026-11-01", to: "2026-11-30" };
/** Exchanges of one dataset before the asker's: more than the 20 pages of 1 000 the hub used to read. */
const BULK = 20_500;
const day = (d: number, s = 0) => new Date(Date.UTC(2026, 10, d, 12, 0, s)).toISOString();

describe("e2e: a department's exchanges, through the department index", function () {
  this.timeout(120_000);
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let domain: any;
  const prov = dept("prov");
  const asker = dept("asker");
  const other = dept("other");
  const token: Record<string, string> = {};
  /** Seq → (day, role of asker) of every exchange naming asker, recorded here. */
  const asConsumer: Array<{ seq: number; day: string }> = [];
  const asProvider: Array<{ seq: number; day: string }> = [];
  let checkpoint: { index: number; treeSize: number };
  let pendingSeq: number;
  const work: string[] = [];

  const send = async (d: Dept, consumer: string, patch: Record<string, unknown>) => {
    const r = await api.post("/v1/exchanges", await signExchange(d.wallet, domain, unsigned(d.id, consumer, patch)));
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as { seq: number; id: string; leafHash: string };
  };
  const as = (who: string) => new Api(svc.url, token[who]);
  /** Every page from `path` on, following `next`. */
  const allPages = async (client: Api, path: string) => {
    const items: any[] = [];
    const pages: any[] = [];
    for (let next: string | null = path; next !== null;) {
      const r = await client.get(next);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      pages.push(r.body);
      items.push(...r.body.exchanges);
      next = r.body.next;
    }
    return { items, pages };
  };
  const byDayThenSeq = (xs: Array<{ seq: number; day: string }>) =>
    [...xs].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.seq - b.seq)).map((x) => x.seq);

  before(async () => {
    dir = tempDir();
    svc = await start(dir, { RATE_LIMIT_RPS: "0" });
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [prov, asker, other]) {
      expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
      token[d.id] = (await api.post("/v1/tokens", { role: `department:${d.id}`, label: d.id })).body.token;
    }
    for (const role of ["auditor", "regulator"]) token[role] = (await api.post("/v1/tokens", { role, label: role })).body.token;
    // Days out of log order: the index orders by day, then seq.
    const made: Array<{ id: string; leafHash: string }> = [];
    for (const d of [5, 1, 3, 1, 4, 2]) {
      const r = await send(prov, "asker", { dataset: `city/d${d}`, occurredAt: day(d) });
      asConsumer.push({ seq: r.seq, day: day(d).slice(0, 10) });
      made.push(r);
    }
    for (const d of [2, 6]) asProvider.push({ seq: (await send(asker, "prov", { dataset: "asker/own", occurredAt: day(d) })).seq, day: day(d).slice(0, 10) });
    await send(prov, "other", { dataset: "city/d1", occurredAt: day(1) });
    await send(prov, "asker", { dataset: "city/october", occurredAt: new Date(Date.UTC(2026, 9, 31, 23, 59, 59)).toISOString() });
    // Asker acknowledges one: an acknowledgement is an entry, never a department-index item.
    const ack = await signAcknowledgement(asker.wallet, domain, {
      provider: "prov",
      id: made[0]!.id,
      consumer: "asker",
      exchangeLeafHash: made[0]!.leafHash,
      acknowledgedAt: day(7),
    });
    expect((await api.post("/v1/acknowledgements", ack)).status).to.equal(201);
    const a = await api.post("/v1/anchor");
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    checkpoint = (await api.get("/v1/checkpoints/latest")).body;
    // One after the checkpoint: pending, and outside any asOf answer.
    pendingSeq = (await send(prov, "asker", { dataset: "city/d3", occurredAt: day(3, 30) })).seq;
    asConsumer.push({ seq: pendingSeq, day: day(3).slice(0, 10) });
  });
  after(async () => {
    await ifSet(svc)?.stop();
    for (const d of [dir, ...work]) if (d) rmSync(d, { recursive: true, force: true });
  });

  describe("GET /v1/departments/{id}/exchanges at the gateway", () => {
    it("lists a consumer's exchanges by day of occurredAt then seq, every page linked by next, each the provenance item with its dataset", async () => {
      const { items, pages } = await allPages(as("asker"), `/v1/departments/asker/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}&limit=2`);
      expect(items.map((x) => x.seq)).to.deep.equal(byDayThenSeq(asConsumer));
      expect(pages.length).to.be.within(4, 5);
      expect(pages.slice(0, -1).every((p) => p.exchanges.length === 2)).to.equal(true);
      expect(items.every((x) => x.consumer === "asker" && x.occurredAt.slice(0, 7) === "2026-11")).to.equal(true);
      // The same view as provenance, plus the dataset.
      const x = items.find((i) => i.seq === asConsumer[0]!.seq);
      const p = await api.get(`/v1/datasets/${encodeURIComponent(x.dataset)}/provenance`);
      const same = p.body.exchanges.find((e: any) => e.seq === x.seq);
      expect(x).to.deep.equal({ ...same, dataset: "city/d5" });
      expect(x.acknowledgedBySeq).to.be.a("number"); // the acknowledgement shows on its exchange
      expect(pages[0].asOf).to.deep.include({ treeSize: pendingSeq + 1, anchoredSize: checkpoint.treeSize, checkpoint: null });
    });

    it("reads only the days asked for, and the role asked for", async () => {
      const mid = await as("auditor").get("/v1/departments/asker/exchanges?role=consumer&from=2026-11-02&to=2026-11-04");
      expect(mid.body.exchanges.map((x: any) => x.seq)).to.deep.equal(byDayThenSeq(asConsumer.filter((c) => c.day >= "2026-11-02" && c.day <= "2026-11-04")));
      expect(mid.body.next).to.equal(null);
      const oct = await as("auditor").get("/v1/departments/asker/exchanges?from=2026-10-31&to=2026-10-31");
      expect(oct.body.exchanges.map((x: any) => x.dataset)).to.deep.equal(["city/october"]);
      const provided = await as("asker").get(`/v1/departments/asker/exchanges?role=provider&from=${NOV.from}&to=${NOV.to}`);
      expect(provided.body.exchanges.map((x: any) => x.seq)).to.deep.equal(byDayThenSeq(asProvider));
      expect(provided.body.exchanges.every((x: any) => x.provider === "asker")).to.equal(true);
    });

    it("asOf=<checkpoint> keeps only what that checkpoint covers; an unknown checkpoint is 404", async () => {
      const q = `/v1/departments/asker/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}&asOf=${checkpoint.index}`;
      const { items, pages } = await allPages(as("auditor"), `${q}&limit=3`);
      expect(items.map((x) => x.seq)).to.deep.equal(byDayThenSeq(asConsumer.filter((c) => c.seq < checkpoint.treeSize)));
      expect(items.map((x) => x.seq)).to.not.include(pendingSeq);
      expect(pages[0].asOf).to.deep.equal({ treeSize: checkpoint.treeSize, anchoredSize: checkpoint.treeSize, checkpoint: checkpoint.index });
      expect(pages.slice(1).every((p) => p.asOf.checkpoint === checkpoint.index)).to.equal(true);
      const none = await as("auditor").get(`/v1/departments/asker/exchanges?from=${NOV.from}&to=${NOV.to}&asOf=999`);
      expect(none.status).to.equal(404);
      expect(none.body.error.code).to.equal("NOT_FOUND");
    });

    it("admin, auditor and the department itself may read; another department and a regulator get 403, no token 401", async () => {
      const path = `/v1/departments/asker/exchanges?from=${NOV.from}&to=${NOV.to}`;
      const status = async (t: string | null) => (await api.get(path, { token: t })).status;
      expect([await status(svc.adminToken), await status(token.auditor!), await status(token.asker!)]).to.deep.equal([200, 200, 200]);
      const refused = await api.get(path, { token: token.other! });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal("FORBIDDEN");
      expect([await status(token.regulator!), await status(null)]).to.deep.equal([403, 401]);
    });

    it("refuses bad parameters in the SPEC error shape, naming the parameter", async () => {
      const bad = async (q: string) => (await as("auditor").get(`/v1/departments/asker/exchanges?${q}`)).body.error;
      const cases = {
        "from=2026-11-05&to=2026-11-01": "from",
        "from=2026-11-01": "to",
        [`role=owner&from=${NOV.from}&to=${NOV.to}`]: "role",
        [`cursor=abc&from=${NOV.from}&to=${NOV.to}`]: "cursor",
        [`limit=0&from=${NOV.from}&to=${NOV.to}`]: "limit",
        [`limit=1001&from=${NOV.from}&to=${NOV.to}`]: "limit",
        [`dataset=x&from=${NOV.from}&to=${NOV.to}`]: "dataset",
      };
      for (const [q, parameter] of Object.entries(cases)) {
        const e = await bad(q);
        expect(e.code, q).to.equal("VALIDATION_FAILED");
        expect(e.details[0].parameter, q).to.equal(parameter);
      }
      expect((await as("auditor").get(`/v1/departments/Not_An_Id/exchanges?from=${NOV.from}&to=${NOV.to}`)).body.error.code).to.equal("BAD_REQUEST");
    });
  });

  describe(`the hub, at more than ${BULK} exchanges of one dataset`, () => {
    let hub: Awaited<ReturnType<typeof startHub>>;
    let bulkSeq: number;

    before(async function () {
      this.timeout(600_000);
      // 20 500 exchanges of city/bulk between prov and other, in batches of 10 000 (signed natively: the service checks each signature).
      const signer = new FastSigner(prov.wallet.privateKey, domain);
      for (let done = 0; done < BULK;) {
        const n = Math.min(10_000, BULK - done);
        const records = Array.from({ length: n }, (_, i) =>
          inFieldOrder(signer.sign(withDefaults({ ...unsigned("prov", "other"), id: `bulk-${done + i}`, dataset: "city/bulk", occurredAt: day(10) }))),
        );
        const r = await api.post("/v1/exchanges/batch", { records });
        expect(r.status, JSON.stringify(r.body).slice(0, 500)).to.equal(201);
        done += n;
      }
      // Then one exchange of that dataset for asker: the hub used to stop reading before it.
      bulkSeq = (await send(prov, "asker", { dataset: "city/bulk", occurredAt: day(20), recordCount: 5 })).seq;
      asConsumer.push({ seq: bulkSeq, day: day(20).slice(0, 10) });
      expect((await api.post("/v1/anchor")).status).to.equal(200);
      checkpoint = (await api.get("/v1/checkpoints/latest")).body;
      hub = await startHub(
        loadHubConfig({
          PORT: "0",
          HUB_RPC_URL: svc.rpcUrl,
          LEDGER_ADDRESS: svc.contract,
          HUB_GATEWAYS: svc.url,
          HUB_GATEWAY_TOKENS: `${svc.url}=${token.auditor}`,
          HUB_TOKENS: `auditor=${HUB_AUDITOR}`,
          HUB_TIMEOUT_MS: "60000",
          HUB_RATE_LIMIT_RPS: "0",
        }),
        createLogger({ silent: true }),
      );
    });
    after(async () => {
      await ifSet(hub)?.stop();
    });

    it("answers the asker's exchanges completely, with the gateway's count, the one after 20 500 others included", async () => {
      const r = await new Api(hub.url, HUB_AUDITOR).get(`/v1/departments/asker/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}`);
      expect(r.status, JSON.stringify(r.body).slice(0, 1000)).to.equal(200);
      const anchored = byDayThenSeq(asConsumer.filter((c) => c.seq < checkpoint.treeSize));
      expect({ complete: r.body.complete, missing: r.body.missing, unverifiable: r.body.unverifiable }).to.deep.equal({
        complete: true,
        missing: [],
        unverifiable: [],
      });
      expect(r.body.exchanges.map((x: any) => x.seq)).to.have.members(anchored);
      expect(r.body.exchanges.map((x: any) => x.seq)).to.include(bulkSeq);
      const direct = await as("auditor").get(`/v1/stats/usage?from=${NOV.from}&to=${NOV.to}&consumer=asker&asOf=${checkpoint.index}`);
      expect(r.body.total).to.deep.equal(direct.body.total);
      expect(r.body.total.exchanges).to.equal(anchored.length);
      expect(r.body.parts[0].answer).to.deep.include({ exchanges: anchored.length, truncated: false });
    });

    it("reads a department's 20 501 exchanges through every page; a page that fails or a list the counters deny makes the answer complete: false", async () => {
      const q = `/v1/departments/other/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}`;
      const r = await new Api(hub.url, HUB_AUDITOR).get(q);
      expect(r.status).to.equal(200);
      expect(r.body.complete).to.equal(true);
      expect(r.body.total.exchanges).to.equal(BULK + 1);
      expect(new Set(r.body.exchanges.map((x: any) => x.seq)).size).to.equal(BULK + 1);
      // The same gateway behind a proxy: "fail" answers its 15th page 503, "drop" leaves one exchange out of a page.
      let mode: "fail" | "drop" = "fail";
      let pages = 0;
      const proxy = createServer((req, res) => {
        void (async () => {
          const listing = req.url!.startsWith("/v1/departments/");
          if (listing && mode === "fail" && ++pages >= 15) {
            res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "CHAIN_UNAVAILABLE", message: "test" } }));
            return;
          }
          const f = await fetch(`${svc.url}${req.url}`, { headers: req.headers.authorization ? { authorization: req.headers.authorization } : {} });
          const body: any = await f.json();
          if (listing && mode === "drop" && body.next === null) body.exchanges.pop();
          res.writeHead(f.status, { "content-type": "application/json" }).end(JSON.stringify(body));
        })();
      });
      await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      const second = await startHub(
        loadHubConfig({
          PORT: "0",
          HUB_RPC_URL: svc.rpcUrl,
          LEDGER_ADDRESS: svc.contract,
          HUB_GATEWAYS: proxyUrl,
          HUB_GATEWAY_TOKENS: `${proxyUrl}=${token.auditor}`,
          HUB_TOKENS: `auditor=${HUB_AUDITOR}`,
          HUB_TIMEOUT_MS: "60000",
          HUB_RATE_LIMIT_RPS: "0",
        }),
        createLogger({ silent: true }),
      );
      try {
        const failed = (await new Api(second.url, HUB_AUDITOR).get(q)).body;
        expect({ complete: failed.complete, parts: failed.parts.length, missing: failed.missing.map((m: any) => m.code) }).to.deep.equal({
          complete: false,
          parts: 0,
          missing: ["GATEWAY_ERROR"],
        });
        mode = "drop";
        const short = (await new Api(second.url, HUB_AUDITOR).get(q)).body;
        expect({ complete: short.complete, unverifiable: short.unverifiable.map((m: any) => [m.code, m.claimed]) }).to.deep.equal({
          complete: false,
          unverifiable: [["COUNT_MISMATCH", { counters: BULK + 1, records: BULK, matching: BULK }]],
        });
      } finally {
        await second.stop();
        proxy.close();
      }
    });

    it("a hub that reads at most N of a department's exchanges per gateway says that part is truncated, and complete: false", async () => {
      // The hub's own parts (as src/hub/server.ts wires them) over the real gateway and chain, with a cap of 5 000.
      const ledger = await ChainLedgerView.connect(svc.rpcUrl, svc.contract, 60_000);
      try {
        const logs = new FederationLogs(ledger, fetchGateways, [svc.url], 60_000);
        const records = new FederatedRecords(new Gatherer(logs, ledger, fetchGateways, 60_000), () => token.auditor, { maxExchanges: 5000 });
        const r = await records.exchangesOf("other", "consumer", NOV.from, NOV.to, { kind: "hub" });
        expect({ complete: r.complete, missing: r.missing, unverifiable: r.unverifiable }).to.deep.equal({ complete: false, missing: [], unverifiable: [] });
        expect(r.parts[0]!.answer).to.deep.include({
          truncated: true,
          exchanges: 5000,
          counted: { exchanges: BULK + 1, records: r.parts[0]!.answer.counted.records },
        });
        expect(r.total.exchanges).to.equal(5000);
      } finally {
        await ledger.close();
      }
    });

    it("says complete: false when it could not read everything (a dataset's provenance past its page limit)", async () => {
      const r = await new Api(hub.url, HUB_AUDITOR).get("/v1/datasets/city%2Fbulk/provenance");
      expect(r.status).to.equal(200);
      expect(r.body.parts[0].answer.truncated).to.equal(true);
      expect(r.body.exchanges.length).to.be.below(BULK + 1);
      expect(r.body.complete).to.equal(false);
    });
  });

  describe("the index in the data dir", () => {
    let dirKeys: string[];
    const deptKeys = async (s: Store) => {
      const out: string[] = [];
      for (const p of ["x:c:", "x:p:"]) for await (const k of s.db.keys({ gte: p, lt: prefixEnd(p) })) out.push(k);
      return out;
    };
    /** A copy of the stopped service's data dir. */
    const copy = () => {
      const d = tempDir();
      work.push(d);
      cpSync(dir, d, { recursive: true });
      return d;
    };

    before(async () => {
      await svc.stop();
      const s = await Store.open(join(dir, "ledger"));
      try {
        dirKeys = await deptKeys(s);
      } finally {
        await s.close();
      }
    });

    it("holds two keys per exchange and none for an acknowledgement; the audit finds it clean", async () => {
      const s = await Store.open(join(dir, "ledger"));
      try {
        const size = await s.size();
        expect(dirKeys).to.have.length(2 * (size - 1)); // one entry is the acknowledgement
        const r = await audit(s, undefined, logIdOf("default"));
        expect(r.discrepancies).to.deep.equal([]);
      } finally {
        await s.close();
      }
    });

    it("dxledger audit reports a missing key and one naming the wrong entry, by seq; dxledger reindex --write rebuilds them", async () => {
      const d = copy();
      const s = await Store.open(join(d, "ledger"));
      const target = asConsumer[2]!;
      const wrong = asProvider[0]!.seq; // asker provided it: not an exchange asker consumed
      try {
        await s.db.del(K.departmentExchange("c", "asker", target.day, target.seq));
        await s.db.put(K.departmentExchange("c", "asker", "2026-11-02", wrong), "");
        const r = await audit(s, undefined, logIdOf("default"));
        expect(r.discrepancies.map((x) => [x.kind, x.seq])).to.deep.equal(
          [
            ["DEPARTMENT_INDEX_MISSING", target.seq],
            ["DEPARTMENT_INDEX_DANGLING", wrong],
          ].sort((a, b) => (a[1] as number) - (b[1] as number)),
        );
      } finally {
        await s.close();
      }
      const re = spawnSync(process.execPath, [join(ROOT, "src/cli/main.ts"), "reindex", "--data-dir", d, "--write", "--json"], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(re.status, re.stderr).to.equal(0);
      expect(JSON.parse(re.stdout)).to.include({ differences: 2, rewritten: true, differencesAfterRewrite: 0 });
      const after = await Store.open(join(d, "ledger"));
      try {
        expect(await deptKeys(after)).to.deep.equal(dirKeys);
        expect((await audit(after, undefined, logIdOf("default"))).discrepancies).to.deep.equal([]);
      } finally {
        await after.close();
      }
    });

    it("a data dir written before the index existed gets it at its next start, and the gateway answers from it", async () => {
      const d = copy();
      const s = await Store.open(join(d, "ledger"));
      try {
        await s.db.batch([...dirKeys, K.departmentIndexDone].map((key) => ({ type: "del" as const, key })));
      } finally {
        await s.close();
      }
      const again = await start(d, { RATE_LIMIT_RPS: "0" });
      try {
        const { items } = await allPages(
          new Api(again.url, again.adminToken),
          `/v1/departments/asker/exchanges?role=consumer&from=${NOV.from}&to=${NOV.to}&limit=1000`,
        );
        expect(items.map((x) => x.seq)).to.deep.equal(byDayThenSeq(asConsumer));
      } finally {
        await again.stop();
      }
      const rebuilt = await Store.open(join(d, "ledger"));
      try {
        expect(await deptKeys(rebuilt)).to.deep.equal(dirKeys);
        expect(await rebuilt.db.get(K.departmentIndexDone)).to.equal("1");
      } finally {
        await rebuilt.close();
      }
    });
  });
});
