/**
 * GET /metrics on a real service (embedded Anvil, LevelDB in a temp dir):
 * who may read it; counters and histograms move by exactly what was done;
 * requests are labelled by route pattern, never by URL; and every metric the
 * Grafana dashboard (docs/grafana/dxledger.json) queries exists.
 */
import { expect } from "chai";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned, until } from "../helpers/service.ts";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { PrometheusMetrics } from "../../src/adapters/metrics/prometheus.ts";
import type { RunningService } from "../../src/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const METRICS_TOKEN = "scrape-only-0123456789abcdef";

/** Samples of a Prometheus text exposition: `name{labels}` → value. */
function parse(text: string): { samples: Map<string, number>; families: Map<string, string> } {
  const samples = new Map<string, number>();
  const families = new Map<string, string>();
  for (const line of text.split("\n")) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) families.set(t[1]!, t[2]!);
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return { samples, families };
}

/** The value of `name` with exactly `labels` (0 when absent). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const [key, v] of parse(text).samples) {
    const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
    if (m[1] !== name) continue;
    const have = m[2] ? m[2].split(/,(?=[a-z_]+=")/) : [];
    if (have.length === want.length && want.every((w) => have.includes(w))) return v;
  }
  return 0;
}

/** Every metric name a Grafana dashboard's queries use. */
export function dashboardMetricNames(dashboard: { panels: Array<{ targets?: Array<{ expr: string }> }> }): string[] {
  const names = new Set<string>();
  for (const p of dashboard.panels)
    for (const t of p.targets ?? []) for (const m of t.expr.matchAll(/\b(dxledger_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)\b/g)) names.add(m[1]!);
  return [...names].sort();
}

