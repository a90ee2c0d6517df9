/**
 * Structured logs (pino): JSON lines by default, pretty on request; every
 * line written while serving a request carries its request id; no token,
 * private key or RPC credential ever reaches the output.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ifSet, Api, dept, freePort, signExchange, start, tempDir, unsigned, until } from "../helpers/service.ts";
import { createLogger } from "../../src/logger.ts";
import { loadConfig, secretsOf } from "../../src/config.ts";
import type { RunningService } from "../../src/server.ts";
import { testWallet } from "../helpers/seeded.ts";

const ROOT = join(import.meta.dirname, "..", "..");
interface Line {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  [k: string]: unknown;
}

/** `dxledger serve` with `env`; resolves once it exits (or is killed after `ms`) with everything it wrote. */
function serve(env: NodeJS.ProcessEnv, ms = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("e2e: structured logs", function () {
  let dir: string;
  let svc: RunningService;
  let api: Api;
  const out: string[] = [];
  const lines = () => out.map((l) => JSON.parse(l) as Line);

  before(async () => {
    dir = tempDir();
    svc = await start(dir, {}, undefined, createLogger({ minLevel: "debug", write: (l) => out.push(l) }));
    api = new Api(svc.url, svc.adminToken);
  });
  after(async () => {
    await ifSet(svc)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("JSON lines: level, time, msg; the start is logged", () => {
    const start = lines().find((l) => l.msg === "dxledger is listening");
    expect(start).to.include({ level: "info", url: svc.url });
    expect(Date.parse(start!.time)).to.be.above(0);
  });

  it("every line written while serving a request carries its request id, also after its body was read", async () => {
    const tax = dept("tax");
    expect((await api.post("/v1/departments", { id: "tax", name: "tax", signer: tax.wallet.address })).status).to.equal(201);
    const token = (await api.post("/v1/tokens", { role: "department:tax", label: "logging" })).body.token as string;
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const [id, send] of [
      [
        "log-probe-unauthenticated",
        () =>
          fetch(`${svc.url}/v1/departments`, {
            headers: { "x-request-id": "log-probe-unauthenticated", authorization: "Bearer dxl_0123456789abcdef_notarealsecretnotarealsecret000" },
          }),
      ],
      [
        "log-probe-bad-json",
        () =>
          fetch(`${svc.url}/v1/exchanges`, {
            method: "POST",
            headers: { "x-request-id": "log-probe-bad-json", authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: "{not json",
          }),
      ],
      [
        "log-probe-write",
        async () =>
          fetch(`${svc.url}/v1/exchanges`, {
            method: "POST",
            headers: { "x-request-id": "log-probe-write", authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(await signExchange(tax.wallet, domain, unsigned("tax", "tax"))),
          }),
      ],
    ] as const) {
      const from = out.length;
      const r = await send();
      await r.text();
      expect(r.headers.get("x-request-id")).to.equal(id);
      const mine = lines().slice(from);
      expect(mine.length, `${id}: lines logged`).to.be.at.least(1);
      for (const l of mine) expect(l.requestId, `${id}: ${JSON.stringify(l)}`).to.equal(id);
    }
    const all = out.join("");
    // dxl_<16 hex id>_<32-char base64url secret>: the secret may itself hold "_", so cut by position.
    const secret = /^dxl_[0-9a-f]{16}_([A-Za-z0-9_-]{32})$/.exec(token)?.[1];
    expect(secret, token).to.be.a("string").with.lengthOf(32);
    expect(all).to.not.contain(secret);
    expect(all).to.not.contain("notarealsecretnotarealsecret000");
    expect(all).to.not.contain(svc.adminToken);
  });

  it("no secret in a line: authorization headers, tokens, keys and RPC credentials, by field name and by value", () => {
    const key = testWallet().privateKey;
    const config = loadConfig({
      RPC_URL: "https://ops:hunter2hunter2@rpc.example/v1?apikey=k3yk3yk3y",
      LEDGER_ADDRESS: `0x${"ab".repeat(20)}`,
      ANCHOR_PRIVATE_KEY: key,
      ADMIN_TOKEN: "admin-token-value-0123456789",
      METRICS_TOKEN: "metrics-token-value-0123456789",
    });
    const got: string[] = [];
    const log = createLogger({ write: (l) => got.push(l), secrets: secretsOf(config) });
    log.info("configuration", { ...config, chain: undefined });
    log.warn(`chain down at ${config.rpcUrl}`, { headers: { authorization: "Bearer dxl_00112233445566aa_abcdefghijklmnopqrstuvwxyz012345" } });
    log.error("a key turned up in a message", { detail: `key=${key.slice(2)} and ${key}`, nested: { privateKey: key, token: "t-o-k-e-n" } });
    const text = got.join("");
    for (const secret of [
      key,
      key.slice(2),
      "hunter2hunter2",
      "k3yk3yk3y",
      "admin-token-value-0123456789",
      "metrics-token-value-0123456789",
      "abcdefghijklmnopqrstuvwxyz012345",
      "t-o-k-e-n",
    ]) {
      expect(text, secret).to.not.contain(secret);
    }
    expect(got).to.have.length(3);
    for (const l of got) expect(() => JSON.parse(l)).to.not.throw();
    expect(JSON.parse(got[1]!).msg).to.equal("chain down at https://redacted@rpc.example/v1?apikey=redacted");
  });

  it("dxledger serve: JSON lines on stderr by default (not a terminal), never the anchoring key or the admin token", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // Anvil's second funded dev account
    const data = tempDir();
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], {
      env: {
        ...process.env,
        RPC_URL: "",
        DATA_DIR: data,
        PORT: String(port),
        CHAIN_PORT: String(await freePort()),
        ANCHOR_PRIVATE_KEY: key,
        ADMIN_TOKEN: "admin-token-value-0123456789",
        LOG_LEVEL: "debug",
        LOG_FORMAT: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await until("the service to start", () => (stdout.includes("dxledger is running") ? true : undefined), 60_000);
      const r = await fetch(`http://127.0.0.1:${port}/v1/departments`, {
        headers: { authorization: "Bearer admin-token-value-0123456789", "x-request-id": "serve-probe" },
      });
      expect(r.status).to.equal(200);
      await until("the request's line", () => (stderr.includes("serve-probe") ? true : undefined), 10_000, 50);
    } finally {
      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
      rmSync(data, { recursive: true, force: true });
    }
    const logged = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    expect(logged.find((l) => l.requestId === "serve-probe")).to.include({ level: "debug", msg: "GET /v1/departments 200" });
    expect(logged.some((l) => l.msg === "dxledger is listening")).to.equal(true);
    for (const secret of [key, key.slice(2), "admin-token-value-0123456789"]) expect(stdout + stderr, secret).to.not.contain(secret);
  });

  it("dxledger serve against an RPC URL with credentials: they appear nowhere, in JSON or pretty output", async () => {
    const key = testWallet().privateKey;
    const dead = await freePort();
    const env = {
      DATA_DIR: tempDir(),
      PORT: "0",
      RPC_URL: `http://ops:hunter2hunter2@127.0.0.1:${dead}/?apikey=k3yk3yk3y`,
      LEDGER_ADDRESS: `0x${"ab".repeat(20)}`,
      ANCHOR_PRIVATE_KEY: key,
      ADMIN_TOKEN: "admin-token-value-0123456789",
      RPC_TIMEOUT_MS: "500",
      LOG_LEVEL: "debug",
    };
    try {
      for (const format of ["json", "pretty"]) {
        const run = await serve({ ...env, LOG_FORMAT: format });
        expect(run.code, run.stderr).to.equal(1);
        expect(run.stderr).to.contain("could not start");
        const text = run.stdout + run.stderr;
        for (const secret of [key, key.slice(2), "hunter2hunter2", "k3yk3yk3y", "admin-token-value-0123456789"])
          expect(text, `${format}: ${secret}`).to.not.contain(secret);
      }
    } finally {
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  });

  it("LOG_FORMAT=pretty writes lines for people, with the request id", () => {
    const got: string[] = [];
    const log = createLogger({ format: "pretty", write: (l) => got.push(l) });
    log.info("hello operator", { requestId: "pretty-probe", n: 1 });
    const text = got.join("");
    expect(() => JSON.parse(text)).to.throw();
    expect(text).to.contain("hello operator");
    expect(text).to.contain("pretty-probe");
  });
});
