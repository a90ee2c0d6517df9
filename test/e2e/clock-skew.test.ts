/**
 * Issue 8: which key was valid for an entry is decided by chain order, never
 * by clocks. On a chain whose clock runs hours ahead (evm_increaseTime during
 * the run) and on one that lives in 2020 (anvil --timestamp), with a signer
 * rotation in the middle and entries signed just before (old key) and just
 * after (new key) it: every receipt verifies, the audit is clean, and both
 * tools agree. Entries forged into the store — by a key never registered, and
 * by the old key after the rotation's window — are named by both.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { ifSet, Api, freePort, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { ANVIL_DEV_KEY, runAnvil } from "../../src/adapters/chain/anvil.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { ChainView, verifyWith, type Verdict } from "@dxledger/verify";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { logIdOf } from "../../src/config.ts";
import { selfRotate } from "../helpers/keys.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const ADMIN_TOKEN = "clock-skew-admin-token-0123456789";
const key = (label: string) => new Wallet(keccak256(toUtf8Bytes(`dxledger clock-skew ${label}`)));
const HOUR = 3600;

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [join(ROOT, "bin/dxledger.mjs"), ...args], { encoding: "utf8", env: { ...process.env, RPC_URL: "", ...env }, timeout: 120_000 });

interface Scenario {
  readonly name: string;
  readonly anvilArgs: string[];
  /** Moves the chain's clock (or not) at a step of the run. */
  readonly skew: (rpcUrl: string) => Promise<void>;
  /** What the chain's clock must look like against the wall clock once the run is done. */
  readonly expectClock: (chainSeconds: number, wallSeconds: number) => void;
}

const scenarios: Scenario[] = [
  {
    name: "a chain whose clock is moved hours ahead during the run (evm_increaseTime)",
    anvilArgs: [],
    skew: async (url) => {
      await rpc(url, "evm_increaseTime", [6 * HOUR]);
      await rpc(url, "evm_mine");
    },
    expectClock: (chain, wall) => expect(chain - wall).to.be.greaterThan(11 * HOUR),
  },
  {
    name: "a chain that lives in the past (anvil --timestamp 2020-01-01)",
    anvilArgs: ["--timestamp", String(Date.UTC(2020, 0, 1) / 1000)],
    skew: async () => {},
    expectClock: (chain, wall) => expect(wall - chain).to.be.greaterThan(365 * 24 * HOUR),
  },
];

