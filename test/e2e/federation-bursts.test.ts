/**
 * Issue 18, items 2 and 4, on a single install (embedded Anvil, LevelDB in a
 * temp dir, HTTP on loopback ports):
 * - its own log is named in the chain's directory, reachable and not stale;
 * - a burst of public GET /v1/federation, each request with a different
 *   made-up bearer or X-Gateway-Tokens, buys no fresh rate-limit allowance
 *   (at the gateway or the hub), and does not fan out to the gateways: every
 *   request the hub or the gateway makes to a gateway is counted by a proxy
 *   standing where the directory (PUBLIC_URL) says the gateway is.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, ifSet, start, tempDir, until } from "../helpers/service.ts";
import { seededRandom } from "../helpers/seeded.ts";
import { createLogger } from "../../src/logger.ts";
import { loadHubConfig } from "../../src/hub/config.ts";
import { startHub, type RunningHub } from "../../src/hub/server.ts";
import { VIEW_CACHE_MS } from "../../src/hub/services/view.ts";
import { DEFAULT_FEDERATION_CACHE_MS } from "../../src/services/federation/directory.ts";
import type { RunningService } from "../../src/server.ts";

const BURST = 200;
const RPS = 5;
const HUB_AUDITOR = "hub-auditor-token-0123456789ab";

/** A proxy that counts what passes (GET only) to `target`, set once the gateway listens. */
async function countingProxy(): Promise<{ url: string; count(): number; reset(): void; target: string; close(): Promise<void> }> {
  let n = 0;
  const p = {
    target: "",
    url: "",
    count: () => n,
    reset: () => (n = 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    n++;
    fetch(`${p.target}${req.url ?? "/"}`, { redirect: "manual" })
      .then(async (r) => {
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}

const rnd = seededRandom(18_2);
const madeUp = (i: number) => `made-up-${Math.floor(rnd() * 2 ** 48).toString(36)}-${i}`;

/** BURST requests at once, each with its own made-up credential; the statuses and how long the burst took. */
async function burst(url: string, headersOf: (i: number) => Record<string, string>): Promise<{ statuses: number[]; elapsedMs: number }> {
  const t0 = Date.now();
  const statuses = await Promise.all(
    Array.from({ length: BURST }, async (_, i) => {
      const r = await fetch(url, { headers: headersOf(i) });
      await r.arrayBuffer();
      return r.status;
    }),
  );
  return { statuses, elapsedMs: Date.now() - t0 };
}

/** At most this many computations of a view cached for `cacheMs` during `elapsedMs`, plus one that was fresh at the start. */
const windows = (elapsedMs: number, cacheMs: number) => Math.ceil(elapsedMs / cacheMs) + 1;

describe("e2e: a single install's federation view, and bursts of made-up tokens", function () {
  this.timeout(120_000);
  let svc: RunningService;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;

  describe("the embedded default, without PUBLIC_URL", () => {
    let plain: RunningService;
    after(async () => {
      await ifSet(plain)?.stop();
    });

    it("GET /v1/federation shows its own log named, reachable and not stale", async () => {
      plain = await start(tempDir());
      const api = new Api(plain.url);
      const self = await until("its own log named, with a URL, in the directory", async () => {
        const r = await api.get("/v1/federation");
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        const log = (r.body.logs as Array<{ self: boolean; name: string; url: string; health: { reachable: boolean }; stale: boolean }>).find((l) => l.self);
        return log && log.name !== "" && log.url !== "" && log.health.reachable ? log : undefined;
      });
      expect(self).to.include({ name: "default", url: plain.url, stale: false });
      expect((self as unknown as { staleReason: string | null }).staleReason).to.equal(null);
    });
  });

  describe("bursts (RATE_LIMIT_RPS and HUB_RATE_LIMIT_RPS 5)", () => {
    let hub: RunningHub;

    before(async () => {
      proxy = await countingProxy();
      svc = await start(tempDir(), { RATE_LIMIT_RPS: String(RPS), PUBLIC_URL: proxy.url });
      proxy.target = svc.url;
      await until("the directory names the proxy as the gateway's URL", async () => {
        const r = await new Api(svc.url).get("/v1/federation");
        return (r.body.logs as Array<{ self: boolean; url: string }> | undefined)?.some((l) => l.self && l.url === proxy.url) ? true : undefined;
      });
      const config = loadHubConfig({
        PORT: "0",
        HUB_RPC_URL: svc.rpcUrl,
        LEDGER_ADDRESS: svc.contract,
        HUB_TOKENS: `auditor=${HUB_AUDITOR}`,
        HUB_RATE_LIMIT_RPS: String(RPS),
      });
      hub = await startHub(config, createLogger({ silent: true }));
    });

    after(async () => {
      await ifSet(hub)?.stop();
      await ifSet(svc)?.stop();
      await ifSet(proxy)?.close();
    });

    /** Waits for every window of the limiters to pass: a fresh allowance for the next burst. */
    const rested = () =>
      until("a fresh allowance at the hub", async () => ((await fetch(`${hub.url}/healthz`)).status === 200 ? true : undefined), 10_000, 250);

    for (const [what, headersOf] of [
      ["a different made-up bearer", (i: number): Record<string, string> => ({ authorization: `Bearer ${madeUp(i)}` })],
      ["a different made-up X-Gateway-Tokens", (i: number): Record<string, string> => ({ "x-gateway-tokens": `default=${madeUp(i)}` })],
    ] as const) {
      it(`the hub: ${BURST} requests to /v1/federation, each with ${what} — most 429, the gateway sees a bounded number`, async () => {
        await rested();
        proxy.reset();
        const { statuses, elapsedMs } = await burst(`${hub.url}/v1/federation`, headersOf);
        const served = statuses.filter((s) => s === 200).length;
        expect(statuses.every((s) => s === 200 || s === 429)).to.equal(true);
        // One address: at most the allowance of the windows the burst spans.
        expect(served, String(statuses)).to.be.at.most(RPS * (Math.ceil(elapsedMs / 1000) + 1));
        expect(statuses.filter((s) => s === 429).length).to.be.at.least(BURST / 2);
        // Each hub view asks the gateway twice (/readyz, /v1/checkpoints/latest); the view is cached.
        expect(proxy.count(), `${proxy.count()} requests reached the gateway in ${elapsedMs} ms`).to.be.at.most(2 * windows(elapsedMs, VIEW_CACHE_MS));
      });
    }

    it("a hub token keeps its own allowance: a burst from the same address does not use it up", async () => {
      await rested();
      const others = burst(`${hub.url}/healthz`, (i) => ({ authorization: `Bearer ${madeUp(i)}` }));
      const mine = await fetch(`${hub.url}/v1/whoami`, { headers: { authorization: `Bearer ${HUB_AUDITOR}` } });
      expect(mine.status).to.equal(200);
      expect((await others).statuses.filter((s) => s === 429).length).to.be.at.least(BURST / 2);
    });

    it(`the gateway: ${BURST} requests to /v1/federation, each with a different made-up bearer — most 429, bounded probes`, async () => {
      await rested();
      proxy.reset();
      const { statuses, elapsedMs } = await burst(`${svc.url}/v1/federation`, (i) => ({ authorization: `Bearer ${madeUp(i)}` }));
      expect(statuses.every((s) => s === 200 || s === 429)).to.equal(true);
      expect(statuses.filter((s) => s === 429).length, String(statuses)).to.be.at.least(BURST / 2);
      // Each snapshot probes the gateway twice (/readyz, /v1/info).
      expect(proxy.count(), `${proxy.count()} probes in ${elapsedMs} ms`).to.be.at.most(2 * windows(elapsedMs, DEFAULT_FEDERATION_CACHE_MS));
    });

    it(`the gateway: ${BURST} requests to a route that needs a token, each with a different made-up bearer — 401 or 429, most 429`, async () => {
      await rested();
      const { statuses } = await burst(`${svc.url}/v1/whoami`, (i) => ({ authorization: `Bearer ${madeUp(i)}` }));
      expect(statuses.every((s) => s === 401 || s === 429)).to.equal(true);
      expect(statuses.filter((s) => s === 429).length, String(statuses)).to.be.at.least(BURST / 2);
    });
  });
});
