import { expect } from "chai";
import { rmSync } from "node:fs";
import { TypedDataEncoder } from "ethers";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { DxLedgerClient } from "../../src/client/client.ts";
import { stepOf, verifyReceipt } from "../helpers/verify.ts";
import { ackDigest, ACK_EIP712_TYPES } from "../../src/core/ack.ts";
import { Eip712Digester } from "../../src/core/eip712.ts";
import { toHex } from "../../src/core/hex.ts";
import type { RunningService } from "../../src/server.ts";

describe("e2e: two-party exchanges (consumer acknowledgements)", () => {
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let domain: any;
  const tax = dept("tax");
  const health = dept("health");
  const schools = dept("schools");

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    api = new Api(svc.url, svc.adminToken);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health, schools]) await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const exchange = async (consumer = "health") => {
    const r = await api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", consumer)));
    expect(r.status).to.equal(201);
    return r.body as { seq: number; id: string; leafHash: string };
  };
  const ack = (by = health, patch: Record<string, string> = {}, x?: { id: string; leafHash: string }) =>
    signAcknowledgement(by.wallet, domain, {
      provider: "tax",
      id: x!.id,
      consumer: by.id,
      exchangeLeafHash: x!.leafHash,
      acknowledgedAt: "2026-11-23T12:00:00.000Z",
      ...patch,
    });

  it("the fast acknowledgement digest equals ethers' EIP-712 hash", () => {
    const a = { provider: "tax", id: "x-1", consumer: "health", exchangeLeafHash: `0x${"ab".repeat(32)}`, acknowledgedAt: "2026-11-23T12:00:00.000Z" };
    const want = TypedDataEncoder.hash(domain, { Acknowledgement: [...ACK_EIP712_TYPES.Acknowledgement] }, a);
    expect(toHex(ackDigest(new Eip712Digester(domain), a))).to.equal(want);
  });

  it("records the consumer's acknowledgement, idempotently, and shows it on the exchange", async () => {
    const x = await exchange();
    const a = await ack(health, {}, x);
    // The consumer's own token (an admin token may relay it too).
    const htok = (await api.post("/v1/tokens", { role: "department:health", label: "h" })).body.token;
    const r = await api.post("/v1/acknowledgements", a, { token: htok });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body).to.include({ provider: "tax", id: x.id, exchangeSeq: x.seq, status: "pending" });
    expect((await api.post("/v1/acknowledgements", a)).status).to.equal(200);
    const other = await ack(health, { acknowledgedAt: "2026-11-23T12:00:01.000Z" }, x);
    expect((await api.post("/v1/acknowledgements", other)).body.error.code).to.equal("ID_CONFLICT");
    const got = (await api.get(`/v1/exchanges/tax/${x.id}`)).body;
    expect(got.acknowledgement).to.include({ seq: r.body.seq, acknowledgedAt: a.acknowledgedAt });
    // Logged and anchored like any entry; its receipt verifies with the consumer's key history.
    await api.post("/v1/anchor");
    const receipt = (await api.get(`/v1/entries/${r.body.seq}/receipt`)).body;
    expect(receipt.entry.ack).to.deep.equal(a);
    const v = await verifyReceipt(receipt, svc.rpcUrl);
    expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
    expect(stepOf(v, "signature").message).to.match(/^consumer signature by /);
  });

  it("refuses acknowledgements that are not the consumer's, or not of that exact entry", async () => {
    const x = await exchange();
    const before = (await api.get("/v1/info")).body.treeSize;
    const cases: Array<[Promise<any>, number, string]> = [
      [ack(schools, {}, x), 403, "FORBIDDEN"], // a department that did not receive it
      [ack(health, { exchangeLeafHash: `0x${"00".repeat(32)}` }, x), 400, "VALIDATION_FAILED"],
      [ack(health, {}, { id: "no-such-exchange", leafHash: x.leafHash }), 404, "NOT_FOUND"],
      [ack(health, {}, x).then((a) => ({ ...a, consumer: "schools" })), 403, "SIGNER_MISMATCH"],
      [
        signAcknowledgement(schools.wallet, domain, {
          provider: "tax",
          id: x.id,
          consumer: "health",
          exchangeLeafHash: x.leafHash,
          acknowledgedAt: "2026-11-23T12:00:00.000Z",
        }),
        403,
        "SIGNER_MISMATCH",
      ],
      [ack(health, {}, x).then((a) => ({ ...a, acknowledgedAt: "yesterday" })), 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of cases) {
      const r = await api.post("/v1/acknowledgements", await body);
      expect([r.status, r.body.error?.code], JSON.stringify(r.body)).to.deep.equal([status, code]);
    }
    expect((await api.get("/v1/info")).body.treeSize).to.equal(before);
  });

  it("lists exchanges still unacknowledged after a given time (auditors only)", async () => {
    const open1 = await exchange("schools");
    const open2 = await exchange();
    const done = await exchange();
    await api.post("/v1/acknowledgements", await ack(health, {}, done));
    const cut = new Date(Date.now() + 1000).toISOString();
    const r = await api.get(`/v1/acknowledgements/missing?before=${encodeURIComponent(cut)}`);
    expect(r.status).to.equal(200);
    const seqs = r.body.exchanges.map((e: any) => e.seq);
    expect(seqs).to.include.members([open1.seq, open2.seq]);
    expect(seqs).to.not.include(done.seq);
    const early = await api.get(`/v1/acknowledgements/missing?before=2000-01-01T00:00:00.000Z`);
    expect(early.body.exchanges).to.deep.equal([]);
    const paged = await api.get(`/v1/acknowledgements/missing?before=${encodeURIComponent(cut)}&limit=1`);
    expect(paged.body.exchanges).to.have.length(1);
    expect(paged.body.next).to.be.a("string");
    const dtok = (await api.post("/v1/tokens", { role: "department:health", label: "h" })).body.token;
    expect((await api.get(`/v1/acknowledgements/missing`, { token: dtok })).status).to.equal(403);
  });

  it("the client acknowledges as the consumer", async () => {
    const x = await exchange();
    const htok = (await api.post("/v1/tokens", { role: "department:health", label: "h" })).body.token;
    const dx = new DxLedgerClient({ baseUrl: svc.url, token: htok, signer: health.wallet });
    const r = await dx.acknowledge("tax", x.id, "health");
    expect(r.exchangeSeq).to.equal(x.seq);
    expect((await dx.exchange("tax", x.id)).acknowledgement!.seq).to.equal(r.seq);
  });
});