for (const sc of scenarios) {
  describe(`clock skew: ${sc.name}`, function () {
    const dirs: string[] = [];
    let anvil: Awaited<ReturnType<typeof runAnvil>>;
    let env: Record<string, string>;
    let dataDir: string;
    let contract: string;
    let svc: Awaited<ReturnType<typeof start>> | undefined;
    let rotatedAt: { before: number[]; after: number[] };
    let genuine: any;
    const forged: { never: number; oldKey: number } = { never: -1, oldKey: -1 };
    const oldKey = key(`${sc.name} tax old`);
    const newKey = key(`${sc.name} tax new`);
    const health = key(`${sc.name} health`);
    const mallory = key(`${sc.name} mallory`);

    const receipts = async (api: Api, n: number) =>
      Promise.all(Array.from({ length: n }, async (_, seq) => (await api.get(`/v1/entries/${seq}/receipt`)).body));
    const verifyAll = async (rs: unknown[]): Promise<Verdict[]> => {
      const view = new ChainView({ rpcUrl: anvil.rpcUrl });
      try {
        const out: Verdict[] = [];
        for (const r of rs) out.push(await verifyWith(view, r, { pins: { chainId: 31337, contract }, askContract: false }));
        return out;
      } finally {
        view.close();
      }
    };
    const audit = (...args: string[]) => cli(["audit", "--data-dir", dataDir, "--rpc", anvil.rpcUrl, "--json", ...args], { LEDGER_ADDRESS: contract });

    before(async () => {
      dataDir = tempDir();
      dirs.push(dataDir);
      anvil = await runAnvil(sc.anvilArgs, await freePort(), 30_000, `clock-skew ${sc.name}`);
      contract = (await LedgerClient.deploy(anvil.rpcUrl, ANVIL_DEV_KEY, logIdOf("default"))).address;
      env = { RPC_URL: anvil.rpcUrl, LEDGER_ADDRESS: contract, ANCHOR_PRIVATE_KEY: ANVIL_DEV_KEY, ADMIN_TOKEN };
    });
    after(async () => {
      await svc?.stop();
      await ifSet(anvil)?.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it("every genuine receipt is VALID, entries signed just before and just after a rotation included; audit CLEAN", async () => {
      await sc.skew(anvil.rpcUrl);
      svc = await start(dataDir, env);
      const api = new Api(svc.url, ADMIN_TOKEN);
      for (const [id, w] of [
        ["tax", oldKey],
        ["health", health],
      ] as const) {
        const r = await api.post("/v1/departments", { id, name: id, signer: w.address });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
      }
      const domain = (await api.get("/v1/info")).body.eip712.domain;
      const record = async (w: Wallet, n: number) => {
        const r = await api.post("/v1/exchanges/batch", {
          records: await Promise.all(Array.from({ length: n }, () => signExchange(w, domain, unsigned("tax", "health")))),
        });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        return r.body.results.map((x: { seq: number }) => x.seq) as number[];
      };
      await record(oldKey, 3);
      await api.post("/v1/anchor");
      const before = await record(oldKey, 2); // just before the rotation, not yet anchored
      await sc.skew(anvil.rpcUrl);
      const rot = await selfRotate(api, anvil.rpcUrl, "tax", oldKey, newKey.address);
      expect(rot.status, JSON.stringify(rot.body)).to.equal(200);
      const after = await record(newKey, 2); // just after it
      await api.post("/v1/anchor");
      // The consumer acknowledges an exchange signed just after the rotation.
      const acked = (await receipts(api, after[0]! + 1))[after[0]!].entry.record;
      const leaf = (await api.get(`/v1/exchanges/tax/${acked.id}`)).body.leafHash;
      const ack = await signAcknowledgement(health, domain, {
        provider: "tax",
        id: acked.id,
        consumer: "health",
        exchangeLeafHash: leaf,
        acknowledgedAt: "2026-11-23T12:00:00.000Z",
      });
      expect((await api.post("/v1/acknowledgements", ack)).status).to.equal(201);
      await record(newKey, 2);
      await api.post("/v1/anchor");
      await record(newKey, 2);
      await api.post("/v1/anchor");
      rotatedAt = { before, after };
      genuine = (await api.get(`/v1/entries/${before[0]}/receipt`)).body;

      const head = await rpc(anvil.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
      sc.expectClock(Number(head.timestamp), Date.now() / 1000);

      const n = (await api.get("/v1/info")).body.treeSize as number;
      const all = await receipts(api, n);
      const outcomes = await verifyAll(all);
      outcomes.forEach((v, seq) => expect(v.valid, `seq ${seq}: ${JSON.stringify(v.checks)}`).to.equal(true));
      const sig = (seq: number) => outcomes[seq]!.checks.find((c) => c.step === "signature")!.message;
      expect(sig(before[1]!)).to.contain(oldKey.address.toLowerCase());
      expect(sig(after[0]!)).to.contain(newKey.address.toLowerCase());
      expect(outcomes[after[0]! + 2]!.checks.find((c) => c.step === "signature")!.message).to.match(/^consumer signature by /);

      // The CLI, as a separate process, on the receipts either side of the rotation.
      for (const seq of [before[1]!, after[0]!]) {
        const file = join(dataDir, `receipt-${seq}.json`);
        writeFileSync(file, JSON.stringify(all[seq]));
        const v = cli(["verify", file, "--rpc", anvil.rpcUrl, "--chain-id", "31337", "--contract", contract, "--log-id", logIdOf("default")], {});
        expect(v.status, v.stdout + v.stderr).to.equal(0);
        expect(v.stdout).to.match(/ok {3}signature: provider signature by 0x[0-9a-f]{40}, tax's active signer in blocks \d+\.\.\d+/);
      }
      await svc.stop();
      svc = undefined;
      const clean = audit();
      expect(clean.status, clean.stdout + clean.stderr).to.equal(0);
      expect(JSON.parse(clean.stdout)).to.include({ clean: true, entriesChecked: n });
    });

    it("entries forged into the store (a key never registered; the old key after its window) — verify INVALID, audit names them: the two agree", async () => {
      // With the service stopped, two records go in through the append path, which checks no signature.
      const store = await Store.open(join(dataDir, "ledger"));
      try {
        const appender = await Appender.open(store);
        const domain = { name: "dxledger", version: "1", chainId: 31337, verifyingContract: contract };
        const res = await appender.submit([
          await signExchange(mallory, domain, unsigned("tax", "health")),
          await signExchange(oldKey, domain, unsigned("tax", "health")),
        ]);
        [forged.never, forged.oldKey] = [res[0]!.seq, res[1]!.seq];
        await appender.close();
      } finally {
        await store.close();
      }
      // The service, started again, anchors them: the chain now vouches for their bytes, not their keys.
      svc = await start(dataDir, env);
      const api = new Api(svc.url, ADMIN_TOKEN);
      await api.post("/v1/anchor");
      const n = (await api.get("/v1/info")).body.treeSize as number;
      expect(n).to.equal(forged.oldKey + 1);
      const all = await receipts(api, n);
      await svc.stop();
      svc = undefined;

      const outcomes = await verifyAll(all);
      const invalid = outcomes.flatMap((v, seq) => (v.valid ? [] : [seq]));
      expect(invalid).to.deep.equal([forged.never, forged.oldKey]);
      for (const seq of invalid) {
        const failed = outcomes[seq]!.checks.filter((c) => !c.ok);
        expect(failed.map((c) => [c.step, c.code])).to.deep.equal([
          ["signature", "SIGNER_NOT_ACTIVE"],
          ["consistency", "NOT_CHECKED"],
        ]);
      }
      expect(outcomes[forged.oldKey]!.checks.find((c) => c.step === "signature")!.message).to.contain(oldKey.address.toLowerCase());
      const file = join(dataDir, "forged.json");
      writeFileSync(file, JSON.stringify(all[forged.oldKey]));
      const v = cli(["verify", file, "--rpc", anvil.rpcUrl], {});
      expect(v.status, v.stdout + v.stderr).to.equal(1);
      expect(v.stdout).to.contain("[SIGNER_NOT_ACTIVE]");

      const bad = audit();
      expect(bad.status, bad.stderr).to.equal(1);
      const report = JSON.parse(bad.stdout) as { discrepancies: Array<{ kind: string; seq?: number }> };
      expect(report.discrepancies.map((d) => [d.kind, d.seq])).to.deep.equal([
        ["SIGNER_NOT_ACTIVE", forged.never],
        ["SIGNER_NOT_ACTIVE", forged.oldKey],
      ]);
      // The genuine entries either side of the rotation stay valid for both tools.
      for (const seq of [...rotatedAt.before, ...rotatedAt.after]) expect(invalid).to.not.include(seq);
    });

    it("a receipt this RPC cannot check — another chain id, no code, not an ExchangeLedger — one line, exit 2; audit too", async () => {
      // A contract that reverts on every call: runtime PUSH1 0 PUSH1 0 REVERT.
      const deployer = new Wallet(ANVIL_DEV_KEY, new (await import("ethers")).JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true }));
      const tx = await deployer.sendTransaction({ data: "0x6460006000fd6000526005601bf3" });
      const notLedger = (await tx.wait())!.contractAddress!.toLowerCase();
      deployer.provider!.destroy();
      const cases: Array<[string, unknown, RegExp]> = [
        [
          "another chain id",
          { ...genuine, checkpoint: { ...genuine.checkpoint, chainId: 4242 } },
          /WRONG_CHAIN: the RPC serves chain 31337; the receipt names chain 4242/,
        ],
        ["no code", { ...genuine, checkpoint: { ...genuine.checkpoint, contract: `0x${"12".repeat(20)}` } }, /WRONG_CONTRACT: no contract at 0x1212/],
        [
          "not a ledger",
          { ...genuine, checkpoint: { ...genuine.checkpoint, contract: notLedger } },
          /WRONG_CONTRACT: the contract at 0x[0-9a-f]{40} on chain 31337 is not an ExchangeLedger/,
        ],
      ];
      for (const [what, receipt, line] of cases) {
        const file = join(dataDir, "elsewhere.json");
        writeFileSync(file, JSON.stringify(receipt));
        const v = cli(["verify", file, "--rpc", anvil.rpcUrl], {});
        expect(v.status, `${what}: ${v.stdout}${v.stderr}`).to.equal(2);
        expect(v.stdout, what).to.equal("");
        expect(v.stderr.trim().split("\n").at(-1), what).to.match(line);
      }
      const a = audit("--contract", notLedger);
      expect(a.status, a.stderr).to.equal(2);
      expect(a.stdout).to.equal("");
      expect(a.stderr.trim()).to.match(/^dxledger audit: wrong contract: the contract at 0x[0-9a-f]{40} on chain 31337 is not an ExchangeLedger/);
    });
  });
}
