/**
 * The hub limits each caller (HUB_RATE_LIMIT_RPS) before a request fans out
 * to every gateway: past the limit 429 RATE_LIMITED with Retry-After and the
 * RateLimit headers, as at the gateways; another caller (another hub token)
 * is not affected; a made-up bearer buys no allowance of its own; 0 turns it off. Real HTTP on a loopback port; the federated services behind
 * the routes are not reached (the limit comes first).
 */
import { expect } from "chai";
import type { Server } from "node:http";
import { createHubApp } from "../../src/hub/routes/app.ts";
import { hubTokens } from "../../src/hub/adapters/hub-tokens.ts";
import { loadHubConfig } from "../../src/hub/config.ts";

const ONE = "hub-auditor-token-0123456789";
const TWO = "hub-regulator-token-0123456789";

async function hubOn(rateLimitRps: number): Promise<{ url: string; close(): void }> {
  const unused = () => {
    throw new Error("not reached in this test");
  };
  const app = createHubApp({
    tokens: hubTokens([
      { role: "auditor", token: ONE },
      { role: "regulator", token: TWO },
    ]),
    stats: unused as never,
    records: unused as never,
    view: { view: () => Promise.resolve({ logs: [] }) },
    log: { info: () => {}, warn: () => {}, error: () => {} },
    rateLimitRps,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

/** 12 requests at once; how many got through, and the most a 3-a-second limit may let through in the time the burst took (one window more than it spans). */
async function burstOf(send: (i: number) => Promise<Response>): Promise<{ responses: Response[]; ok: number; most: number }> {
  const t0 = Date.now();
  const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i)));
  const most = 3 * (Math.ceil((Date.now() - t0) / 1000) + 1);
  return { responses, ok: responses.filter((r) => r.status === 200).length, most };
}

describe("hub: per-caller rate limit", () => {
  it("past HUB_RATE_LIMIT_RPS a caller gets 429 RATE_LIMITED with Retry-After; another caller does not", async () => {
    const hub = await hubOn(3);
    try {
      const as = (token: string) => fetch(`${hub.url}/healthz`, { headers: { authorization: `Bearer ${token}` } });
      // 12 at once against 3 a second: at least the first window's 3 get through, and no more than the windows the burst spans allow.
      const { responses: burst, ok, most } = await burstOf(() => as(ONE));
      const statuses = burst.map((r) => r.status);
      expect(
        statuses.every((s) => s === 200 || s === 429),
        String(statuses),
      ).to.equal(true);
      expect(ok, String(statuses)).to.be.within(3, Math.min(most, 11));
      const refused = burst.find((r) => r.status === 429)!;
      expect(refused.headers.get("retry-after")).to.match(/^\d+$/);
      expect(refused.headers.get("ratelimit-policy")).to.contain("3");
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal("RATE_LIMITED");
      expect((await as(TWO)).status).to.equal(200);
    } finally {
      hub.close();
    }
  });

  it("a bearer that is not a hub token counts against the address: 12 made-up ones at once against 3 a second", async () => {
    const hub = await hubOn(3);
    try {
      const { ok, most } = await burstOf((i) => fetch(`${hub.url}/healthz`, { headers: { authorization: `Bearer made-up-${i}` } }));
      expect(ok).to.be.within(3, Math.min(most, 11));
      expect((await fetch(`${hub.url}/healthz`, { headers: { authorization: `Bearer ${TWO}` } })).status).to.equal(200);
    } finally {
      hub.close();
    }
  });

  it("0 turns it off; the configuration refuses a bad value", async () => {
    const hub = await hubOn(0);
    try {
      const burst = await Promise.all(Array.from({ length: 30 }, () => fetch(`${hub.url}/healthz`)));
      expect(burst.every((r) => r.status === 200)).to.equal(true);
    } finally {
      hub.close();
    }
    const env = { HUB_RPC_URL: "http://127.0.0.1:8545", LEDGER_ADDRESS: `0x${"11".repeat(20)}`, HUB_TOKENS: "auditor=hub-auditor-token-0123456789" };
    expect(loadHubConfig(env).rateLimitRps).to.equal(20);
    expect(() => loadHubConfig({ ...env, HUB_RATE_LIMIT_RPS: "-1" })).to.throw(/HUB_RATE_LIMIT_RPS/);
  });
});
