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
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { ANVIL_DEV_KEY } from "../../src/adapters/chain/anvil.ts";

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

// Long enough that a busy machine's Anvil answers in time when it is not frozen.
const RPC_TIMEOUT_MS = 3000;

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
   * exchanges (each 201: recording needs no chain call), thaws it, and sees the entries anchored and verifiable.
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
        // A 201 is the proof: any chain call would wait out RPC_TIMEOUT_MS on the frozen chain and answer 503.
        const w = await api.post("/v1/exchanges", await sign());
        expect(w.status, `write ${i}: ${JSON.stringify(w.body)}`).to.equal(201);
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

  it("CONFIRMATIONS=2 on the embedded chain: it mines on an interval, so registering a department answers 201 in bounded time, and anchoring works", async () => {
    dir = tempDir();
    const svc = await start(dir, { ADMIN_TOKEN: TEST_ADMIN_TOKEN, CONFIRMATIONS: "2", RPC_TIMEOUT_MS: "5000" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      // setup asserts 201 for both: without blocks on an interval each would wait out its deadline and answer 503.
      const { sign } = await setup(api);
      const again = await api.post("/v1/departments", { id: "prov", name: "prov", signer: dept("prov").wallet.address });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("DEPARTMENT_EXISTS");
      const w = await api.post("/v1/exchanges", await sign());
      expect(w.status, JSON.stringify(w.body)).to.equal(201);
      const cp = await api.post("/v1/anchor");
      expect(cp.status, JSON.stringify(cp.body)).to.equal(200);
      const v = await verifyReceipt((await api.get("/v1/entries/0/receipt")).body, svc.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
      expect((await api.get("/readyz")).status).to.equal(200);
    } finally {
      await svc.stop();
    }
  });

  it("a chain that makes no more blocks (CONFIRMATIONS=2, mining on transactions only): errors say what was sent, /readyz answers 503 while a transaction stalls, and 200 once it is confirmed", async () => {
    node = await anvilNode();
    dir = tempDir();
    const ledger = await deployLedger(node.rpcUrl);
    const a = dept("prov");
    const b = dept("cons");
    // Registered on chain before the service starts (one confirmation): the service knows them from the chain.
    const admin = await LedgerClient.connect({ rpcUrl: node.rpcUrl, address: ledger, privateKey: ANVIL_DEV_KEY });
    try {
      for (const d of [a, b]) await admin.registerDepartment(d.id, d.wallet.address);
    } finally {
      await admin.close();
    }
    const svc = await serviceOn(dir, node.rpcUrl, ledger, { CONFIRMATIONS: "2", RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), ANCHOR_INTERVAL_MS: "300" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      // Mined at once, never confirmed: the answer names the transaction, and says it was sent.
      const d = await api.post("/v1/departments", { id: "late", name: "late", signer: dept("late").wallet.address });
      expect(d.status, JSON.stringify(d.body)).to.equal(503);
      expect(d.body.error.code).to.equal("CHAIN_UNAVAILABLE");
      expect(d.body.error.message).to.not.include("nothing was sent");
      expect(d.body.error.message).to.match(/transaction 0x[0-9a-f]{64} \(nonce \d+\) was sent and mined in block \d+, 1 of 2 confirmations so far/);
      const retry = await api.post("/v1/departments", { id: "late", name: "late", signer: dept("late").wallet.address });
      expect(retry.status, "it took effect: a retry is refused as a duplicate").to.equal(409);
      expect(retry.body.error.code).to.equal("DEPARTMENT_EXISTS");
      // The anchorer's transaction stalls the same way: readiness says so once it has waited longer than a department write would.
      expect((await api.get("/readyz")).status).to.equal(200);
      const domain = (await api.get("/v1/info")).body.eip712.domain;
      expect((await api.post("/v1/exchanges", await signExchange(a.wallet, domain, unsigned("prov", "cons")))).status).to.equal(201);
      // The stall is first reported as sent and not yet seen mined; wait until the sender has seen it mined.
      const stalled = await until("readiness reports the stall of a mined, unconfirmed anchor", async () => {
        const r = await api.get("/readyz");
        return r.status === 503 && / mined in block \d+, 1 of 2 confirmations/.test(String(r.body.checks.anchoring)) ? r.body : undefined;
      });
      expect(stalled.checks.chain).to.equal(true);
      expect(String(stalled.checks.anchoring)).to.match(
        /^chain writes stalled: a transaction of this account \(anchor 0x[0-9a-f]{64}, nonce \d+\) is still under way: mined in block \d+, 1 of 2 confirmations/,
      );
      expect(stalled.anchoring.lastError.kind).to.equal("UNAVAILABLE");
      expect(stalled.anchoring.lastError.message).to.include(stalled.anchoring.pendingTx.txHashes.at(-1));
      // Queued behind it, a department write is not sent, and says so with what it waited for.
      const q = await api.post("/v1/departments", { id: "queued", name: "queued", signer: dept("queued").wallet.address });
      expect(q.status).to.equal(503);
      expect(q.body.error.message).to.match(
        /anchor 0x[0-9a-f]{64}, nonce \d+\) is still under way: mined in block \d+, 1 of 2 confirmations; this transaction was not sent$/,
      );
      // A block arrives: the anchor is confirmed, readiness is back.
      await node.rpc("evm_mine");
      await until("ready again", async () => ((await api.get("/readyz")).status === 200 ? true : undefined));
      await until("anchored", async () => ((await api.get("/v1/info")).body.anchoredSize === 1 ? true : undefined));
    } finally {
      await svc.stop();
    }
  });
});
