/**
 * The shutdown order is defined once (src/shutdown.ts) and a real service
 * stops in exactly that order: a running embedded default with an entry
 * waiting for its anchor goes through every step, and the final anchor —
 * after the appender drained and the anchorer stopped, before the chain
 * closes — anchors it, as the next start shows.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { startService } from "../../src/server.ts";
import { SHUTDOWN_STEPS, type ShutdownStep } from "../../src/shutdown.ts";
import { Api, dept, freePort, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";

describe("shutdown order", function () {
  this.timeout(120_000);
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a real service stops in SHUTDOWN_STEPS order, every step once, and the final anchor lands", async () => {
    const chainPort = await freePort();
    const config = loadConfig({ DATA_DIR: dir, PORT: "0", CHAIN_PORT: String(chainPort), ANCHOR_INTERVAL_MS: "600000", MAX_UNANCHORED_AGE_MS: "0" });
    const steps: ShutdownStep[] = [];
    const svc = await startService(config, createLogger({ silent: true }), { onShutdownStep: (s) => steps.push(s) });
    const api = new Api(svc.url, svc.adminToken);
    const [tax, health] = [dept("tax"), dept("health")];
    for (const d of [tax, health]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    const r = await api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", "health")));
    expect(r.status).to.equal(201);
    expect((await api.get("/v1/info")).body.anchoredSize).to.equal(0);
    await svc.stop();
    expect(steps).to.deep.equal([...SHUTDOWN_STEPS]);

    const again = await start(dir, {}, chainPort);
    try {
      const info = (await new Api(again.url, again.adminToken).get("/v1/info")).body;
      expect(info.treeSize).to.equal(1);
      expect(info.anchoredSize, "the final anchor of the stop anchored the pending entry").to.equal(1);
    } finally {
      await again.stop();
    }
  });
});
