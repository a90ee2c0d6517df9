/**
 * How the service serves the console, without a browser: a missing build is
 * a clear 503 naming the command that makes it; the CSP names the chain RPC's
 * origin and nothing of its path or credentials; API paths are never the
 * console's.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { consoleCsp, consoleRoutes } from "../../src/adapters/http/console.ts";

async function serve(dist: string): Promise<{ base: string; server: Server }> {
  const app = express();
  app.use(consoleRoutes({ info: { rpcUrl: "https://user:secret@rpc.example.org:8443/v2/key123?apikey=abc" } }, dist));
  app.use((_req, res) => res.status(404).json({ error: { code: "NOT_FOUND" } }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe("console serving", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("answers 503 NOT_READY naming `npm run console:build` when web/dist is missing", async () => {
    const { base, server } = await serve(join(tmpdir(), "dxledger-no-such-dist"));
    try {
      const r = await fetch(`${base}/`);
      expect(r.status).to.equal(503);
      const body = await r.json();
      expect(body.error.code).to.equal("NOT_READY");
      expect(body.error.message).to.contain("npm run console:build");
      expect((await fetch(`${base}/v1/info`, { headers: { accept: "text/html" } })).status).to.equal(404);
    } finally {
      server.close();
    }
  });

  it("serves files and index.html (HTML requests only) with the console CSP; never an API path", async () => {
    const dist = mkdtempSync(join(tmpdir(), "dxledger-dist-"));
    dirs.push(dist);
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(dist, "assets", "app-1.js"), "export {};");
    const { base, server } = await serve(dist);
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).to.equal(200);
      expect(page.headers.get("cache-control")).to.equal("no-cache");
      expect(page.headers.get("content-security-policy")).to.equal(consoleCsp("https://user:secret@rpc.example.org:8443/v2/key123?apikey=abc"));
      const js = await fetch(`${base}/assets/app-1.js`);
      expect(js.headers.get("cache-control")).to.contain("immutable");
      expect((await fetch(`${base}/somewhere`, { headers: { accept: "text/html" } })).status).to.equal(200);
      expect((await fetch(`${base}/somewhere`, { headers: { accept: "application/json" } })).status).to.equal(404);
      for (const p of ["/v1/info", "/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"]) {
        expect((await fetch(`${base}${p}`, { headers: { accept: "text/html" } })).status, p).to.equal(404);
      }
    } finally {
      server.close();
    }
  });

  it("lets the page connect to 'self' and the RPC's origin only — no path, key or credentials", () => {
    const csp = consoleCsp("https://user:secret@rpc.example.org:8443/v2/key123?apikey=abc");
    expect(csp).to.contain("connect-src 'self' https://rpc.example.org:8443;");
    expect(csp).to.not.match(/secret|key123|apikey/);
    expect(csp).to.contain("script-src 'self';").and.contain("style-src 'self';").and.contain("default-src 'none'");
    expect(consoleCsp("not a url")).to.contain("connect-src 'self';");
  });
});