describe("e2e: Prometheus metrics at /metrics", function () {
  let dir: string;
  let svc: RunningService & { chainPort: number };
  let api: Api;
  let domain: any;
  const tax = dept("tax");
  const health = dept("health");
  const scrape = async (token: string | null = svc.adminToken) => {
    const r = await fetch(`${svc.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
  };
  const metrics = async () => (await scrape()).text;

  before(async () => {
    dir = tempDir();
    svc = await start(dir, { METRICS_TOKEN });
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
  });
  after(async () => {
    await ifSet(svc)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is for admins and the scrape token: 401 without a token, 403 for other roles, the text format otherwise", async () => {
    expect((await scrape(null)).status).to.equal(401);
    expect((await scrape("dxl_0123456789abcdef_guessguessguessguessguessguessgu")).status).to.equal(401);
    const auditor = (await api.post("/v1/tokens", { role: "auditor", label: "metrics" })).body.token;
    expect((await scrape(auditor)).status).to.equal(403);
    const byToken = await scrape(METRICS_TOKEN);
    expect(byToken.status).to.equal(200);
    expect(byToken.type).to.match(/^text\/plain; version=0\.0\.4/);
    const byAdmin = await scrape();
    expect(byAdmin.status).to.equal(200);
    // The scrape token opens /metrics and nothing else.
    expect((await api.get("/v1/departments", { token: METRICS_TOKEN })).status).to.equal(401);
    for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes"]) {
      expect(parse(byAdmin.text).families.has(name), name).to.equal(true);
    }
  });

  it("appends, commit groups, signature failures, the backlog and an anchoring move by exactly what was done", async () => {
    const m0 = await metrics();
    const made: Array<{ id: string; seq: number; leafHash: string }> = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", "health")));
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      made.push(r.body);
    }
    const batch = await api.post("/v1/exchanges/batch", {
      records: await Promise.all([1, 2].map(() => signExchange(tax.wallet, domain, unsigned("tax", "health")))),
    });
    expect(batch.status, JSON.stringify(batch.body)).to.equal(201);
    const ack = await signAcknowledgement(health.wallet, domain, {
      provider: "tax",
      id: made[0]!.id,
      consumer: "health",
      exchangeLeafHash: made[0]!.leafHash,
      acknowledgedAt: "2026-11-23T12:00:00.000Z",
    });
    expect((await api.post("/v1/acknowledgements", ack)).status).to.equal(201);
    // Refused: a record signed by another key, a signature with a bad recovery byte, an acknowledgement by the wrong key.
    expect((await api.post("/v1/exchanges", await signExchange(health.wallet, domain, unsigned("tax", "health")))).body.error.code).to.equal("SIGNER_MISMATCH");
    const bad = { ...(await signExchange(tax.wallet, domain, unsigned("tax", "health"))), signature: `0x${"11".repeat(64)}05` };
    expect((await api.post("/v1/exchanges", bad)).body.error.code).to.equal("INVALID_SIGNATURE");
    const forged = await signAcknowledgement(tax.wallet, domain, {
      provider: "tax",
      id: made[1]!.id,
      consumer: "health",
      exchangeLeafHash: made[1]!.leafHash,
      acknowledgedAt: "2026-11-23T12:00:00.000Z",
    });
    expect((await api.post("/v1/acknowledgements", forged)).body.error.code).to.equal("SIGNER_MISMATCH");

    const m1 = await metrics();
    const d = (name: string, labels: Record<string, string> = {}) => value(m1, name, labels) - value(m0, name, labels);
    expect(d("dxledger_entries_appended_total", { kind: "exchange" })).to.equal(5);
    expect(d("dxledger_entries_appended_total", { kind: "ack" })).to.equal(1);
    expect(d("dxledger_commit_group_entries_count")).to.equal(5);
    expect(d("dxledger_commit_group_entries_sum")).to.equal(6);
    expect(d("dxledger_commit_group_entries_bucket", { le: "1" })).to.equal(4);
    expect(d("dxledger_signature_failures_total", { kind: "exchange", code: "SIGNER_MISMATCH", reason: "not-active-signer" })).to.equal(1);
    expect(d("dxledger_signature_failures_total", { kind: "exchange", code: "INVALID_SIGNATURE", reason: "recovery-byte" })).to.equal(1);
    expect(d("dxledger_signature_failures_total", { kind: "ack", code: "SIGNER_MISMATCH", reason: "not-active-signer" })).to.equal(1);
    expect(value(m1, "dxledger_tree_size")).to.equal(6);
    expect(value(m1, "dxledger_anchoring_pending_entries")).to.equal(6);
    expect(value(m1, "dxledger_anchored_tree_size")).to.equal(0);
    // The oldest pending entry ages while it waits.
    const age = value(m1, "dxledger_anchoring_oldest_pending_age_seconds");
    expect(age).to.be.above(0);
    await until(
      "the oldest pending entry to age",
      async () => (value(await metrics(), "dxledger_anchoring_oldest_pending_age_seconds") > age ? true : undefined),
      10_000,
      50,
    );

    expect((await api.post("/v1/anchor")).status).to.equal(200);
    const m2 = await metrics();
    const d2 = (name: string, labels: Record<string, string> = {}) => value(m2, name, labels) - value(m1, name, labels);
    expect(d2("dxledger_anchors_total", { result: "ok", kind: "" })).to.equal(1);
    expect(d2("dxledger_anchor_duration_seconds_count")).to.equal(1);
    expect(d2("dxledger_anchor_duration_seconds_sum")).to.be.above(0);
    expect(d2("dxledger_anchored_entries_total")).to.equal(6);
    expect(d2("dxledger_chain_gas_used_count", { operation: "anchor" })).to.equal(1);
    expect(d2("dxledger_chain_gas_used_sum", { operation: "anchor" })).to.be.within(21_000, 1_000_000);
    expect(value(m2, "dxledger_chain_gas_used_count", { operation: "registerDepartment" })).to.equal(2);
    expect(value(m2, "dxledger_anchoring_pending_entries")).to.equal(0);
    expect(value(m2, "dxledger_anchoring_oldest_pending_age_seconds")).to.equal(0);
    expect(value(m2, "dxledger_anchored_tree_size")).to.equal(6);
    expect(value(m2, "dxledger_anchoring_halted")).to.equal(0);
  });

  it("requests by method, route pattern and status — never the URL itself", async () => {
    const r = await api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", "health", { id: "route-label-probe-1" })));
    expect(r.status).to.equal(201);
    const m0 = await metrics();
    for (let i = 0; i < 3; i++) expect((await api.get("/v1/exchanges/tax/route-label-probe-1")).status).to.equal(200);
    expect((await api.get("/v1/exchanges/tax/no-such-exchange-9")).status).to.equal(404);
    expect((await api.get("/v1/no/such/route/7")).status).to.equal(404);
    expect((await api.get("/v1/departments", { token: null })).status).to.equal(401);
    const m1 = await metrics();
    const count = (labels: Record<string, string>) =>
      value(m1, "dxledger_http_request_duration_seconds_count", labels) - value(m0, "dxledger_http_request_duration_seconds_count", labels);
    expect(count({ method: "GET", route: "/v1/exchanges/:provider/:id", status: "200" })).to.equal(3);
    expect(count({ method: "GET", route: "/v1/exchanges/:provider/:id", status: "404" })).to.equal(1);
    expect(count({ method: "GET", route: "(none)", status: "404" })).to.equal(1);
    expect(count({ method: "GET", route: "/v1/departments", status: "401" })).to.equal(1);
    expect(count({ method: "GET", route: "/metrics", status: "200" })).to.equal(1);
    expect(value(m1, "dxledger_http_request_duration_seconds_count", { method: "POST", route: "/v1/exchanges", status: "201" })).to.be.at.least(4);
    expect(m1).to.not.match(/route-label-probe|no-such-exchange|\/no\/such\/route/);
    const routes = new Set([...m1.matchAll(/route="([^"]*)"/g)].map((x) => x[1]));
    for (const route of routes) expect(route, "a route label is a pattern or (none)").to.match(/^(\(none\)|\/[A-Za-z0-9/:*._-]*)$/);
  });

  it("chain errors are counted by ChainError kind and operation", async () => {
    expect(parse(await metrics()).families.get("dxledger_chain_errors_total")).to.equal("counter");
    // The chain adapter reports through the port: here a client of our own, asking for a checkpoint the ledger does not have.
    const own = new PrometheusMetrics();
    const client = await LedgerClient.connect({ rpcUrl: svc.rpcUrl, address: svc.contract, metrics: own });
    try {
      const logId = (await api.get("/v1/info")).body.logId;
      for (let i = 0; i < 2; i++)
        await client.checkpointAt(logId, 999).then(
          () => expect.fail("no checkpoint 999"),
          () => undefined,
        );
      expect(value((await own.scrape()).body, "dxledger_chain_errors_total", { kind: "REVERTED", operation: "checkpointAt" })).to.equal(2);
    } finally {
      await client.close();
    }
  });

  it("every metric the Grafana dashboard queries exists in /metrics", async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, "docs/grafana/dxledger.json"), "utf8"));
    const names = dashboardMetricNames(dashboard);
    expect(names.length).to.be.at.least(10);
    const { families } = parse(await metrics());
    const known = new Set<string>();
    for (const [name, type] of families) {
      known.add(name);
      if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) known.add(name + s);
    }
    expect(
      names.filter((n) => !known.has(n)),
      "metrics the dashboard uses but the service does not expose",
    ).to.deep.equal([]);
    // And it shows each thing an operator asks about.
    for (const must of [
      "dxledger_http_request_duration_seconds_bucket",
      "dxledger_entries_appended_total",
      "dxledger_signature_failures_total",
      "dxledger_commit_group_entries_bucket",
      "dxledger_anchoring_pending_entries",
      "dxledger_anchoring_oldest_pending_age_seconds",
      "dxledger_anchor_duration_seconds_bucket",
      "dxledger_chain_gas_used_sum",
      "dxledger_chain_errors_total",
    ]) {
      expect(names, must).to.include(must);
    }
  });
});
