/**
 * The federation views are cached so that a burst does not fan out: callers
 * that arrive together — also just after the cached answer expired — share
 * one computation (the gateway's FederationDirectory, the hub's
 * FederationView). A fake clock and counting fakes: nothing here waits for time.
 */
import { expect } from "chai";
import { FederationDirectory } from "../../src/services/federation/directory.ts";
import { FederationView } from "../../src/hub/services/view.ts";
import type { FederationLogs } from "../../src/hub/services/logs.ts";
import type { GatewayHttp, LedgerView } from "../../src/hub/ports.ts";
import type { DirectoryChain, GatewayProbe } from "../../src/ports/federation.ts";

const LOG = `0x${"ab".repeat(32)}`;
const N = 50;

describe("federation views: one computation per cache period, however many callers", () => {
  it("the gateway's directory: a burst after the snapshot expired probes once", async () => {
    let now = 1_000_000;
    let probes = 0;
    const chain: DirectoryChain = {
      logs: () => Promise.resolve([{ logId: LOG, name: "a", url: "http://127.0.0.1:1", operator: "", anchorer: "" }]),
      latestCheckpoint: () => Promise.resolve(null),
    };
    const probe: GatewayProbe = {
      probe: () => {
        probes++;
        return Promise.resolve({ reachable: true, ready: true, anchoring: null, logId: LOG, error: null });
      },
    };
    const dir = new FederationDirectory(chain, probe, LOG, { cacheMs: 2000, now: () => now });
    await Promise.all(Array.from({ length: N }, () => dir.list()));
    expect(probes).to.equal(1);
    now += 2001;
    await Promise.all(Array.from({ length: N }, () => dir.list()));
    expect(probes).to.equal(2);
    await dir.list();
    expect(probes).to.equal(2);
  });

  it("the hub's view: concurrent callers share one computation, reused for its TTL, then computed once again", async () => {
    let now = 1_000_000;
    let gets = 0;
    const logs = { list: () => Promise.resolve({ source: "HUB_GATEWAYS", logs: [{ name: "a", logId: LOG, url: "http://127.0.0.1:1" }] }) };
    const ledger: LedgerView = {
      chainId: 1,
      contract: "0x",
      checkpointCount: () => Promise.resolve(0),
      checkpointAt: () => Promise.resolve(undefined),
      directory: () => Promise.resolve(undefined),
    };
    const http: GatewayHttp = {
      get: () => {
        gets++;
        return Promise.resolve({ status: 200, body: {}, text: "{}" });
      },
    };
    const view = new FederationView(logs as unknown as FederationLogs, ledger, http, 1000, () => undefined, { cacheMs: 2000, now: () => now });
    await Promise.all(Array.from({ length: N }, () => view.view()));
    expect(gets).to.equal(2); // /readyz and /v1/checkpoints/latest, once
    now += 2000;
    await view.view();
    expect(gets).to.equal(2);
    now += 1;
    await Promise.all(Array.from({ length: N }, () => view.view()));
    expect(gets).to.equal(4);
  });
});
