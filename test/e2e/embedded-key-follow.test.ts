/**
 * The service remembers a department's signer as the chain last had it, even
 * when the change was not its own write (a rotation relayed on chain by a third
 * party). What it remembers is what it re-registers when the embedded chain
 * loses its state: after that loss the department's current key still works,
 * and the key it rotated away from stays refused.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { Api, dept, signExchange, start, tempDir, unsigned, until } from "../helpers/service.ts";
import { DEV_KEYS } from "../helpers/evm.ts";
import { rotationAuthorization } from "../helpers/keys.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { testWallet } from "../helpers/seeded.ts";

describe("embedded chain: the remembered signer follows rotations made by others", function () {
  this.timeout(120_000);
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a rotation relayed by a stranger is remembered, and survives the embedded chain losing its state", async () => {
    let svc = await start(dir);
    const port = svc.chainPort;
    const token = svc.adminToken;
    const tax = dept("tax");
    const health = dept("health");
    const next = testWallet();
    try {
      const api = new Api(svc.url, token);
      for (const d of [tax, health]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
      const info = (await api.get("/v1/info")).body;
      const authorization = await rotationAuthorization(api, svc.rpcUrl, "tax", tax.wallet, next.address);
      const p = new JsonRpcProvider(svc.rpcUrl);
      try {
        const stranger = new Wallet(DEV_KEYS[2], p);
        const c = new Contract(info.contract, ledgerArtifact().abi as never[], stranger);
        await (await c.getFunction("rotateSignerWithAuthorization")("tax", next.address, authorization.deadline, authorization.signature)).wait();
      } finally {
        p.destroy();
      }
      await until(
        "the service to accept the new key",
        async () => {
          const r = await api.post("/v1/exchanges", await signExchange(next, info.eip712.domain, unsigned("tax", "health")));
          return r.status === 201 ? true : undefined;
        },
        15_000,
        200,
      );
    } finally {
      await svc.stop();
    }
    rmSync(join(dir, "chain"), { recursive: true, force: true });
    svc = await start(dir, {}, port);
    try {
      const api = new Api(svc.url, token);
      const domain = (await api.get("/v1/info")).body.eip712.domain;
      expect((await api.get("/v1/departments/tax")).body.signer).to.equal(next.address.toLowerCase());
      expect((await api.post("/v1/exchanges", await signExchange(next, domain, unsigned("tax", "health")))).status).to.equal(201);
      const old = await api.post("/v1/exchanges", await signExchange(tax.wallet, domain, unsigned("tax", "health")));
      expect(old.body.error.code).to.equal("SIGNER_MISMATCH");
    } finally {
      await svc.stop();
    }
  });
});
