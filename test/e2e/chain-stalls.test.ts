/**
 * The chain stalls at awkward moments: it freezes right after an anchor, or
 * it stops producing the blocks a confirmation needs. Real processes only
 * (Anvil, embedded or standalone, frozen with SIGSTOP; LevelDB in a temp
 * dir; HTTP on loopback). Every wait is bounded.
 */
import { expect } from "chai";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { anvilNode, deployLedger, serviceOn, TEST_ADMIN_TOKEN, until, type Node } from "../helpers/external-chain.ts";
import { verifyReceipt } from "../helpers/verify.ts";

async function setup(api: Api) {
  const a = dept("prov");
  const b = dept("cons");
  for (const d of [a, b]) {
    const r = await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  }
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  return { sign: () => signExchange(a.wallet, domain, unsigned("prov", "cons")) };
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const v = await f();
  return [v, Date.now() - t0];
};

const RPC_TIMEOUT_MS = 1000;

describe("e2e: the chain stalls", function () {
  this.timeout(120_000);
  let node: Node | undefined;
  let dir = "";
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = "";
  });

  /**
   * Freezes the chain right after POST /v1/anchor answered 200, records 3
   * exchanges (each 201 well within RPC_TIMEOUT_MS: recording needs no chain
   * call), thaws it, and sees the entries anchored and verifiable.
   */
  async function freezeAfterAnchor(api: Api, pid: number, rpcUrl: () => string): Promise<void> {
    const { sign } = await setup(api);
    expect((await api.post("/v1/exchanges", await sign())).status).to.equal(201);
    const cp = await api.post("/v1/anchor");
    expect(cp.status, JSON.stringify(cp.body)).to.equal(200);
    process.kill(pid, "SIGSTOP");
    let thawed = false;
    try {
      for (let i = 0; i < 3; i++) {
        const [w, ms] = await timed(async () => api.post("/v1/exchanges", await sign()));
        expect(w.status, `write ${i}: ${JSON.stringify(w.body)}`).to.equal(201);
        expect(ms, `write ${i} needs no chain call`).to.be.below(RPC_TIMEOUT_MS);
      }
      process.kill(pid, "SIGCONT");
      thawed = true;
    } finally {
      if (!thawed) process.kill(pid, "SIGCONT");
    }
    const last = await until("anchored after the chain is back", async () => {
      const r = await api.post("/v1/anchor");
      return r.status === 200 && r.body.treeSize === 4 ? r.body : undefined;
    });
    expect(last.index).to.equal(1);
    for (const seq of [1, 3]) {
      const v = await verifyReceipt((await api.get(`/v1/entries/${seq}/receipt`)).body, rpcUrl());
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    }
  }

  it("an external chain frozen (SIGSTOP) right after an anchor: writes with a known active key are still taken (201), then anchored", async () => {
    node = await anvilNode();
    dir = tempDir();
    const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) });
    try {
      const n = node;
      await freezeAfterAnchor(new Api(svc.url, TEST_ADMIN_TOKEN), n.pid, () => n.rpcUrl);
    } finally {
      await svc.stop();
    }
  });

  it("the embedded chain frozen (SIGSTOP) right after an anchor: writes with a known active key are still taken (201), then anchored", async () => {
    dir = tempDir();
    const svc = await start(dir, { ADMIN_TOKEN: TEST_ADMIN_TOKEN, RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) });
    try {
      const pid = Number(readFileSync(join(dir, "chain", "anvil.pid"), "utf8"));
      await freezeAfterAnchor(new Api(svc.url, TEST_ADMIN_TOKEN), pid, () => svc.rpcUrl);
    } finally {
      await svc.stop();
    }
  });
});
