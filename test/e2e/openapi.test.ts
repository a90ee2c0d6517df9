/**
 * The OpenAPI document (issue 11 item 3): every route the Express app has is
 * an operation of /openapi.json and every operation a route; the document is
 * valid OpenAPI 3.1; real answers of a running service validate against the
 * schemas it documents for them; /docs shows it in Chromium under its CSP.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { chromium, type Browser } from "playwright-core";
import { createApp } from "../../src/adapters/http/app.ts";
import type { AppDeps } from "../../src/adapters/http/deps.ts";
import { openApiDocument } from "../../src/adapters/http/openapi/document.ts";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import type { RunningService } from "../../src/server.ts";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const METHODS = ["get", "post", "put", "delete", "patch", "head", "options"];
const doc = openApiDocument() as any;

/** Express 5 route path → OpenAPI path: `:name` and `*name` become `{name}`. */
export const toOpenApiPath = (p: string): string => p.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");

/** Every (METHOD path) the router has, nested routers included (all are mounted at "/"). */
export function routesOf(stack: any[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods).filter((k) => layer.route.methods[k] && k !== "_all"))
        out.push(`${m.toUpperCase()} ${toOpenApiPath(layer.route.path)}`);
    } else if (Array.isArray(layer.handle?.stack)) {
      expect(layer.matchers?.[0]?.("/") ?? true, "a nested router is mounted at /").to.not.equal(false);
      out.push(...routesOf(layer.handle.stack));
    }
  }
  return out;
}

/** Every (METHOD path) the document has; a wildcard route is named by its `x-express-route`. */
function operationsOf(d: any): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries<any>(d.paths)) {
    for (const m of METHODS.filter((k) => item[k])) out.push(`${m.toUpperCase()} ${toOpenApiPath(item[m]["x-express-route"] ?? path)}`);
  }
  return out;
}

/** An app built as the server builds it; no handler runs, so the deps are stand-ins. */
function appForRouting() {
  // Stand-ins: routes only. `metrics` is there as in the running service (its route exists only when metrics are wired).
  const metrics = { http: { observeRequest: () => {}, scrape: () => Promise.resolve({ contentType: "text/plain", body: "" }) } };
  const deps = {
    info: { rpcUrl: "http://127.0.0.1:8545" },
    tokens: {},
    log: { info: () => {}, warn: () => {}, error: () => {} },
    closing: () => false,
    security: {},
    metrics,
  } as unknown as AppDeps;
  return createApp(deps) as any;
}

