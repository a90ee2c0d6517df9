/**
 * Chain faults, injected for real on a standalone Anvil, with the service
 * pointed at it as at a consortium chain. Each test states the fault, what the
 * service must do, and checks that nothing acknowledged is lost and nothing
 * false is served. Bounded: every wait has a deadline; loopback only.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { Api, dept, signExchange, tempDir, unsigned } from "../helpers/service.ts";
import { anvilNode, evmNode, deployLedger, serviceOn, TEST_ADMIN_TOKEN, until, type Node } from "../helpers/external-chain.ts";
import { stepOf, verifyReceipt } from "../helpers/verify.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { ANVIL_DEV_KEY } from "../../src/adapters/chain/anvil.ts";
import { logIdOf } from "../../src/config.ts";
import { makeProvider } from "../../src/adapters/chain/rpc.ts";
import { feesFor } from "../../src/adapters/chain/fees.ts";

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

/** A fixed key per name (tests draw no unseeded randomness). */
const seeded = (name: string) => new Wallet(keccak256(toUtf8Bytes(`dxledger test key: ${name}`)));

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const v = await f();
  return [v, Date.now() - t0];
};

describe("e2e: chain faults on an external chain", function () {
  this.timeout(120_000);
  let node: Node | undefined;
  let dir = "";
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ["anvil", "hardhat"] as const) {
    describe(`on ${kind === "anvil" ? "Anvil" : "Hardhat's node"}`, () => {
      it("a frozen node (SIGSTOP): writes go on, chain endpoints answer 503 CHAIN_UNAVAILABLE within the timeout, then it recovers", async () => {
        node = await evmNode(kind);
        dir = tempDir();
        const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), { RPC_TIMEOUT_MS: "1000" });
        try {
          const api = new Api(svc.url, TEST_ADMIN_TOKEN);
          const { sign } = await setup(api);
          expect((await api.post("/v1/exchanges", await sign())).status).to.equal(201);
          process.kill(node.pid, "SIGSTOP");
          const [w, wMs] = await timed(async () => api.post("/v1/exchanges", await sign()));
          expect(w.status, "recording never needs the chain").to.equal(201);
          expect(wMs).to.be.below(1000);
          const [a, aMs] = await timed(() => api.post("/v1/anchor"));
          expect(a.status).to.equal(503);
          expect(a.body.error.code).to.equal("CHAIN_UNAVAILABLE");
          expect(a.headers.get("retry-after")).to.match(/^\d+$/);
          expect(aMs, "within twice the RPC timeout").to.be.below(2 * 1000 + 1000);
          const [d, dMs] = await timed(() => api.post("/v1/departments", { id: "late", name: "late", signer: seeded("late").address }));
          expect(d.status).to.equal(503);
          expect(d.body.error.code).to.equal("CHAIN_UNAVAILABLE");
          expect(dMs).to.be.below(2 * 1000 + 1000);
          const ready = await api.get("/readyz");
          expect(ready.status).to.equal(503);
          expect(String(ready.body.checks.chain)).to.match(/^unreachable/);
          expect(ready.body.anchoring.pending).to.equal(2);
          process.kill(node.pid, "SIGCONT");
          const cp = await until("anchored after the node is back", async () => {
            const r = await api.post("/v1/anchor");
            return r.status === 200 ? r.body : undefined;
          });
          expect(cp.treeSize).to.equal(2);
          for (const seq of [0, 1]) {
            const v = await verifyReceipt((await api.get(`/v1/entries/${seq}/receipt`)).body, node.rpcUrl);
            expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
          }
          expect((await api.get("/readyz")).status).to.equal(200);
        } finally {
          await svc.stop();
        }
      });
      it("lost blocks (evm_snapshot/evm_revert across an anchor): receipts are withheld (409) until the checkpoint is anchored again, live", async () => {
        node = await evmNode(kind);
        dir = tempDir();
        const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl));
        try {
          const api = new Api(svc.url, TEST_ADMIN_TOKEN);
          const { sign } = await setup(api);
          await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 4 }, sign)) });
          const cp0 = (await api.post("/v1/anchor")).body;
          const snap = await node.rpc<string>("evm_snapshot");
          await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 3 }, sign)) });
          const cp1 = (await api.post("/v1/anchor")).body;
          expect(cp1).to.include({ index: 1, treeSize: 7 });
          expect((await api.get("/v1/entries/5/receipt")).status).to.equal(200);
          // The chain loses the block with checkpoint 1; while it cannot be re-mined, nothing may point at it.
          expect(await node.rpc("evm_revert", [snap])).to.equal(true);
          await node.rpc("evm_setAutomine", [false]);
          await until("the loss is seen", async () => ((await api.get("/v1/entries/5/receipt")).status === 409 ? true : undefined));
          const withheld = await api.get("/v1/entries/5/receipt");
          expect(withheld.body.error.code).to.equal("NOT_YET_ANCHORED");
          expect((await api.get("/v1/entries/1/receipt")).status, "checkpoint 0 is still on chain").to.equal(200);
          const ready = await api.get("/readyz");
          expect(ready.status).to.equal(503);
          expect(ready.body.anchoring.lostCheckpoints).to.equal(1);
          expect((await api.get("/v1/checkpoints/latest")).body.index).to.equal(0);
          // Blocks are mined again: the same checkpoint (index, size, root) lands again, without a restart.
          await node.rpc("evm_setAutomine", [true]);
          await node.rpc("evm_mine");
          const back = await until("re-anchored", async () => {
            const r = await api.get("/v1/entries/5/receipt");
            return r.status === 200 ? r.body : undefined;
          });
          expect(back.checkpoint).to.include({ index: 1, treeSize: 7, rootHash: cp1.rootHash });
          // Same nonce, fee and data: the re-sent transaction may even have the same hash; what counts is the chain holding it again.
          expect((await node.rpc<{ status: string } | null>("eth_getTransactionReceipt", [back.checkpoint.txHash]))?.status).to.equal("0x1");
          for (const seq of [1, 5]) {
            const v = await verifyReceipt((await api.get(`/v1/entries/${seq}/receipt`)).body, node.rpcUrl);
            expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
          }
          expect(cp0.index).to.equal(0);
          await until("ready", async () => ((await api.get("/readyz")).status === 200 ? true : undefined));
        } finally {
          await svc.stop();
        }
      });
      it("fails closed: past MAX_UNANCHORED_AGE_MS writes get 503 ANCHORING_STALLED, and are taken again once anchoring catches up", async () => {
        node = await evmNode(kind);
        dir = tempDir();
        const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), {
          ANCHOR_INTERVAL_MS: "300",
          MAX_UNANCHORED_AGE_MS: "1500",
          RPC_TIMEOUT_MS: "500",
        });
        try {
          const api = new Api(svc.url, TEST_ADMIN_TOKEN);
          const { sign } = await setup(api);
          process.kill(node.pid, "SIGSTOP");
          expect((await api.post("/v1/exchanges", await sign())).status).to.equal(201);
          const refused = await until(
            "writes refused",
            async () => {
              const r = await api.post("/v1/exchanges", await sign());
              return r.status === 503 ? r : undefined;
            },
            10_000,
            200,
          );
          expect(refused.body.error.code).to.equal("ANCHORING_STALLED");
          expect(refused.headers.get("retry-after")).to.match(/^\d+$/);
          const ready = await api.get("/readyz");
          expect(ready.status).to.equal(503);
          expect(String(ready.body.checks.writes)).to.match(/^ANCHORING_STALLED/);
          expect(ready.body.anchoring.oldestPendingAgeMs).to.be.above(1500);
          process.kill(node.pid, "SIGCONT");
          await until("writes taken again", async () => ((await api.post("/v1/exchanges", await sign())).status === 201 ? true : undefined), 20_000, 200);
          const info = (await api.get("/v1/info")).body;
          expect(info.anchoring.lastCheckpoint).to.not.equal(null);
        } finally {
          await svc.stop();
        }
      });
    });
  }

  it("a node killed (SIGKILL) and brought back from its state file: the service recovers without a restart and every receipt verifies", async () => {
    const stateDir = tempDir("dxledger-node-");
    const state = `${stateDir}/state.json`;
    node = await anvilNode(["--state", state, "--state-interval", "1"]);
    dir = tempDir();
    const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), { ANCHOR_INTERVAL_MS: "500" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 5 }, sign)) });
      await until("anchored", async () => ((await api.get("/v1/info")).body.anchoredSize === 5 ? true : undefined));
      await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 3 }, sign)) });
      process.kill(node.pid, "SIGKILL");
      await until("node gone", async () => ((await api.get("/readyz")).status === 503 ? true : undefined));
      expect((await api.post("/v1/exchanges", await sign())).status, "writes go on while the node is down").to.equal(201);
      const port = node.port;
      node = await anvilNode(["--state", state, "--state-interval", "1"], port);
      await until(
        "everything anchored again",
        async () => {
          const i = (await api.get("/v1/info")).body;
          return i.anchoredSize === 9 && i.anchoring.lostCheckpoints === 0 ? true : undefined;
        },
        60_000,
      );
      for (let seq = 0; seq < 9; seq++) {
        const v = await verifyReceipt((await api.get(`/v1/entries/${seq}/receipt`)).body, node.rpcUrl);
        expect(stepOf(v, "checkpoint").ok, `seq ${seq}: ${JSON.stringify(v.checks)}`).to.equal(true);
      }
      await until("ready", async () => ((await api.get("/readyz")).status === 200 ? true : undefined));
    } finally {
      await svc.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("free gas with an unfunded anchoring key: works with GAS_PRICE=0; without it the problem is reported in /readyz and as 503, never 500", async () => {
    node = await anvilNode(["--gas-price", "0", "--base-fee", "0"]);
    dir = tempDir();
    const key = seeded("unfunded anchorer");
    const ledger = await deployLedger(node.rpcUrl, key.address);
    // Without GAS_PRICE the node's suggested 1 gwei cannot be paid.
    let svc = await serviceOn(dir, node.rpcUrl, ledger, { ANCHOR_PRIVATE_KEY: key.privateKey });
    try {
      expect(svc.feeProblem).to.match(/holds 0 wei/);
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const ready = await api.get("/readyz");
      expect(ready.status).to.equal(503);
      expect(String(ready.body.checks.anchoring)).to.match(/GAS_PRICE=0/);
      const d = await api.post("/v1/departments", { id: "prov", name: "prov", signer: seeded("prov").address });
      expect(d.status).to.equal(503);
      expect(d.body.error).to.deep.include({ code: "CHAIN_REFUSED", details: { kind: "INSUFFICIENT_FUNDS" } });
    } finally {
      await svc.stop();
    }
    svc = await serviceOn(dir, node.rpcUrl, ledger, { ANCHOR_PRIVATE_KEY: key.privateKey, GAS_PRICE: "0" });
    try {
      expect(svc.feeProblem).to.equal(undefined);
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges", await sign());
      const cp = await api.post("/v1/anchor");
      expect(cp.status, JSON.stringify(cp.body)).to.equal(200);
      const v = await verifyReceipt((await api.get("/v1/entries/0/receipt")).body, node.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
      expect((await api.get("/readyz")).status).to.equal(200);
    } finally {
      await svc.stop();
    }
  });

  it("a stuck anchor transaction is replaced with the same nonce and a higher fee, and lands once", async () => {
    node = await anvilNode();
    dir = tempDir();
    const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), { TX_REPLACE_AFTER_MS: "300", RPC_TIMEOUT_MS: "5000" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges", await sign());
      await node.rpc("evm_setAutomine", [false]);
      const anchoring = api.post("/v1/anchor");
      const stuck = await until(
        "replaced twice",
        async () => {
          const tx = (await api.get("/readyz")).body.anchoring.pendingTx;
          return tx && tx.txHashes.length >= 3 ? tx : undefined;
        },
        20_000,
      );
      const pool = await node.rpc<{ pending: string }>("txpool_status");
      expect(Number(pool.pending), "one transaction in the pool: each version replaced the last").to.equal(1);
      const fees = await Promise.all(
        stuck.txHashes.map((h: string) => node!.rpc<{ nonce: string; maxFeePerGas: string } | null>("eth_getTransactionByHash", [h])),
      );
      expect(fees.at(-1)!.nonce).to.equal(`0x${stuck.nonce.toString(16)}`);
      await node.rpc("evm_mine");
      await node.rpc("evm_setAutomine", [true]);
      const cp = (await anchoring).body;
      expect(cp).to.include({ index: 0, treeSize: 1 });
      expect(stuck.txHashes).to.include(cp.txHash);
      expect(cp.txHash).to.not.equal(stuck.txHashes[0]);
      const chainCount = (await api.get("/v1/checkpoints")).body.checkpoints.length;
      expect(chainCount).to.equal(1);
      const v = await verifyReceipt((await api.get("/v1/entries/0/receipt")).body, node.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    } finally {
      await svc.stop();
    }
  });

  it("a transaction a crashed run left waiting at the anchoring account's nonce is outbid, not waited on forever", async () => {
    node = await anvilNode();
    dir = tempDir();
    const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl), { RPC_TIMEOUT_MS: "5000" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges", await sign());
      await node.rpc("evm_setAutomine", [false]);
      const p = makeProvider(node.rpcUrl);
      const dev = new Wallet(ANVIL_DEV_KEY, p);
      const { fees } = await feesFor(p, { txType: "auto" });
      const nonce = await p.getTransactionCount(dev.address, "latest");
      const leftover = await dev.sendTransaction({ to: dev.address, value: 0n, nonce, gasLimit: 21_000n, ...fees });
      const anchoring = api.post("/v1/anchor");
      const sent = await until("the anchor replaced the leftover", async () => (await api.get("/readyz")).body.anchoring.pendingTx ?? undefined);
      expect(BigInt(sent.pricePerGas), "outbid by at least 10 %").to.be.at.least(((fees.type === 2 ? fees.maxFeePerGas : fees.gasPrice) * 110n) / 100n);
      expect(Number((await node.rpc<{ pending: string }>("txpool_status")).pending)).to.equal(1);
      await node.rpc("evm_mine");
      await node.rpc("evm_setAutomine", [true]);
      const cp = await anchoring;
      expect(cp.status, JSON.stringify(cp.body)).to.equal(200);
      expect(cp.body).to.include({ index: 0, treeSize: 1 });
      expect(await p.getTransactionReceipt(leftover.hash)).to.equal(null);
      expect((await p.getTransaction(cp.body.txHash))!.nonce).to.equal(nonce);
      p.destroy();
    } finally {
      await svc.stop();
    }
  });

  it("a berlin chain (no base fee) takes legacy transactions: the whole path works with TX_TYPE=auto", async () => {
    node = await anvilNode(["--hardfork", "berlin"]);
    dir = tempDir();
    const svc = await serviceOn(dir, node.rpcUrl, await deployLedger(node.rpcUrl));
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 3 }, sign)) });
      const cp = (await api.post("/v1/anchor")).body;
      const tx = await node.rpc<{ type: string }>("eth_getTransactionByHash", [cp.txHash]);
      expect(tx.type).to.equal("0x0");
      const v = await verifyReceipt((await api.get("/v1/entries/2/receipt")).body, node.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    } finally {
      await svc.stop();
    }
  });

  it("the chain holds a checkpoint the log cannot back: appending stops, live, and the service says why", async () => {
    node = await anvilNode();
    dir = tempDir();
    const ledger = await deployLedger(node.rpcUrl);
    const svc = await serviceOn(dir, node.rpcUrl, ledger, { ANCHOR_INTERVAL_MS: "300" });
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      // Someone with the anchoring key (a second instance, a stolen key) anchors a root this log never had.
      const rogue = await LedgerClient.connect({ rpcUrl: node.rpcUrl, address: ledger, privateKey: ANVIL_DEV_KEY });
      try {
        await rogue.anchor(logIdOf("default"), 2, `0x${"ab".repeat(32)}`, []);
      } finally {
        await rogue.close();
      }
      // Taken (201) when it arrives before the service reads the rogue checkpoint, else refused (503 CHAIN_MISMATCH: the chain
      // already holds more than the log): either way appending stops, and nothing is ever receipted against the rogue root.
      const batch = await api.post("/v1/exchanges/batch", { records: await Promise.all(Array.from({ length: 2 }, sign)) });
      expect([201, 503], JSON.stringify(batch.body)).to.include(batch.status);
      const refused = await until("appending stopped", async () => {
        const r = await api.post("/v1/exchanges", await sign());
        return r.status === 503 ? r : undefined;
      });
      expect(refused.body.error.code).to.equal("CHAIN_MISMATCH");
      expect(refused.body.error.details.chain).to.include({ treeSize: 2, rootHash: `0x${"ab".repeat(32)}` });
      const ready = await api.get("/readyz");
      expect(ready.status).to.equal(503);
      expect(ready.body.anchoring.halted.index).to.equal(0);
      const receipt = (await api.get("/v1/entries/0/receipt")).status;
      expect(receipt, "no receipt against the rogue checkpoint: withheld (409), or no entry at all (404) if the batch was refused").to.equal(
        batch.status === 201 ? 409 : 404,
      );
    } finally {
      await svc.stop();
    }
  });

  it("an RPC_URL with user:password (HTTP Basic) works, and the password is never shown", async () => {
    node = await anvilNode();
    dir = tempDir();
    const target = node.rpcUrl;
    const seen: string[] = [];
    const forward = async (req: IncomingMessage, res: ServerResponse) => {
      seen.push(String(req.headers.authorization));
      if (req.headers.authorization !== `Basic ${Buffer.from("city:s3cret").toString("base64")}`) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(Buffer.from(await upstream.arrayBuffer()));
    };
    const proxy = createServer((req, res) => void forward(req, res));
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    const url = `http://city:s3cret@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const svc = await serviceOn(dir, url, await deployLedger(node.rpcUrl));
    try {
      const api = new Api(svc.url, TEST_ADMIN_TOKEN);
      const { sign } = await setup(api);
      await api.post("/v1/exchanges", await sign());
      expect((await api.post("/v1/anchor")).status).to.equal(200);
      const info = (await api.get("/v1/info")).body;
      expect(info.rpcUrl).to.not.include("s3cret");
      expect(seen.length).to.be.above(0);
      expect(seen.every((a) => a.startsWith("Basic "))).to.equal(true);
    } finally {
      await svc.stop();
      await new Promise((r) => proxy.close(r));
    }
  });

  it("a wrong LEDGER_ADDRESS (no code), another log or another chain under the same data dir is refused at start with one clear line", async () => {
    node = await anvilNode();
    dir = tempDir();
    let err = await serviceOn(dir, node.rpcUrl, seeded("nothing here").address).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/^LEDGER_ADDRESS: no contract at 0x[0-9a-fA-F]{40} on chain 31337/);
    expect(err!.message).to.not.include("\n");
    const ledger = await deployLedger(node.rpcUrl);
    const svc = await serviceOn(dir, node.rpcUrl, ledger);
    await svc.stop();
    err = await serviceOn(dir, node.rpcUrl, ledger, { LOG_NAME: "another-log" }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/^this data dir holds log "default" \(0x[0-9a-f]{64}\); LOG_NAME is now "another-log"/);
    const other = await anvilNode(["--chain-id", "777"]);
    try {
      const ledger2 = await deployLedger(other.rpcUrl);
      err = await serviceOn(dir, other.rpcUrl, ledger2).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).to.match(/this data dir anchors to 0x[0-9a-f]{40} on chain 31337/);
    } finally {
      await other.stop();
    }
  });
});
