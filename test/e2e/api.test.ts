import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned, until, type Dept } from "../helpers/service.ts";
import { stepOf, verifyReceipt } from "../helpers/verify.ts";
import { chainNow, selfRotate } from "../helpers/keys.ts";
import { testWallet } from "../helpers/seeded.ts";
import { verifyConsistency } from "../../src/core/merkle/verify.ts";
import { fromHex } from "../../src/core/hex.ts";
import type { RunningService } from "../../src/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");

function expectError(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body).to.have.property("error");
  expect(res.body.error.code).to.equal(code);
  expect(res.body.error.message).to.be.a("string").with.length.above(0);
}

describe("e2e: HTTP API on a real chain and LevelDB", function () {
  let dir: string;
  let svc: RunningService & { chainPort: number };
  let api: Api;
  let domain: any;
  const tax = dept("tax");
  const health = dept("health");
  const schools = dept("schools");
  const sign = (d: Dept, patch = {}, consumer = "health") => signExchange(d.wallet, domain, unsigned(d.id, consumer, patch));
  const size = async () => (await api.get("/v1/info")).body.treeSize as number;

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health, schools]) {
      const r = await api.post("/v1/departments", { id: d.id, name: `Dept ${d.id}`, signer: d.wallet.address });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    }
  });
  after(async () => {
    await ifSet(svc)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves health, readiness and info", async () => {
    expect((await api.get("/healthz")).status).to.equal(200);
    const ready = await api.get("/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body.checks).to.deep.equal({ store: true, chain: true, anchoring: true, writes: true });
    expect(ready.body.anchoring).to.include({ lostCheckpoints: 0, halted: null, maxUnanchoredAgeMs: 0 });
    const info = await api.get("/v1/info", { token: null });
    expect(info.body).to.include({ chainId: 31337, contract: svc.contract, logName: "default" });
    expect(info.body.logId).to.match(/^0x[0-9a-f]{64}$/);
    expect(info.body.rpcUrl).to.equal(svc.rpcUrl);
    expect(info.body.eip712.domain).to.deep.equal({ name: "dxledger", version: "1", chainId: 31337, verifyingContract: svc.contract });
  });

  it("lists departments to any token; registration is admin-only and refuses duplicates", async () => {
    const list = await api.get("/v1/departments");
    expect(list.body.departments.map((d: any) => d.id)).to.have.members(["tax", "health", "schools"]);
    expect(list.body.departments.find((d: any) => d.id === "tax").signer).to.equal(tax.wallet.address.toLowerCase());
    expectError(await api.post("/v1/departments", { id: "tax", name: "again", signer: tax.wallet.address }), 409, "DEPARTMENT_EXISTS");
    const aud = await api.post("/v1/tokens", { role: "auditor", label: "a" });
    expectError(await api.post("/v1/departments", { id: "x1", name: "n", signer: tax.wallet.address }, { token: aud.body.token }), 403, "FORBIDDEN");
    expectError(await api.post("/v1/departments", { id: "Bad Id", name: "n", signer: tax.wallet.address }), 400, "VALIDATION_FAILED");
    expectError(await api.get("/v1/departments", { token: null }), 401, "UNAUTHENTICATED");
  });

  it("records a signed exchange, replays idempotently, refuses a changed replay", async () => {
    const rec = await sign(tax);
    expectError(await api.post("/v1/exchanges", rec, { token: null }), 401, "UNAUTHENTICATED");
    const r1 = await api.post("/v1/exchanges", rec);
    expect(r1.status, JSON.stringify(r1.body)).to.equal(201);
    expect(r1.body).to.include({ provider: "tax", id: rec.id, status: "pending" });
    expect(r1.body.leafHash).to.match(/^0x[0-9a-f]{64}$/);
    const r2 = await api.post("/v1/exchanges", rec);
    expect(r2.status).to.equal(200);
    expect(r2.body).to.deep.equal(r1.body);
    const before = await size();
    const changed = await sign(tax, { id: rec.id, recordCount: 999 });
    expectError(await api.post("/v1/exchanges", changed), 409, "ID_CONFLICT");
    expect(await size()).to.equal(before);
    // Defaults are part of what is signed and stored.
    const got = await api.get(`/v1/exchanges/tax/${rec.id}`);
    expect(got.body.entry.record).to.include({ legalBasis: "" });
    expect(got.body.entry.record.derivedFrom).to.deep.equal([]);
    expect(got.body.entry.seq).to.equal(r1.body.seq);
  });

  it("records batches all-or-nothing", async () => {
    const recs = await Promise.all(Array.from({ length: 50 }, () => sign(tax, {}, "schools")));
    const before = await size();
    const r = await api.post("/v1/exchanges/batch", { records: recs });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(201);
    expect(r.body.results).to.have.length(50);
    expect(r.body.results.map((x: any) => x.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => before + i));
    // One bad record spoils the batch: nothing is stored.
    const more = await Promise.all(Array.from({ length: 5 }, () => sign(tax)));
    more[3] = { ...more[3]!, recordCount: more[3]!.recordCount + 1 };
    const bad = await api.post("/v1/exchanges/batch", { records: more });
    expectError(bad, 403, "SIGNER_MISMATCH");
    expect(bad.body.error.details.index).to.equal(3);
    const invalid = await api.post("/v1/exchanges/batch", { records: [more[0], { ...more[1], occurredAt: "yesterday" }] });
    expectError(invalid, 400, "VALIDATION_FAILED");
    expect(invalid.body.error.message).to.contain("records.1");
    expect(await size()).to.equal(before + 50);
    // A replayed batch gets the original results.
    const again = await api.post("/v1/exchanges/batch", { records: recs.slice(0, 3) });
    expect(again.status).to.equal(200);
    expect(again.body.results.map((x: any) => [x.seq, x.replay])).to.deep.equal([
      [before, true],
      [before + 1, true],
      [before + 2, true],
    ]);
    expectError(await api.post("/v1/exchanges/batch", { records: [] }), 400, "VALIDATION_FAILED");
    expectError(await api.post("/v1/exchanges/batch", recs), 400, "VALIDATION_FAILED");
  });

  it("answers concurrent submissions with distinct, gap-free seqs", async () => {
    const before = await size();
    const recs = await Promise.all(Array.from({ length: 200 }, () => sign(health, {}, "tax")));
    const res = await Promise.all(recs.map((r) => api.post("/v1/exchanges", r)));
    expect(res.every((r) => r.status === 201)).to.equal(true);
    expect(res.map((r) => r.body.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 200 }, (_, i) => before + i));
  });

  describe("bad input gets the SPEC error shape and stores nothing", () => {
    const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
      ["malformed JSON", () => api.post("/v1/exchanges", undefined, { raw: '{"id": ' }), 400, "INVALID_JSON"],
      [
        "wrong content type",
        () => api.post("/v1/exchanges", undefined, { raw: "id=1", contentType: "application/x-www-form-urlencoded" }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["not an object", () => api.post("/v1/exchanges", [1, 2]), 400, "VALIDATION_FAILED"],
      ["wrong type", async () => api.post("/v1/exchanges", { ...(await sign(tax)), recordCount: "12" }), 400, "VALIDATION_FAILED"],
      ["oversize field", async () => api.post("/v1/exchanges", { ...(await sign(tax)), purpose: "p".repeat(300) }), 400, "VALIDATION_FAILED"],
      ["unknown field", async () => api.post("/v1/exchanges", { ...(await sign(tax)), secret: 1 }), 400, "VALIDATION_FAILED"],
      [
        "non-canonical occurredAt",
        async () => api.post("/v1/exchanges", { ...(await sign(tax)), occurredAt: "2026-11-01T00:00:00Z" }),
        400,
        "VALIDATION_FAILED",
      ],
      [
        "body over the size limit",
        () => api.post("/v1/exchanges", undefined, { raw: JSON.stringify({ purpose: "x".repeat(70_000) }) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "unknown provider",
        async () => api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("nobody", "health"))),
        422,
        "UNKNOWN_DEPARTMENT",
      ],
      ["unknown consumer", async () => api.post("/v1/exchanges", await sign(tax, {}, "nobody")), 422, "UNKNOWN_DEPARTMENT"],
      [
        "signature by another key",
        async () => api.post("/v1/exchanges", await signExchange(health.wallet, domain, unsigned("tax", "health"))),
        403,
        "SIGNER_MISMATCH",
      ],
      [
        "signature for another ledger (foreign domain)",
        async () => api.post("/v1/exchanges", await signExchange(tax.wallet, { ...domain, chainId: 1 }, unsigned("tax", "health"))),
        403,
        "SIGNER_MISMATCH",
      ],
      ["garbage signature", async () => api.post("/v1/exchanges", { ...(await sign(tax)), signature: `0x${"00".repeat(64)}1b` }), 422, "INVALID_SIGNATURE"],
      ["missing token", () => api.get("/v1/exchanges/tax/x-1", { token: null }), 401, "UNAUTHENTICATED"],
      ["wrong token", () => api.get("/v1/exchanges/tax/x-1", { token: "dxl_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), 401, "UNAUTHENTICATED"],
      [
        "malformed authorization",
        () =>
          api
            .req("GET", "/v1/departments", undefined, { token: null })
            .then(() => fetch(`${api.base}/v1/departments`, { headers: { authorization: "Basic abc" } }))
            .then(async (r) => ({ status: r.status, body: await r.json() })),
        401,
        "UNAUTHENTICATED",
      ],
      ["unknown route", () => api.get("/v1/nothing"), 404, "NOT_FOUND"],
      ["bad seq", () => api.get("/v1/entries/abc/receipt"), 400, "BAD_REQUEST"],
    ];
    for (const [name, run, status, code] of cases) {
      it(name, async () => {
        const before = await size();
        expectError(await run(), status, code);
        expect(await size()).to.equal(before);
      });
    }
    it("a revoked provider", async () => {
      const gone = dept("gone");
      await api.post("/v1/departments", { id: gone.id, name: "Gone", signer: gone.wallet.address });
      const ok = await api.post("/v1/exchanges", await sign(gone));
      expect(ok.status).to.equal(201);
      expect((await api.req("DELETE", "/v1/departments/gone")).status).to.equal(200);
      const before = await size();
      expectError(await api.post("/v1/exchanges", await sign(gone)), 403, "DEPARTMENT_REVOKED");
      expect(await size()).to.equal(before);
      expectError(await api.req("PUT", "/v1/departments/gone/signer", { signer: testWallet().address }), 403, "DEPARTMENT_REVOKED");
      expectError(await selfRotate(api, svc.rpcUrl, "gone", gone.wallet, testWallet().address), 403, "DEPARTMENT_REVOKED");
    });
  });

  it("enforces read roles: auditors and the two parties see an exchange, others don't", async () => {
    const rec = await sign(tax, {}, "health");
    await api.post("/v1/exchanges", rec);
    const tok = async (role: string) => (await api.post("/v1/tokens", { role, label: role })).body.token as string;
    const path = `/v1/exchanges/tax/${rec.id}`;
    for (const role of ["auditor", "department:tax", "department:health"]) {
      expect((await api.get(path, { token: await tok(role) })).status, role).to.equal(200);
    }
    // Not party: 404, exactly as a missing exchange (SPEC §8).
    const hidden = await api.get(path, { token: await tok("department:schools") });
    expectError(hidden, 404, "NOT_FOUND");
    expect(hidden.body).to.deep.equal((await api.get(`/v1/exchanges/tax/no-such-id`, { token: await tok("department:schools") })).body);
    expectError(await api.get(path, { token: await tok("regulator") }), 403, "FORBIDDEN");
    expectError(await api.post("/v1/tokens", { role: "superuser" }), 400, "VALIDATION_FAILED");
    const t = await api.post("/v1/tokens", { role: "auditor", label: "short-lived" });
    expect(t.status).to.equal(201);
    expect((await api.get(path, { token: t.body.token })).status).to.equal(200);
    expect((await api.req("DELETE", `/v1/tokens/${t.body.tokenId}`)).status).to.equal(200);
    expectError(await api.get(path, { token: t.body.token }), 401, "UNAUTHENTICATED");
    expectError(await api.get(`/v1/exchanges/tax/no-such-id`), 404, "NOT_FOUND");
  });

  it("rotating a signer: the old key is refused, the new one accepted, and receipts signed before still verify", async () => {
    const before = await api.post("/v1/exchanges", await sign(schools, {}, "tax"));
    expect(before.status).to.equal(201);
    // Block times have whole seconds: the rotation must land in a later second than the record and every block so far.
    const second = Math.max(Math.floor(Date.now() / 1000), await chainNow(svc.rpcUrl));
    await until("the clock to pass the record's second", () => (Date.now() / 1000 >= second + 1 ? true : undefined), 5_000, 20);
    const next = testWallet("schools-next");
    const r = await selfRotate(api, svc.rpcUrl, "schools", schools.wallet, next.address);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expectError(await api.post("/v1/exchanges", await sign(schools, {}, "tax")), 403, "SIGNER_MISMATCH");
    const ok = await api.post("/v1/exchanges", await signExchange(next, domain, unsigned("schools", "tax")));
    expect(ok.status).to.equal(201);
    await api.post("/v1/anchor");
    for (const seq of [before.body.seq, ok.body.seq]) {
      const v = await verifyReceipt((await api.get(`/v1/entries/${seq}/receipt`)).body, svc.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
      expect(stepOf(v, "signature").ok).to.equal(true);
    }
  });

  it("checks a receipt against the auditor's pins, not against what the receipt says", async () => {
    await api.post("/v1/exchanges", await sign(tax));
    const cp = (await api.post("/v1/anchor")).body;
    const receipt = (await api.get(`/v1/entries/${cp.treeSize - 1}/receipt`)).body;
    const info = (await api.get("/v1/info")).body;
    const good = await verifyReceipt(receipt, svc.rpcUrl, { chainId: 31337, contract: info.contract, logId: info.logId });
    expect(good.valid).to.equal(true);
    for (const pins of [{ chainId: 1 }, { contract: "0x0000000000000000000000000000000000000001" }, { logId: `0x${"00".repeat(32)}` }]) {
      const bad = await verifyReceipt(receipt, svc.rpcUrl, pins);
      expect(bad.valid, JSON.stringify(pins)).to.equal(false);
      expect(stepOf(bad, "checkpoint").code).to.equal("PIN_MISMATCH");
    }
  });

  it("anchors on demand, serves receipts that verify against the chain alone, and consistency proofs", async () => {
    const rec = await sign(tax, { dataset: "tax/returns", derivedFrom: ["tax/raw"] });
    const r = await api.post("/v1/exchanges", rec);
    expectError(await api.get(`/v1/entries/${r.body.seq}/receipt`), 409, "NOT_YET_ANCHORED");
    const cp1 = await api.post("/v1/anchor");
    expect(cp1.status, JSON.stringify(cp1.body)).to.equal(200);
    expect(cp1.body.treeSize).to.equal(await size());
    expect(cp1.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect((await api.post("/v1/anchor")).body.index).to.equal(cp1.body.index);
    expect((await api.get(`/v1/exchanges/tax/${rec.id}`)).body.status).to.equal("anchored");
    const receipt = (await api.get(`/v1/exchanges/tax/${rec.id}/receipt`)).body;
    expect(receipt).to.deep.equal((await api.get(`/v1/entries/${r.body.seq}/receipt`)).body);
    expect(receipt.checkpoint).to.include({ index: cp1.body.index, treeSize: cp1.body.treeSize, chainId: 31337, contract: svc.contract });
    const v = await verifyReceipt(receipt, svc.rpcUrl);
    expect(v.valid, JSON.stringify(v.checks)).to.equal(true);

    // Tampering with any part of the receipt is caught.
    const tampered = [
      { ...receipt, entry: { ...receipt.entry, record: { ...receipt.entry.record, recordCount: 1 } } },
      { ...receipt, entry: { ...receipt.entry, receivedAt: "2020-01-01T00:00:00.000Z" } },
      { ...receipt, inclusionProof: [...receipt.inclusionProof].reverse() },
      { ...receipt, checkpoint: { ...receipt.checkpoint, index: receipt.checkpoint.index + 5 } },
    ];
    for (const t of tampered) expect((await verifyReceipt(t, svc.rpcUrl)).valid).to.equal(false);

    // More entries, another checkpoint, and a consistency proof between the two.
    for (let i = 0; i < 7; i++) await api.post("/v1/exchanges", await sign(health, {}, "tax"));
    const cp2 = (await api.post("/v1/anchor")).body;
    expect(cp2.index).to.equal(cp1.body.index + 1);
    const cons = await api.get(`/v1/proofs/consistency?from=${cp1.body.treeSize}&to=${cp2.treeSize}`);
    expect(verifyConsistency(cp1.body.treeSize, cp2.treeSize, cons.body.proof.map(fromHex), fromHex(cp1.body.rootHash), fromHex(cp2.rootHash)).ok).to.equal(
      true,
    );
    expectError(await api.get(`/v1/proofs/consistency?from=5&to=${cp2.treeSize + 10}`), 400, "BAD_REQUEST");
    const list = await api.get(`/v1/checkpoints`);
    expect(list.body.checkpoints.map((c: any) => c.index).slice(-2)).to.deep.equal([cp1.body.index, cp2.index]);
    expect((await api.get(`/v1/checkpoints?after=${cp1.body.index}`)).body.checkpoints.map((c: any) => c.index)).to.deep.equal([cp2.index]);
    const paged = await api.get(`/v1/checkpoints?after=${cp1.body.index - 1}&limit=1`);
    expect(paged.body.checkpoints.map((c: any) => c.index)).to.deep.equal([cp1.body.index]);
    expect(paged.body.next).to.equal(`/v1/checkpoints?after=${cp1.body.index}&limit=1`);
    expect((await api.get("/v1/checkpoints/latest")).body.index).to.equal(cp2.index);

    // The CLI, as a separate process: 0 valid, 1 invalid, 2 usage/I/O.
    const good = join(dir, "receipt.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify(receipt));
    writeFileSync(bad, JSON.stringify(tampered[0]));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin/dxledger.mjs"), ...args], { encoding: "utf8", env: { ...process.env, RPC_URL: "" } });
    const ok = cli("verify", good, "--rpc", svc.rpcUrl);
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain("VALID");
    expect(ok.stderr).to.contain("NOT PINNED");
    const pinned = cli("verify", good, "--rpc", svc.rpcUrl, "--chain-id", "31337", "--contract", svc.contract, "--log-id", receipt.checkpoint.logId);
    expect(pinned.status, pinned.stdout + pinned.stderr).to.equal(0);
    expect(pinned.stderr).to.not.contain("NOT PINNED");
    expect(cli("verify", good, "--rpc", svc.rpcUrl, "--chain-id", "5").status).to.equal(1);
    const no = cli("verify", bad, "--rpc", svc.rpcUrl);
    expect(no.status, no.stdout + no.stderr).to.equal(1);
    expect(no.stdout).to.contain("FAIL leaf-hash [LEAF_HASH_MISMATCH]");
    expect(cli("verify", join(dir, "missing.json"), "--rpc", svc.rpcUrl).status).to.equal(2);
    expect(cli("verify").status).to.equal(2);
  });

  it("keeps everything across a restart, and again after the chain lost its state", async () => {
    await api.post("/v1/anchor");
    const n = await size();
    const receipt = (await api.get(`/v1/entries/${n - 1}/receipt`)).body;
    const port = svc.chainPort;
    const token = svc.adminToken;
    await svc.stop();

    // With the service stopped, the CLI brings the chain up from DATA_DIR on its own (read-only).
    const file = join(dir, "stopped-receipt.json");
    writeFileSync(file, JSON.stringify(receipt));
    const stopped = spawnSync(process.execPath, [join(ROOT, "bin/dxledger.mjs"), "verify", file], {
      encoding: "utf8",
      env: { ...process.env, RPC_URL: "", DATA_DIR: dir, CHAIN_PORT: String(port) },
    });
    expect(stopped.status, stopped.stdout + stopped.stderr).to.equal(0);
    expect(stopped.stderr).to.contain("service stopped");

    svc = await start(dir, {}, port);
    api = new Api(svc.url, token);
    expect(svc.adminToken).to.equal(token);
    expect(await size()).to.equal(n);
    expect((await verifyReceipt(receipt, svc.rpcUrl)).valid).to.equal(true);
    const next = await api.post("/v1/exchanges", await sign(tax));
    expect(next.body.seq).to.equal(n);
    await api.post("/v1/anchor");
    const r2 = (await api.get(`/v1/entries/${n}/receipt`)).body;
    expect((await verifyReceipt(r2, svc.rpcUrl)).valid).to.equal(true);
    await svc.stop();

    // The embedded chain loses everything (its state file is gone): the service
    // redeploys, re-registers the departments (last known signer) before it
    // re-anchors the same checkpoints, so every receipt's checkpoint, inclusion
    // and — by chain order — signer verify again on the new contract.
    rmSync(join(dir, "chain"), { recursive: true, force: true });
    svc = await start(dir, {}, port);
    api = new Api(svc.url, token);
    for (const rc of [receipt, r2]) {
      const again = (await api.get(`/v1/entries/${rc.leafIndex}/receipt`)).body;
      expect(again.checkpoint).to.include({ index: rc.checkpoint.index, treeSize: rc.checkpoint.treeSize, rootHash: rc.checkpoint.rootHash });
      const v = await verifyReceipt(again, svc.rpcUrl);
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    }
    const after = await api.post("/v1/exchanges", await sign(tax));
    expect(after.status).to.equal(201);
    expect(after.body.seq).to.equal(n + 1);
  });
});
