import { expect } from "chai";
import { spawn } from "node:child_process";
import { request, type IncomingMessage } from "node:http";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned, until, type Dept } from "../helpers/service.ts";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { LedgerError } from "../../src/core/errors.ts";
import { ConfigError, loadConfig, redactUrl } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import type { RunningService } from "../../src/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const ALLOWED_ORIGIN = "https://console.example.org";
/** Requests per second per token in this suite: small enough to reach in a burst. */
const RPS = 25;

/**
 * Sends the request line and headers at once, and then no body byte at all
 * (`destroy` it when done). Resolves with the response, or rejects after `ms`.
 */
function headersOnly(base: string, method: string, path: string, headers: Record<string, string>, ms = 3000) {
  const req = request(`${base}${path}`, { method, headers });
  const response = new Promise<{ res: IncomingMessage; body: string; ms: number }>((resolve, reject) => {
    const t0 = Date.now();
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ res, body, ms: Date.now() - t0 });
      });
    });
    req.on("error", () => undefined);
  });
  req.flushHeaders();
  return { response, destroy: () => req.destroy() };
}

describe("e2e: hostile callers (tokens before bodies, limits, headers, errors that help)", function () {
  let dir: string;
  let svc: RunningService & { chainPort: number };
  let api: Api;
  let domain: any;
  const lines: string[] = [];
  const tax = dept("tax");
  const health = dept("health");
  const tokens: Record<string, string> = {};
  const sign = (d: Dept, consumer: string, patch = {}) => signExchange(d.wallet, domain, unsigned(d.id, consumer, patch));
  const size = async () => (await api.get("/v1/info")).body.treeSize as number;
  const logged = () => lines.map((l) => JSON.parse(l) as { level: string; msg: string; requestId?: string; error?: string });

  before(async () => {
    dir = tempDir();
    const log = createLogger({ minLevel: "debug", write: (l) => lines.push(l) });
    svc = await start(dir, { RATE_LIMIT_RPS: String(RPS), BODY_BUDGET_MB: "1", CORS_ORIGINS: ALLOWED_ORIGIN }, undefined, log);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health]) {
      expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
      tokens[d.id] = (await api.post("/v1/tokens", { role: `department:${d.id}`, label: d.id })).body.token;
    }
  });
  after(async () => {
    await ifSet(svc)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("writes need a token, checked before any body byte is read", () => {
    for (const path of ["/v1/exchanges", "/v1/exchanges/batch", "/v1/acknowledgements", "/v1/departments", "/v1/tokens"]) {
      it(`POST ${path}: 401 at once without a token, though the body never comes`, async () => {
        const r = headersOnly(svc.url, "POST", path, { "content-type": "application/json", "content-length": "50000000" });
        try {
          const { res, body, ms } = await r.response;
          expect(res.statusCode).to.equal(401);
          expect(JSON.parse(body).error.code).to.equal("UNAUTHENTICATED");
          expect(res.headers["x-request-id"]).to.be.a("string");
          expect(res.headers.connection).to.equal("close");
          expect(ms).to.be.below(2000);
        } finally {
          r.destroy();
        }
      });
    }

    it("an unknown token is 401 before the body too", async () => {
      const r = headersOnly(svc.url, "POST", "/v1/exchanges/batch", {
        authorization: "Bearer dxl_nope_guess",
        "content-type": "application/json",
        "content-length": "1000000",
      });
      try {
        const { res, body } = await r.response;
        expect(res.statusCode).to.equal(401);
        expect(JSON.parse(body).error.message).to.match(/unknown or revoked/);
      } finally {
        r.destroy();
      }
    });

    it("a write without a token is refused and stores nothing", async () => {
      const before = await size();
      const r = await api.post("/v1/exchanges", await sign(tax, "health"), { token: null });
      expect([r.status, r.body.error.code]).to.deep.equal([401, "UNAUTHENTICATED"]);
      expect(await size()).to.equal(before);
    });

    it("a department token writes its own records, one and in a batch", async () => {
      const one = await api.post("/v1/exchanges", await sign(tax, "health"), { token: tokens.tax });
      expect(one.status, JSON.stringify(one.body)).to.equal(201);
      const batch = await api.post("/v1/exchanges/batch", { records: [await sign(tax, "health"), await sign(tax, "health")] }, { token: tokens.tax });
      expect(batch.status, JSON.stringify(batch.body)).to.equal(201);
    });

    it("a department token submitting another department's record: 403 FORBIDDEN naming the record; nothing stored", async () => {
      const before = await size();
      const theirs = await sign(health, "tax");
      const r = await api.post("/v1/exchanges", theirs, { token: tokens.tax });
      expect([r.status, r.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
      expect(r.body.error.message).to.contain(`provider health, id ${theirs.id}`);
      const mixed = [await sign(tax, "health"), await sign(tax, "health"), theirs];
      const b = await api.post("/v1/exchanges/batch", { records: mixed }, { token: tokens.tax });
      expect([b.status, b.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
      expect(b.body.error.details).to.include({ index: 2, provider: "health", id: theirs.id });
      expect(b.body.error.message).to.contain("records[2]");
      expect(await size()).to.equal(before);
      // The admin may relay any department's signed record.
      expect((await api.post("/v1/exchanges", theirs)).status).to.equal(201);
    });

    it("an acknowledgement is the consumer's: its token may, the provider's may not", async () => {
      const x = (await api.post("/v1/exchanges", await sign(tax, "health"), { token: tokens.tax })).body;
      const ack = await signAcknowledgement(health.wallet, domain, {
        provider: "tax",
        id: x.id,
        consumer: "health",
        exchangeLeafHash: x.leafHash,
        acknowledgedAt: "2026-11-23T12:00:00.000Z",
      });
      const wrong = await api.post("/v1/acknowledgements", ack, { token: tokens.tax });
      expect([wrong.status, wrong.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
      const ok = await api.post("/v1/acknowledgements", ack, { token: tokens.health });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    });

    it("bounds the body bytes in flight: over the budget, 503 OVERLOADED with Retry-After before the body is read", async () => {
      const auth = { authorization: `Bearer ${svc.adminToken}`, "content-type": "application/json" };
      const hog = headersOnly(svc.url, "POST", "/v1/exchanges/batch", { ...auth, "content-length": String(700 * 1024) }, 30_000);
      try {
        await api.get("/healthz"); // the hog's headers are in before this answer
        const second = headersOnly(svc.url, "POST", "/v1/exchanges/batch", { ...auth, "content-length": String(700 * 1024) });
        const { res, body } = await second.response;
        second.destroy();
        expect(res.statusCode).to.equal(503);
        expect(JSON.parse(body).error).to.include({ code: "OVERLOADED" });
        expect(res.headers["retry-after"]).to.equal("1");
        // Small bodies still fit beside the hog.
        expect((await api.post("/v1/exchanges", await sign(tax, "health"))).status).to.equal(201);
      } finally {
        hog.destroy();
      }
      // Once the hog is gone its bytes are given back.
      const records = [await sign(tax, "health")];
      const padded = JSON.stringify({ records }) + " ".repeat(700 * 1024);
      await until("the budget is given back", async () => {
        const r = await api.post("/v1/exchanges/batch", undefined, { raw: padded });
        return r.status === 503 ? undefined : r;
      }).then((r) => expect(r.status, JSON.stringify(r.body)).to.equal(201));
    });
  });

  describe("headers", () => {
    it("helmet's defaults on every answer, errors included, and no x-powered-by", async () => {
      for (const r of [await api.get("/v1/info"), await api.get("/no/such/route"), await api.get("/v1/departments", { token: null })]) {
        expect(r.headers.get("content-security-policy")).to.contain("default-src 'self'");
        expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
        expect(r.headers.get("x-frame-options")).to.equal("SAMEORIGIN");
        expect(r.headers.get("x-powered-by")).to.equal(null);
      }
    });

    it("CORS is closed to origins not listed in CORS_ORIGINS, open to those listed", async () => {
      const refused = await fetch(`${svc.url}/v1/info`, { headers: { origin: "https://evil.example" } });
      expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
      const pre = await fetch(`${svc.url}/v1/exchanges`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(pre.headers.get("access-control-allow-origin")).to.equal(null);
      const allowed = await fetch(`${svc.url}/v1/info`, { headers: { origin: ALLOWED_ORIGIN } });
      expect(allowed.headers.get("access-control-allow-origin")).to.equal(ALLOWED_ORIGIN);
      expect(allowed.headers.get("access-control-expose-headers")).to.contain("x-request-id");
      // A console on another origin reads what statistics are as of, and a CSV's file name.
      expect(allowed.headers.get("access-control-expose-headers")?.split(",")).to.include.members([
        "Dxledger-Checkpoint",
        "Dxledger-Pending",
        "content-disposition",
      ]);
      const pre2 = await fetch(`${svc.url}/v1/exchanges`, {
        method: "OPTIONS",
        headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
      });
      expect(pre2.status).to.equal(204);
      expect(pre2.headers.get("access-control-allow-origin")).to.equal(ALLOWED_ORIGIN);
      expect(pre2.headers.get("access-control-allow-headers")).to.contain("authorization");
    });
  });

  describe("errors that help", () => {
    it("every answer carries x-request-id: the caller's when sane, else a new one", async () => {
      const answers = [
        await api.get("/healthz"),
        await api.get("/no/such/route"),
        await api.post("/v1/exchanges", {}, { token: null }),
        await api.post("/v1/exchanges", undefined, { raw: "{" }),
      ];
      for (const r of answers) expect(r.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
      const mine = await fetch(`${svc.url}/healthz`, { headers: { "x-request-id": "trace-42.a:b" } });
      expect(mine.headers.get("x-request-id")).to.equal("trace-42.a:b");
      const insane = await fetch(`${svc.url}/healthz`, { headers: { "x-request-id": "x".repeat(200) } });
      expect(insane.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
    });

    it("INTERNAL: the client gets the request id and no exception text; the log has the stack and the id", async () => {
      const appender = svc.appender as unknown as { submit: (...a: unknown[]) => Promise<unknown> };
      const failures = [
        () => Promise.reject(new TypeError("secret-exception-text in /srv/dxledger/internal.ts")),
        () => Promise.reject(new LedgerError("INTERNAL", "the log could not be written", { cause: "secret-exception-text: EIO" })),
      ];
      for (const fail of failures) {
        appender.submit = fail;
        let r;
        try {
          r = await api.post("/v1/exchanges", await sign(tax, "health"));
        } finally {
          delete (appender as { submit?: unknown }).submit;
        }
        expect([r.status, r.body.error.code]).to.deep.equal([500, "INTERNAL"]);
        const id = r.headers.get("x-request-id")!;
        expect(r.body.error.details).to.deep.equal({ requestId: id });
        expect(r.body.error.message).to.contain(id);
        expect(JSON.stringify(r.body)).to.not.contain("secret-exception-text");
        const line = logged().find((l) => l.level === "error" && l.requestId === id);
        expect(line, "logged with its request id").to.not.equal(undefined);
        expect(JSON.stringify(line)).to.contain("secret-exception-text");
        expect(line!.error).to.match(/\n\s+at /); // the stack
      }
      expect((await api.post("/v1/exchanges", await sign(tax, "health"))).status).to.equal(201);
    });

    it("client errors are logged at debug level, never one warning per 4xx", async () => {
      const before = lines.length;
      for (let i = 0; i < 5; i++) await api.get("/v1/departments", { token: "dxl_guess_guess" });
      const fresh = logged().slice(before);
      expect(fresh.filter((l) => l.level === "warn" || l.level === "error")).to.deep.equal([]);
      expect(fresh.filter((l) => l.level === "debug" && l.msg.includes("UNAUTHENTICATED"))).to.have.length(5);
    });

    it("a second instance on the same DATA_DIR exits at once, saying why; the first keeps working and keeps its chain", async () => {
      const anvilPid = Number(readFileSync(join(dir, "chain", "anvil.pid"), "utf8"));
      const second = await new Promise<{ code: number | null; out: string; ms: number }>((resolve) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], {
          env: { ...process.env, RPC_URL: "", DATA_DIR: dir, PORT: "0", CHAIN_PORT: String(svc.chainPort) },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code, out, ms: Date.now() - t0 });
        });
      });
      expect(second.code, second.out).to.equal(1);
      expect(second.out).to.contain(`the data dir ${dir} is in use by another dxledger process`);
      expect(second.out).to.not.contain("dxledger is running");
      expect(() => process.kill(anvilPid, 0), "the first instance's Anvil still runs").to.not.throw();
      expect((await api.get("/readyz")).status).to.equal(200);
      expect((await api.post("/v1/exchanges", await sign(tax, "health"))).status).to.equal(201);
      expect((await api.post("/v1/anchor")).status).to.equal(200);
    });
  });

  describe("rate limits (RATE_LIMIT_RPS per token, per address without one)", () => {
    const burst = (f: () => Promise<Response>, n = RPS * 3) => Promise.all(Array.from({ length: n }, f));

    it("429 RATE_LIMITED with Retry-After and the RateLimit headers, per token", async () => {
      const aud = (await api.post("/v1/tokens", { role: "auditor", label: "burst" })).body.token;
      const answers = await burst(() => fetch(`${svc.url}/v1/departments`, { headers: { authorization: `Bearer ${aud}` } }));
      const limited = answers.filter((r) => r.status === 429);
      expect(limited.length).to.be.at.least(RPS);
      expect(answers.filter((r) => r.status === 200).length).to.be.at.most(RPS);
      const r = limited[0]!;
      expect((await r.json()).error.code).to.equal("RATE_LIMITED");
      expect(Number(r.headers.get("retry-after"))).to.be.within(1, 2);
      expect(r.headers.get("ratelimit-policy")).to.match(new RegExp(`^"${RPS}-in-1sec"; q=${RPS}; w=1; pk=:[A-Za-z0-9+/=]+:$`));
      expect(r.headers.get("ratelimit")).to.match(new RegExp(`^"${RPS}-in-1sec"; r=0; t=\\d+$`));
      expect(r.headers.get("x-request-id")).to.be.a("string");
      // Another token is not slowed by this one.
      expect((await api.get("/v1/departments", { token: tokens.health })).status).to.equal(200);
    });

    it("per client address for requests without a token, and it passes", async () => {
      const answers = await burst(() => fetch(`${svc.url}/healthz`));
      expect(answers.filter((r) => r.status === 429).length).to.be.at.least(RPS);
      await until("the window passes", async () => ((await fetch(`${svc.url}/healthz`)).status === 200 ? true : undefined), 5000);
    });
  });
});

describe("security settings and redaction", () => {
  it("RATE_LIMIT_RPS, BODY_BUDGET_MB, CORS_ORIGINS and LOG_LEVEL: defaults, and every bad value reported at once", () => {
    const c = loadConfig({});
    expect(c).to.include({ rateLimitRps: 5000, bodyBudgetBytes: 256 * 1024 * 1024, logLevel: "info" });
    expect(c.corsOrigins).to.deep.equal([]);
    expect(loadConfig({ RATE_LIMIT_RPS: "0", CORS_ORIGINS: "https://a.example, http://b.example:8080" })).to.deep.include({
      rateLimitRps: 0,
      corsOrigins: ["https://a.example", "http://b.example:8080"],
    });
    try {
      loadConfig({ RATE_LIMIT_RPS: "-1", CORS_ORIGINS: "*,https://x.example/path", LOG_LEVEL: "chatty", BODY_BUDGET_MB: "0" });
      expect.fail("ConfigError expected");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const p = (e as ConfigError).problems.join("\n");
      for (const name of ["RATE_LIMIT_RPS", "LOG_LEVEL", "BODY_BUDGET_MB", '"*"', '"https://x.example/path"']) expect(p).to.contain(name);
    }
  });

  it("credentials in RPC URLs never reach /v1/info or a log line", () => {
    expect(redactUrl("https://user:s3cret@rpc.example/v1?apikey=k3y&x=1")).to.equal("https://rpc.example/v1?apikey=redacted&x=1");
    const out: string[] = [];
    const log = createLogger({ write: (l) => out.push(l) });
    log.error("chain down: https://user:s3cret@rpc.example/v1?token=k3y", { url: "http://a:b@host:8545" });
    log.debug("dropped below info");
    expect(out).to.have.length(1);
    expect(out[0]).to.not.match(/s3cret|k3y|a:b@/);
    expect(out[0]).to.contain("https://redacted@rpc.example/v1?token=redacted");
  });
});
