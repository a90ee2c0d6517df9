import { expect } from "chai";
import { cpSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { K } from "../../src/adapters/leveldb/keys.ts";
import { startAnvilReadOnly, type EmbeddedChain } from "../../src/adapters/chain/anvil.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { audit, type AuditReport } from "../../src/services/audit/audit.ts";
import { auditChainOf } from "../../src/cli/audit.ts";
import { entryText, type Entry } from "../../src/core/record.ts";
import { logIdOf } from "../../src/config.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const LOG_ID = logIdOf("default");

describe("dxledger audit finds any tampering, by seq", function () {
  let base: string;
  let contract: string;
  let chain: EmbeddedChain;
  let client: LedgerClient;
  let size: number;
  let domain: any;
  const work: string[] = [];

  before(async () => {
    base = tempDir();
    const svc = await start(base);
    const api = new Api(svc.url, svc.adminToken);
    const a = dept("tax");
    const b = dept("health");
    for (const d of [a, b]) await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    domain = (await api.get("/v1/info")).body.eip712.domain;
    const batch = async (n: number) =>
      api.post("/v1/exchanges/batch", {
        records: await Promise.all(
          Array.from({ length: n }, (_, i) =>
            signExchange(a.wallet, domain, unsigned("tax", "health", { dataset: `ds/${i % 3}`, derivedFrom: i % 2 ? ["ds/src"] : [] })),
          ),
        ),
      });
    await batch(20);
    await api.post("/v1/anchor");
    await batch(12);
    await api.post("/v1/anchor");
    await batch(5); // anchored when the service stops
    // One two-party exchange: the consumer's acknowledgement is an entry too.
    const { signAcknowledgement } = await import("../../src/client/sign.ts");
    const target = (await api.get("/v1/entries/30/receipt")).body.entry.record;
    const leafHash = (await api.get(`/v1/exchanges/tax/${target.id}`)).body.leafHash;
    const ack = await signAcknowledgement(b.wallet, domain, {
      provider: "tax",
      id: target.id,
      consumer: "health",
      exchangeLeafHash: leafHash,
      acknowledgedAt: "2026-11-23T12:00:00.000Z",
    });
    expect((await api.post("/v1/acknowledgements", ack)).status).to.equal(201);
    size = (await api.get("/v1/info")).body.treeSize;
    contract = svc.contract;
    await svc.stop();
    chain = await startAnvilReadOnly(join(base, "chain", "anvil-state.json"));
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
  });
  after(async () => {
    await ifSet(client)?.close();
    await ifSet(chain)?.stop();
    for (const d of [base, ...work]) rmSync(d, { recursive: true, force: true });
  });

  /** Copies the data dir, lets `tamper` change its store, and audits the copy against the chain. */
  async function auditAfter(tamper: (s: Store) => Promise<void>): Promise<AuditReport> {
    const dir = tempDir();
    work.push(dir);
    cpSync(base, dir, { recursive: true });
    const store = await Store.open(join(dir, "ledger"));
    try {
      await tamper(store);
      return await audit(store, auditChainOf(client), LOG_ID);
    } finally {
      await store.close();
    }
  }
  const kinds = (r: AuditReport) => r.discrepancies.map((d) => [d.kind, d.seq]);
  const entryAt = async (s: Store, seq: number) => JSON.parse((await s.entry(seq))!) as Entry;

  it("passes a clean store", async () => {
    const r = await auditAfter(async () => {});
    expect(r.discrepancies).to.deep.equal([]);
    expect(r).to.include({ clean: true, logSize: size, entriesChecked: size, checkpointsChecked: 3 }); // the last at shutdown
  });

  it("an entry whose bytes were edited", async () => {
    const r = await auditAfter(async (s) => {
      const e = await entryAt(s, 5);
      await s.db.put(K.entry(5), entryText({ ...e, record: { ...e.record, recordCount: e.record.recordCount + 1 } }));
    });
    expect(kinds(r)).to.deep.include(["LEAF_MISMATCH", 5]);
    expect(r.discrepancies.some((d) => d.kind === "CHAIN_CHECKPOINT_MISMATCH" || d.kind === "CHECKPOINT_ROOT_MISMATCH")).to.equal(true);
  });

  it("an edited entry whose leaf and tree nodes were rewritten to match: the chain still disagrees", async () => {
    const r = await auditAfter(async (s) => {
      const e = await entryAt(s, 2);
      const text = entryText({ ...e, record: { ...e.record, purpose: "something else" } });
      await s.db.put(K.entry(2), text);
      // Rewrite every stored node above it, as a careful operator would.
      const { Frontier } = await import("../../src/core/merkle/frontier.ts");
      const { hashLeaf } = await import("../../src/core/merkle/hash.ts");
      const { toHex } = await import("../../src/core/hex.ts");
      const f = new Frontier();
      for (let i = 0; i < size; i++)
        for (const n of f.append(hashLeaf(Buffer.from((await s.entry(i))!, "utf8")))) await s.db.put(K.node(n.level, n.index), toHex(n.hash));
    });
    expect(r.discrepancies.some((d) => d.kind === "LEAF_MISMATCH")).to.equal(false);
    expect(kinds(r)).to.deep.include(["CHAIN_CHECKPOINT_MISMATCH", 19]);
  });

  it("records that lost fields (derivedFrom alone; derivedFrom and purpose): each RECORD_INVALID, the audit goes on", async () => {
    const r = await auditAfter(async (s) => {
      const e4 = await entryAt(s, 4);
      const { derivedFrom: _d4, ...r4 } = e4.record;
      await s.db.put(K.entry(4), entryText({ ...e4, record: r4 as Entry["record"] }));
      const e6 = await entryAt(s, 6);
      const { derivedFrom: _d6, purpose: _p6, ...r6 } = e6.record;
      await s.db.put(K.entry(6), entryText({ ...e6, record: r6 as Entry["record"] }));
    });
    expect(kinds(r)).to.deep.include(["RECORD_INVALID", 4]);
    expect(kinds(r)).to.deep.include(["RECORD_INVALID", 6]);
    expect(r.entriesChecked).to.equal(size);
  });

  it("a deleted entry", async () => {
    const r = await auditAfter(async (s) => s.db.del(K.entry(7)));
    expect(kinds(r)).to.deep.include(["ENTRY_MISSING", 7]);
  });

  it("a swapped pair", async () => {
    const r = await auditAfter(async (s) => {
      const [x, y] = [await s.entry(10), await s.entry(11)];
      await s.db.batch([
        { type: "put", key: K.entry(10), value: y! },
        { type: "put", key: K.entry(11), value: x! },
      ]);
    });
    expect(kinds(r)).to.deep.include.members([
      ["ENTRY_MISPLACED", 10],
      ["ENTRY_MISPLACED", 11],
      ["LEAF_MISMATCH", 10],
      ["LEAF_MISMATCH", 11],
    ]);
  });

  it("an index entry pointing at the wrong entry", async () => {
    const r = await auditAfter(async (s) => {
      const e = await entryAt(s, 3);
      await s.db.put(K.byProvider(e.record.provider, e.record.id), "4");
    });
    expect(kinds(r)).to.deep.include.members([
      ["ID_INDEX_WRONG", 3],
      ["ID_INDEX_DANGLING", 4],
    ]);
  });

  it("a dataset index key that is missing or names another dataset's entry", async () => {
    const r = await auditAfter(async (s) => {
      const e = await entryAt(s, 8);
      await s.db.del(K.datasetExchange(e.record.dataset, 8));
      await s.db.put(K.datasetExchange("ds/other", 9), "");
    });
    expect(kinds(r)).to.deep.include.members([
      ["DATASET_INDEX_MISSING", 8],
      ["DATASET_INDEX_DANGLING", 9],
    ]);
  });

  it("an acknowledgement whose index or reference was tampered with", async () => {
    const r = await auditAfter(async (s) => {
      const e = JSON.parse((await s.entry(size - 1))!);
      await s.db.put(K.ackOf(e.ack.provider, e.ack.id), "3");
      await s.db.put(K.byProvider(e.ack.provider, e.ack.id), "2");
    });
    expect(kinds(r)).to.deep.include.members([
      ["ACK_INDEX_WRONG", size - 1],
      ["ACK_REFERENCE_INVALID", size - 1],
    ]);
  });

  it("a usage counter that disagrees with the entries", async () => {
    const r = await auditAfter(async (s) => {
      for await (const [k, v] of s.db.iterator({ gte: "q:*::_:", lt: "q:*::_:\xff", limit: 1 }))
        await s.db.put(
          k,
          v.replace(/^\d+/, (n) => String(Number(n) + 1)),
        );
    });
    expect(r.discrepancies.map((d) => d.kind)).to.include("COUNTER_MISMATCH");
  });

  it("dxledger reindex proves the derived indexes equal, and rebuilds them from the entries", async () => {
    const dir = tempDir();
    work.push(dir);
    cpSync(base, dir, { recursive: true });
    const reindex = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin/dxledger.mjs"), "reindex", "--data-dir", dir, ...args], { encoding: "utf8" });
    const ok = reindex();
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain("EQUAL to the live ones");
    const s = await Store.open(join(dir, "ledger"));
    const e = JSON.parse((await s.entry(4))!);
    await s.db.del(K.byProvider(e.record.provider, e.record.id));
    await s.db.put("q:*::_:2020-01-01", "5,5");
    await s.close();
    const bad = reindex("--json");
    expect(bad.status).to.equal(1);
    const report = JSON.parse(bad.stdout);
    expect(report.differences).to.equal(2);
    expect(report.firstDifferences.map((d: any) => d.key)).to.have.members([K.byProvider(e.record.provider, e.record.id), "q:*::_:2020-01-01"]);
    const fixed = reindex("--write");
    expect(fixed.status, fixed.stdout).to.equal(0);
    expect(fixed.stdout).to.contain("now EQUAL");
    const s2 = await Store.open(join(dir, "ledger"));
    try {
      expect((await audit(s2, auditChainOf(client), LOG_ID)).clean).to.equal(true);
    } finally {
      await s2.close();
    }
  });

  it("a stored tree node that disagrees", async () => {
    const r = await auditAfter(async (s) => s.db.put(K.node(2, 1), `0x${"ab".repeat(32)}`));
    expect(kinds(r)).to.deep.include(["TREE_NODE_MISMATCH", 4]);
  });

  it("an entry appended after the fact under an old checkpoint", async () => {
    const r = await auditAfter(async (s) => {
      const first = await entryAt(s, 0);
      const receivedAt = new Date(Date.parse(first.receivedAt) - 3_600_000).toISOString(); // an hour before the log began
      const forged: Entry = { ...first, seq: size, receivedAt, record: { ...first.record, id: "backdated-1" } };
      const text = entryText(forged);
      const { hashLeaf } = await import("../../src/core/merkle/hash.ts");
      const { toHex } = await import("../../src/core/hex.ts");
      await s.db.batch([
        { type: "put", key: K.entry(size), value: text },
        { type: "put", key: K.node(0, size), value: toHex(hashLeaf(Buffer.from(text, "utf8"))) },
        { type: "put", key: K.byProvider(forged.record.provider, forged.record.id), value: String(size) },
        { type: "put", key: K.datasetExchange(forged.record.dataset, size), value: "" },
        { type: "put", key: K.size, value: String(size + 1) },
      ]);
    });
    expect(kinds(r)).to.deep.include.members([
      ["RECEIVED_AT_OUT_OF_ORDER", size],
      ["RECEIVED_BEFORE_CHECKPOINT", size],
    ]);
  });

  /** Replaces entry `seq` by `e`, with its leaf rewritten to match (as an operator covering tracks would). */
  const rewrite = async (s: Store, seq: number, e: Entry) => {
    const { hashLeaf } = await import("../../src/core/merkle/hash.ts");
    const { toHex } = await import("../../src/core/hex.ts");
    const text = entryText(e);
    await s.db.batch([
      { type: "put", key: K.entry(seq), value: text },
      { type: "put", key: K.node(0, seq), value: toHex(hashLeaf(Buffer.from(text, "utf8"))) },
    ]);
  };

  it("signatures: a key the department never had, a broken signature, an unregistered department", async () => {
    const mallory = dept("tax").wallet;
    const r = await auditAfter(async (s) => {
      const e5 = await entryAt(s, 5);
      const { signature: _, ...body5 } = e5.record;
      await rewrite(s, 5, { ...e5, record: await signExchange(mallory, domain, { ...body5, purpose: "forged by mallory" }) });
      const e6 = await entryAt(s, 6);
      await rewrite(s, 6, { ...e6, record: { ...e6.record, signature: `${e6.record.signature.slice(0, -2)}05` } });
      const e7 = await entryAt(s, 7);
      const { signature: __, ...body7 } = e7.record;
      await rewrite(s, 7, { ...e7, record: await signExchange(mallory, domain, { ...body7, provider: "ghost" }) });
    });
    expect(kinds(r)).to.deep.include.members([
      ["SIGNER_NOT_ACTIVE", 5],
      ["SIGNATURE_INVALID", 6],
      ["DEPARTMENT_UNKNOWN", 7],
    ]);
    expect(r.discrepancies.find((d) => d.seq === 5 && d.kind === "SIGNER_NOT_ACTIVE")!.detail).to.contain(mallory.address.toLowerCase());
  });

  it("an acknowledgement signed by the provider instead of the consumer", async () => {
    const r = await auditAfter(async (s) => {
      const e = JSON.parse((await s.entry(size - 1))!);
      const { signAcknowledgement } = await import("../../src/client/sign.ts");
      const { signature: _, ...body } = e.ack;
      const wrong = await signAcknowledgement(dept("x").wallet, domain, body);
      const text = JSON.stringify({ ...e, ack: { ...e.ack, signature: wrong.signature } });
      const { logEntryText } = await import("../../src/core/ack.ts");
      await s.db.put(K.entry(size - 1), logEntryText(JSON.parse(text)));
    });
    expect(kinds(r)).to.deep.include(["SIGNER_NOT_ACTIVE", size - 1]);
  });

  it("an entry written beyond the log size", async () => {
    const r = await auditAfter(async (s) => s.db.put(K.entry(size + 3), (await s.entry(0))!));
    expect(kinds(r)).to.deep.include(["ENTRY_BEYOND_LOG_SIZE", size + 3]);
  });

  it("the CLI: exit 0 clean, 1 with each discrepancy printed by seq, JSON with --json; chain brought up from DATA_DIR", async () => {
    const run = (dir: string, ...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin/dxledger.mjs"), "audit", "--data-dir", dir, ...args], {
        encoding: "utf8",
        env: { ...process.env, RPC_URL: "", CHAIN_PORT: "1" },
      });
    const clean = run(base);
    expect(clean.status, clean.stdout + clean.stderr).to.equal(0);
    expect(clean.stdout).to.contain("CLEAN");
    expect(clean.stderr).to.contain("NOT PINNED");
    const dir = tempDir();
    work.push(dir);
    cpSync(base, dir, { recursive: true });
    const s = await Store.open(join(dir, "ledger"));
    await s.db.del(K.entry(6));
    await s.close();
    const bad = run(dir, "--json", "--contract", contract, "--log-id", LOG_ID, "--chain-id", "31337");
    expect(bad.status, bad.stderr).to.equal(1);
    const report = JSON.parse(bad.stdout);
    expect(report.discrepancies.map((d: any) => [d.kind, d.seq])).to.deep.include(["ENTRY_MISSING", 6]);
    expect(bad.stderr).to.not.contain("NOT PINNED");
    expect(run(dir, "--chain-id", "1").status).to.equal(2);
    expect(run(join(dir, "nope")).status).to.equal(2);

    // Wrong contract, wrong chain: one line, exit 2.
    const nothing = run(base, "--contract", `0x${"12".repeat(20)}`);
    expect(nothing.status, nothing.stderr).to.equal(2);
    expect(nothing.stderr).to.match(/^dxledger audit: wrong contract: no contract at 0x1212/m);
    expect(nothing.stdout).to.equal("");
    const s2 = await Store.open(join(dir, "ledger"));
    await s2.putJson(K.deployment, { ...(await s2.getJson<object>(K.deployment)), chainId: 4242 });
    await s2.close();
    const elsewhere = run(dir);
    expect(elsewhere.status, elsewhere.stderr).to.equal(2);
    expect(elsewhere.stderr).to.match(/wrong chain: the RPC serves chain 31337, but this data dir ran against chain 4242/);
  });
});