describe("e2e: OpenAPI document", function () {
  describe("routes and operations", () => {
    it("every route of the app is an operation of the document, and every operation a route", () => {
      const routes = new Set(routesOf(appForRouting().router.stack));
      const ops = new Set(operationsOf(doc));
      const undocumented = [...routes].filter((r) => !ops.has(r)).sort();
      const unrouted = [...ops].filter((o) => !routes.has(o)).sort();
      const diff = [...undocumented.map((r) => `  + route not in /openapi.json: ${r}`), ...unrouted.map((o) => `  - operation with no route: ${o}`)].join("\n");
      expect(diff, `routes and document differ:\n${diff}`).to.equal("");
      expect(routes.size).to.be.greaterThan(30);
    });

    it("every operation names who may call it (x-roles) and the bearer scheme unless public", () => {
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        for (const m of METHODS.filter((k) => item[k])) {
          const op = item[m];
          expect(op["x-roles"], `${m} ${path}`).to.be.an("array").with.length.above(0);
          expect(op.security, `${m} ${path}`).to.deep.equal(op["x-roles"][0] === "anyone" ? [] : [{ bearer: [] }]);
          expect(op.description, `${m} ${path}`).to.match(/^\*\*Who:\*\*/);
        }
      }
    });
  });

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const r = await validator.validate(structuredClone(doc));
    expect(r.errors, JSON.stringify(r.errors, null, 2)).to.equal(undefined);
    expect(r.valid).to.equal(true);
    expect(validator.version).to.equal("3.1");
  });

  describe("against a running service", function () {
    this.timeout(120_000);
    let dir: string;
    let svc: RunningService;
    let admin: Api;
    let browser: Browser | undefined;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: "doc", components: doc.components, paths: doc.paths });
    const ptr = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

    /** Asserts `status` is documented for the operation and `body` fits the schema documented for it. */
    const conforms = (method: string, path: string, r: { status: number; body: unknown }) => {
      const responses = doc.paths[path]?.[method]?.responses;
      expect(responses, `${method} ${path} is documented`).to.be.an("object");
      let resp = responses[String(r.status)];
      expect(resp, `${method} ${path} documents status ${r.status} (${JSON.stringify(r.body).slice(0, 200)})`).to.be.an("object");
      let at = `doc#/${ptr("paths", path, method, "responses", String(r.status))}`;
      if (resp.$ref) {
        at = `doc${resp.$ref}`;
        resp = doc.components.responses[resp.$ref.split("/").pop()];
      }
      expect(resp.content?.["application/json"], `${method} ${path} ${r.status} is JSON`).to.be.an("object");
      const validate = ajv.getSchema(`${at}/content/application~1json/schema`)!;
      const ok = validate(r.body);
      expect(ok, `${method} ${path} ${r.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(r.body).slice(0, 600)}`).to.equal(true);
    };

    before(async () => {
      dir = tempDir();
      svc = await start(dir);
      admin = new Api(svc.url, svc.adminToken);
    });
    after(async () => {
      await browser?.close();
      await ifSet(svc)?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("serves the document at /openapi.json, public and cacheable (ETag, 304)", async () => {
      const r = await fetch(`${svc.url}/openapi.json`);
      expect(r.status).to.equal(200);
      expect(r.headers.get("content-type")).to.match(/^application\/json/);
      expect(r.headers.get("cache-control")).to.match(/public, max-age=\d+/);
      expect(await r.json()).to.deep.equal(JSON.parse(JSON.stringify(doc)));
      const again = await fetch(`${svc.url}/openapi.json`, { headers: { "if-none-match": r.headers.get("etag")! } });
      expect(again.status).to.equal(304);
    });

    it("real answers validate against their documented schemas: info, departments, an exchange, its receipt, statistics, tokens, errors", async () => {
      conforms("get", "/healthz", await admin.get("/healthz"));
      conforms("get", "/readyz", await admin.get("/readyz"));
      const info = await admin.get("/v1/info");
      conforms("get", "/v1/info", info);
      const a = dept("oa");
      const b = dept("ob");
      for (const d of [a, b])
        conforms("post", "/v1/departments", await admin.post("/v1/departments", { id: d.id, name: `Department ${d.id}`, signer: d.wallet.address }));
      conforms("get", "/v1/departments", await admin.get("/v1/departments"));
      conforms("get", "/v1/departments/{id}", await admin.get("/v1/departments/oa"));
      const tok = await admin.post("/v1/tokens", { role: "department:oa", label: "openapi" });
      conforms("post", "/v1/tokens", tok);
      conforms("get", "/v1/tokens", await admin.get("/v1/tokens"));
      conforms("get", "/v1/whoami", await admin.get("/v1/whoami", { token: tok.body.token }));

      const rec = await signExchange(a.wallet, info.body.eip712.domain, unsigned("oa", "ob", { dataset: "openapi/data" }));
      const made = await admin.post("/v1/exchanges", rec, { token: tok.body.token });
      expect(made.status).to.equal(201);
      conforms("post", "/v1/exchanges", made);
      conforms("post", "/v1/exchanges", await admin.post("/v1/exchanges", rec));
      conforms("get", "/v1/exchanges/{provider}/{id}/receipt", await admin.get(`/v1/exchanges/oa/${rec.id}/receipt`)); // 409 NOT_YET_ANCHORED
      conforms("post", "/v1/anchor", await admin.post("/v1/anchor"));
      const receipt = await admin.get(`/v1/exchanges/oa/${rec.id}/receipt`);
      expect(receipt.status).to.equal(200);
      conforms("get", "/v1/exchanges/{provider}/{id}/receipt", receipt);
      conforms("get", "/v1/entries/{seq}/receipt", await admin.get(`/v1/entries/${made.body.seq}/receipt`));
      conforms("get", "/v1/exchanges/{provider}/{id}", await admin.get(`/v1/exchanges/oa/${rec.id}`));
      conforms("get", "/v1/checkpoints/latest", await admin.get("/v1/checkpoints/latest"));
      conforms("get", "/v1/checkpoints", await admin.get("/v1/checkpoints"));
      conforms("get", "/v1/proofs/consistency", await admin.get("/v1/proofs/consistency?from=1&to=1"));
      conforms("get", "/v1/acknowledgements/missing", await admin.get("/v1/acknowledgements/missing"));
      conforms("get", "/v1/datasets/{dataset}/provenance", await admin.get("/v1/datasets/openapi%2Fdata/provenance"));
      conforms("get", "/v1/stats/usage", await admin.get("/v1/stats/usage?from=2026-01-01&to=2026-12-31&groupBy=dataset"));
      conforms("get", "/v1/stats/top", await admin.get("/v1/stats/top?by=provider&from=2026-01-01&to=2026-12-31"));
      conforms("get", "/v1/stats/flows", await admin.get("/v1/stats/flows?from=2026-01-01&to=2026-12-31"));

      // The check has teeth: a wrong type, a malformed hash, an undocumented status all fail it.
      expect(() => conforms("get", "/v1/info", { status: 200, body: { ...info.body, chainId: "31337" } })).to.throw(/chainId/);
      expect(() => conforms("get", "/v1/entries/{seq}/receipt", { status: 200, body: { ...receipt.body, leafHash: "0x12" } })).to.throw(/leafHash/);
      expect(() => conforms("get", "/v1/info", { status: 418, body: {} })).to.throw(/documents status 418/);

      // Errors: the SPEC shape, at a status the operation documents.
      const cases: Array<[string, string, { status: number; body: any }, string]> = [
        ["get", "/v1/exchanges/{provider}/{id}", await admin.get("/v1/exchanges/oa/no-such-id"), "NOT_FOUND"],
        ["get", "/v1/stats/usage", await admin.get("/v1/stats/usage?from=2026-13-01&to=2026-12-31"), "VALIDATION_FAILED"],
        ["get", "/v1/tokens", await admin.get("/v1/tokens", { token: null }), "UNAUTHENTICATED"],
        ["get", "/v1/tokens", await admin.get("/v1/tokens", { token: tok.body.token }), "FORBIDDEN"],
        ["post", "/v1/departments", await admin.post("/v1/departments", { id: "oa", name: "again", signer: a.wallet.address }), "DEPARTMENT_EXISTS"],
        ["post", "/v1/exchanges", await admin.post("/v1/exchanges", undefined, { raw: "{", contentType: "application/json" }), "INVALID_JSON"],
      ];
      for (const [m, p, r, code] of cases) {
        expect(r.body.error?.code, `${m} ${p}`).to.equal(code);
        conforms(m, p, r);
      }
    });

    it("/docs shows the operations in Chromium, from this service alone, without a console error", async () => {
      browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
      const page = await browser.newPage();
      const errors: string[] = [];
      const elsewhere: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("response", (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      page.on("request", (r) => {
        if (!r.url().startsWith(svc.url) && !r.url().startsWith("data:")) elsewhere.push(r.url());
      });
      const res = await page.goto(`${svc.url}/docs`);
      expect(res!.status()).to.equal(200);
      expect(res!.headers()["content-security-policy"]).to.contain("script-src 'self'").and.not.contain("unsafe-inline");
      await page.waitForSelector(".opblock", { timeout: 30_000 });
      const ops = await page.$$eval(".opblock-summary-path", (els) => els.map((e) => e.getAttribute("data-path")));
      expect(ops).to.include.members(["/v1/exchanges", "/v1/exchanges/{provider}/{id}/receipt", "/v1/stats/usage", "/openapi.json"]);
      expect(ops.length).to.equal(Object.values<any>(doc.paths).reduce((n, item) => n + METHODS.filter((m) => item[m]).length, 0));
      await page.click("#operations-exchanges-getReceipt .opblock-summary-control");
      await page.waitForSelector("#operations-exchanges-getReceipt .responses-table");
      expect(await page.textContent("#operations-exchanges-getReceipt")).to.contain("NOT_YET_ANCHORED");
      await page.screenshot({ path: "test-artifacts/openapi-docs.png", fullPage: false });
      expect(errors, errors.join("\n")).to.deep.equal([]);
      expect(elsewhere, "requests to other origins").to.deep.equal([]);
    });
  });
});
