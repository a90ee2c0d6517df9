/**
 * Configuration: one zod schema validates, types and documents every
 * variable; docs/configuration.md's table is generated from it and must not drift; every
 * bad value is one line naming its variable, and `dxledger serve` exits 2.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadChainSettings, loadConfig } from "../src/config.ts";
import { configTable, docOf, envShape, SECRET_VARIABLES, type Env } from "../src/config-schema.ts";
import { BEGIN, CONFIG_DOC, END } from "../scripts/config-table.ts";

const ROOT = join(import.meta.dirname, "..");
const NAMES = Object.keys(envShape.shape) as Array<keyof Env>;

/** docs/configuration.md's table: variable → [default, meaning]. */
function configDocTable(): { text: string; rows: Map<string, [string, string]> } {
  const md = readFileSync(CONFIG_DOC, "utf8");
  const a = md.indexOf(BEGIN);
  const b = md.indexOf(END);
  expect(a, "docs/configuration.md has the generated configuration table").to.be.above(-1);
  const text = md.slice(a + BEGIN.length, b).trim();
  const rows = new Map<string, [string, string]>();
  for (const line of text.split("\n").slice(2)) {
    const m = /^\| `([A-Z_]+)` \| (.*?) \| (.*) \|$/.exec(line);
    expect(m, `a row of the table: ${line}`).to.not.equal(null);
    rows.set(m![1]!, [m![2]!, m![3]!]);
  }
  return { text, rows };
}

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  return [];
}

describe("configuration: one schema", () => {
  it("docs/configuration.md's table is the schema's: every variable, with the same default and meaning, and nothing else", () => {
    const { text, rows } = configDocTable();
    expect([...rows.keys()]).to.deep.equal(NAMES);
    for (const k of NAMES) expect(rows.get(k)![0], `default of ${k}`).to.equal(docOf(k).default);
    expect(text, "regenerate with: node scripts/config-table.ts --write").to.equal(configTable());
  });

  it("a default shown as a literal is the value the schema gives when the variable is unset", () => {
    let literal = 0;
    for (const k of NAMES) {
      const m = /^`([^`]+)`/.exec(docOf(k).default);
      if (!m) continue;
      literal++;
      const v = envShape.shape[k].parse(undefined);
      expect(String(v), k).to.equal(m[1]);
    }
    expect(literal).to.be.at.least(15);
    const c = loadConfig({});
    expect(c).to.include({
      port: 8080,
      host: "127.0.0.1",
      chainPort: 8545,
      logName: "default",
      anchorIntervalMs: 5000,
      anchorMaxLeaves: 10_000,
      confirmations: 1,
      maxUnanchoredAgeMs: 600_000,
      logLevel: "info",
      logFormat: "auto",
      embedded: true,
    });
    expect(c.chain).to.deep.include({ rpcTimeoutMs: 5000, replaceAfterMs: 30_000 });
  });

  it("every bad value is one line naming its variable; all of them at once", () => {
    const p = problems({ PORT: "eighty", CHAIN_PORT: "0", TX_TYPE: "fast", LOG_FORMAT: "xml", LEDGER_ADDRESS: "0x12", GAS_PRICE: "1.5", RPC_TIMEOUT_MS: "5" });
    expect(p).to.have.length(7);
    for (const [i, name] of ["PORT", "CHAIN_PORT", "LEDGER_ADDRESS", "RPC_TIMEOUT_MS", "GAS_PRICE", "TX_TYPE", "LOG_FORMAT"].entries()) {
      expect(p[i]!.startsWith(`${name} `), p[i]).to.equal(true);
      expect(p[i]).to.not.contain("\n");
    }
    expect(p[0]).to.equal('PORT must be an integer from 0 to 65535, got "eighty"');
  });

  it("rules between variables: MAX_UNANCHORED_AGE_MS > ANCHOR_INTERVAL_MS, what RPC_URL needs, GAS_PRICE ≤ MAX_GAS_PRICE — told even beside other problems", () => {
    expect(problems({ ANCHOR_INTERVAL_MS: "5000", MAX_UNANCHORED_AGE_MS: "5000", PORT: "x" })).to.deep.equal([
      'PORT must be an integer from 0 to 65535, got "x"',
      "MAX_UNANCHORED_AGE_MS (5000) must be 0 (no limit) or longer than ANCHOR_INTERVAL_MS (5000), or every write would be refused between anchors",
    ]);
    expect(problems({ ANCHOR_INTERVAL_MS: "5000", MAX_UNANCHORED_AGE_MS: "0" })).to.deep.equal([]);
    expect(problems({ RPC_URL: "http://127.0.0.1:8545" }).map((l) => l.split(" ")[0])).to.deep.equal(["ANCHOR_PRIVATE_KEY", "ADMIN_TOKEN", "LEDGER_ADDRESS"]);
    expect(problems({ GAS_PRICE: "10", MAX_GAS_PRICE: "9" })).to.deep.equal(["GAS_PRICE (10) is above MAX_GAS_PRICE (9)"]);
    expect(() => loadChainSettings({ GAS_PRICE: "10", MAX_GAS_PRICE: "9", PORT: "not read here" })).to.throw(ConfigError, /GAS_PRICE \(10\) is above/);
    expect(loadChainSettings({ GAS_PRICE: "0", TX_TYPE: "legacy" }).fees).to.deep.equal({ txType: "legacy", gasPriceWei: 0n });
  });

  it("secrets are never repeated in a problem; an RPC URL's credentials are redacted", () => {
    expect(SECRET_VARIABLES).to.deep.equal(["ANCHOR_PRIVATE_KEY", "ADMIN_TOKEN", "METRICS_TOKEN"]);
    const p = problems({
      ANCHOR_PRIVATE_KEY: "0xnot-a-key-s3cr3t",
      ADMIN_TOKEN: "short-s3cr3t",
      METRICS_TOKEN: "tiny-s3cr3t",
      RPC_URL: "ftp://user:s3cr3t@rpc.example/?apikey=s3cr3t",
    });
    expect(p.join("\n")).to.not.contain("s3cr3t");
    expect(p).to.include("ANCHOR_PRIVATE_KEY must be 0x + 64 hex digits");
    expect(p).to.include("ADMIN_TOKEN must be at least 24 characters");
    expect(p.find((l) => l.startsWith("RPC_URL"))).to.contain("ftp://redacted@rpc.example");
  });

  it("an empty variable counts as unset", () => {
    expect(loadConfig({ PORT: "", LOG_LEVEL: "", CORS_ORIGINS: "" })).to.include({ port: 8080, logLevel: "info" });
  });

  it("dxledger serve with a bad configuration: exit 2, one line per problem, nothing started", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve"], {
      env: { ...process.env, RPC_URL: "", PORT: "http", LOG_LEVEL: "loud", ADMIN_TOKEN: "tooshort-but-secret", DATA_DIR: "/nonexistent/dxledger-config-test" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr.trim().split("\n")).to.deep.equal([
      "dxledger: invalid configuration (3 problems):",
      '  - PORT must be an integer from 0 to 65535, got "http"',
      "  - ADMIN_TOKEN must be at least 24 characters",
      '  - LOG_LEVEL must be debug, info, warn or error, got "loud"',
    ]);
    expect(r.stdout).to.not.contain("dxledger is running");
  });
});
