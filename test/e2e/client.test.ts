import { expect } from "chai";
import { rmSync } from "node:fs";
import { DxLedgerClient, DxLedgerApiError } from "../../src/client/client.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import { Api, start, tempDir } from "../helpers/service.ts";
import { testWallet } from "../helpers/seeded.ts";

describe("client for departments", () => {
  it("signs and records, batches, fetches and verifies receipts", async () => {
    const dir = tempDir();
    const svc = await start(dir, { ANCHOR_INTERVAL_MS: "300" });
    try {
      const admin = new Api(svc.url, svc.adminToken);
      const key = testWallet();
      await admin.post("/v1/departments", { id: "tax", name: "Tax", signer: key.address });
      await admin.post("/v1/departments", { id: "health", name: "Health", signer: testWallet().address });
      const token = (await admin.post("/v1/tokens", { role: "department:tax", label: "tax app" })).body.token;
      const dx = new DxLedgerClient({ baseUrl: svc.url, token, signer: key });
      const base = {
        provider: "tax",
        consumer: "health",
        dataset: "tax/income",
        purpose: "eligibility",
        recordCount: 3,
        payloadDigest: payloadDigest("csv"),
        occurredAt: "2026-11-01T08:00:00.000Z",
      };
      const one = await dx.record({ ...base, id: "c-1" });
      expect(one).to.include({ provider: "tax", id: "c-1", status: "pending" });
      expect((await dx.record({ ...base, id: "c-1" })).seq).to.equal(one.seq);
      const many = await dx.recordBatch([
        { ...base, id: "c-2" },
        { ...base, id: "c-3", derivedFrom: ["tax/raw"] },
      ]);
      expect(many.map((r) => r.seq)).to.deep.equal([one.seq + 1, one.seq + 2]);
      try {
        await dx.record({ ...base, id: "c-1", recordCount: 4 });
        expect.fail("conflict expected");
      } catch (e) {
        expect(e).to.be.instanceOf(DxLedgerApiError);
        expect((e as DxLedgerApiError).code).to.equal("ID_CONFLICT");
      }
      const receipt = await dx.waitForReceipt("tax", "c-3", 10_000, 100);
      const info = await dx.info();
      const v = await dx.verify(receipt, { chainId: info.chainId, contract: info.contract, logId: info.logId });
      expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
      expect((await dx.exchange("tax", "c-2")).entry.record.id).to.equal("c-2");
      const prov = (await dx.provenance("tax/income")) as { exchanges: unknown[] };
      expect(prov.exchanges).to.have.length(3);
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
