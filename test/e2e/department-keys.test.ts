/**
 * Department-held keys (issue 10): the operator can no longer impersonate a
 * department. A real Anvil, a real service over HTTP: self-rotation relayed by
 * the service, refusals that change nothing, a recovery that waits for the
 * ledger's delay and that the department can cancel, and a rotation relayed
 * on chain by a third party that the service follows.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { ifSet, Api, dept, signExchange, tempDir, unsigned } from "../helpers/service.ts";
import { anvilNode, deployLedger, serviceOn, TEST_ADMIN_TOKEN, TEST_DELAYS, until, type Node } from "../helpers/external-chain.ts";
import { DEV_KEYS, runCli } from "../helpers/evm.ts";
import { cancellationAuthorization, chainNow, rotationAuthorization, selfRotate } from "../helpers/keys.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { registryHistory } from "../../src/adapters/chain/registry-history.ts";
import type { RunningService } from "../../src/server.ts";
import { testWallet } from "../helpers/seeded.ts";

const newKey = () => testWallet();

describe("e2e: department keys", function () {
  this.timeout(60_000);
  let node: Node;
  let dir: string;
  let svc: RunningService;
  let api: Api;
  let ledger: string;
  let domain: any;
  const tax = dept("tax");
  const health = dept("health");
  let taxKey: Wallet = tax.wallet;

  const department = async (id: string) => {
    const r = await api.get(`/v1/departments/${id}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body;
  };
  const post = async (key: Wallet) => api.post("/v1/exchanges", await signExchange(key, domain, unsigned("tax", "health")));
  const passTime = async (seconds: number) => {
    await node.rpc("evm_increaseTime", [seconds]);
    await node.rpc("evm_mine");
  };

  before(async () => {
    node = await anvilNode();
    ledger = await deployLedger(node.rpcUrl);
    dir = tempDir();
    svc = await serviceOn(dir, node.rpcUrl, ledger);
    api = new Api(svc.url, TEST_ADMIN_TOKEN);
    domain = (await api.get("/v1/info")).body.eip712.domain;
    for (const d of [tax, health]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
  });
  after(async () => {
    await ifSet(svc)?.stop();
    await ifSet(node)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GET shows rotationNonce 0 and no pending recovery", async () => {
    expect(await department("tax")).to.include({ signer: tax.wallet.address.toLowerCase(), rotationNonce: 0, pendingRecovery: null });
    const list = (await api.get("/v1/departments")).body.departments;
    expect(list.find((x: any) => x.id === "health")).to.include({ rotationNonce: 0, pendingRecovery: null });
  });

  it("self-rotation through the service (the department's own token); the same authorization replayed is refused, nothing changes", async () => {
    const token = (await api.post("/v1/tokens", { role: "department:tax", label: "tax system" })).body.token;
    const next = newKey();
    const authorization = await rotationAuthorization(api, node.rpcUrl, "tax", taxKey, next.address);
    const r = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization }, { token });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ id: "tax", signer: next.address.toLowerCase(), rotationNonce: 1, changedBy: "authorization" });
    expect(r.body.rotationTxHash).to.match(/^0x[0-9a-f]{64}$/);
    const old = taxKey;
    taxKey = next;
    expect((await post(old)).body.error.code).to.equal("SIGNER_MISMATCH");
    expect((await post(taxKey)).status).to.equal(201);

    const head = await node.rpc<string>("eth_blockNumber");
    const again = await api.req("PUT", "/v1/departments/tax/signer", { signer: newKey().address, authorization }, { token });
    expect(again.status).to.equal(409);
    expect(again.body.error).to.include({ code: "AUTHORIZATION_NONCE_USED" });
    expect(again.body.error.details).to.include({ nonce: 0, rotationNonce: 1 });
    // The same signature claiming the current nonce: the contract refuses it (it recovers to no current key).
    const forged = await api.req("PUT", "/v1/departments/tax/signer", { signer: newKey().address, authorization: { ...authorization, nonce: 1 } });
    expect(forged.status, JSON.stringify(forged.body)).to.equal(422);
    expect(forged.body.error.code).to.equal("AUTHORIZATION_INVALID");
    expect(forged.body.error.details.revert).to.equal("AuthorizationSignerMismatch");
    expect(await node.rpc<string>("eth_blockNumber")).to.equal(head);
    expect(await department("tax")).to.include({ signer: taxKey.address.toLowerCase(), rotationNonce: 1 });
  });

  it("refuses an expired authorization, one signed by another key, a malformed one, and another department's token", async () => {
    const next = newKey();
    const expired = await rotationAuthorization(api, node.rpcUrl, "tax", taxKey, next.address, { deadline: (await chainNow(node.rpcUrl)) - 1 });
    const e = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization: expired });
    expect([e.status, e.body.error.code]).to.deep.equal([422, "AUTHORIZATION_EXPIRED"]);
    const wrong = await rotationAuthorization(api, node.rpcUrl, "tax", newKey(), next.address);
    const w = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization: wrong });
    expect([w.status, w.body.error.code]).to.deep.equal([422, "AUTHORIZATION_INVALID"]);
    const bad = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization: { ...wrong, signature: "0x1234" } });
    expect([bad.status, bad.body.error.code, bad.body.error.details.revert]).to.deep.equal([422, "AUTHORIZATION_INVALID", "InvalidAuthorizationSignature"]);
    const v = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization: { nonce: -1, deadline: 1, signature: "zz" } });
    expect([v.status, v.body.error.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
    const healthToken = (await api.post("/v1/tokens", { role: "department:health", label: "health" })).body.token;
    const good = await rotationAuthorization(api, node.rpcUrl, "tax", taxKey, next.address);
    const other = await api.req("PUT", "/v1/departments/tax/signer", { signer: next.address, authorization: good }, { token: healthToken });
    expect([other.status, other.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
    expect(await department("tax")).to.include({ signer: taxKey.address.toLowerCase(), rotationNonce: 1 });
  });

  it("the admin without an authorization only proposes a recovery (202); the registrar's key is refused until it executes; the department cancels it", async () => {
    const chosen = newKey();
    const r = await api.req("PUT", "/v1/departments/tax/signer", { signer: chosen.address });
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    expect(r.body).to.include({ id: "tax", signer: chosen.address.toLowerCase(), status: "recovery-pending" });
    expect(r.body.proposalTxHash).to.match(/^0x[0-9a-f]{64}$/);
    const executableAt = r.body.executableAt;
    expect(Date.parse(executableAt) / 1000 - (await chainNow(node.rpcUrl))).to.be.within(TEST_DELAYS.recoveryDelay - 5, TEST_DELAYS.recoveryDelay);
    expect(await department("tax")).to.deep.include({
      signer: taxKey.address.toLowerCase(),
      pendingRecovery: { signer: chosen.address.toLowerCase(), executableAt },
    });
    expect((await post(chosen)).body.error.code).to.equal("SIGNER_MISMATCH");
    const again = await api.req("PUT", "/v1/departments/tax/signer", { signer: chosen.address });
    expect([again.status, again.body.executableAt, again.body.proposalTxHash]).to.deep.equal([202, executableAt, r.body.proposalTxHash]);
    const conflict = await api.req("PUT", "/v1/departments/tax/signer", { signer: newKey().address });
    expect([conflict.status, conflict.body.error.code]).to.deep.equal([409, "RECOVERY_PENDING"]);

    const authorization = await cancellationAuthorization(api, node.rpcUrl, "tax", taxKey);
    const c = await api.req("DELETE", "/v1/departments/tax/recovery", { authorization });
    expect(c.status, JSON.stringify(c.body)).to.equal(200);
    expect(c.body).to.include({ cancelledSigner: chosen.address.toLowerCase(), rotationNonce: 2, pendingRecovery: null });
    await passTime(TEST_DELAYS.recoveryDelay + 1);
    // Nothing left to execute: a new PUT proposes afresh, it does not apply the cancelled one.
    const fresh = await api.req("PUT", "/v1/departments/tax/signer", { signer: chosen.address });
    expect(fresh.status).to.equal(202);
    expect(Date.parse(fresh.body.executableAt)).to.be.greaterThan(Date.parse(executableAt));
    expect((await post(chosen)).body.error.code).to.equal("SIGNER_MISMATCH");
    const c2 = await api.req("DELETE", "/v1/departments/tax/recovery", { authorization: await cancellationAuthorization(api, node.rpcUrl, "tax", taxKey) });
    expect(c2.status).to.equal(200);
    const none = await api.req("DELETE", "/v1/departments/tax/recovery", { authorization: await cancellationAuthorization(api, node.rpcUrl, "tax", taxKey) });
    expect([none.status, none.body.error.code]).to.deep.equal([409, "NO_PENDING_RECOVERY"]);
  });

  it("a recovery executed after the delay: the new key works, the old one is refused, the history marks it", async () => {
    const recovered = newKey();
    const r = await api.req("PUT", "/v1/departments/health/signer", { signer: recovered.address });
    expect(r.status).to.equal(202);
    const early = await api.req("PUT", "/v1/departments/health/signer", { signer: recovered.address });
    expect([early.status, early.body.executableAt]).to.deep.equal([202, r.body.executableAt]);
    await passTime(TEST_DELAYS.recoveryDelay);
    const done = await api.req("PUT", "/v1/departments/health/signer", { signer: recovered.address });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ signer: recovered.address.toLowerCase(), changedBy: "recovery", pendingRecovery: null, rotationNonce: 0 });
    const rec = await api.post("/v1/exchanges", await signExchange(recovered, domain, unsigned("health", "tax")));
    expect(rec.status, JSON.stringify(rec.body)).to.equal(201);
    expect((await api.post("/v1/exchanges", await signExchange(health.wallet, domain, unsigned("health", "tax")))).body.error.code).to.equal("SIGNER_MISMATCH");

    const p = new JsonRpcProvider(node.rpcUrl);
    try {
      const events = await registryHistory(p, ledger, "health");
      expect(events.map((e) => [e.kind, e.recovery ?? false])).to.deep.equal([
        ["registered", false],
        ["rotated", true],
      ]);
      const taxEvents = await registryHistory(p, ledger, "tax");
      expect(taxEvents.filter((e) => e.kind === "rotated").every((e) => e.recovery === undefined)).to.equal(true);
    } finally {
      p.destroy();
    }
  });

  it("follows a rotation relayed directly on chain by a third party", async () => {
    const next = newKey();
    const authorization = await rotationAuthorization(api, node.rpcUrl, "tax", taxKey, next.address);
    const p = new JsonRpcProvider(node.rpcUrl);
    try {
      const stranger = new Wallet(DEV_KEYS[2], p);
      const c = new Contract(ledger, ledgerArtifact().abi as never[], stranger);
      await (await c.getFunction("rotateSignerWithAuthorization")("tax", next.address, authorization.deadline, authorization.signature)).wait();
    } finally {
      p.destroy();
    }
    const old = taxKey;
    taxKey = next;
    await until("the service to accept the new key", async () => ((await post(taxKey)).status === 201 ? true : undefined), 15_000, 200);
    expect((await post(old)).body.error.code).to.equal("SIGNER_MISMATCH");
    expect(await department("tax")).to.include({ signer: taxKey.address.toLowerCase(), rotationNonce: 4 });
  });

  it("self-rotation cancels a pending recovery", async () => {
    const chosen = newKey();
    expect((await api.req("PUT", "/v1/departments/tax/signer", { signer: chosen.address })).status).to.equal(202);
    const next = newKey();
    const r = await selfRotate(api, node.rpcUrl, "tax", taxKey, next.address);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ signer: next.address.toLowerCase(), pendingRecovery: null });
    taxKey = next;
    await passTime(TEST_DELAYS.recoveryDelay + 1);
    const after = await api.req("PUT", "/v1/departments/tax/signer", { signer: chosen.address });
    expect(after.status).to.equal(202); // a fresh proposal: the cancelled one cannot be executed
  });

  it("dxledger department rotate / cancel-recovery: the department's CLI, key from the environment and never printed", async () => {
    const token = (await api.post("/v1/tokens", { role: "department:tax", label: "tax cli" })).body.token;
    const next = newKey();
    const env = { DEPARTMENT_PRIVATE_KEY: taxKey.privateKey, DXLEDGER_TOKEN: token };
    const wrongKey = await runCli(["department", "rotate", "--service", svc.url, "--id", "tax", "--new-signer", next.address], {
      ...env,
      DEPARTMENT_PRIVATE_KEY: newKey().privateKey,
    });
    expect(wrongKey.status).to.equal(1);
    expect(wrongKey.stderr).to.include("nothing was signed");
    const r = await runCli(["department", "rotate", "--service", svc.url, "--id", "tax", "--new-signer", next.address, "--rpc", node.rpcUrl], env);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`department tax: signer ${taxKey.address.toLowerCase()} → ${next.address.toLowerCase()}`);
    expect(r.stdout + r.stderr).to.not.include(taxKey.privateKey.slice(2));
    const stale = await runCli(["department", "rotate", "--service", svc.url, "--id", "tax", "--new-signer", newKey().address], env);
    expect(stale.status).to.equal(1); // the old key is no longer the signer
    taxKey = next;
    expect((await api.req("PUT", "/v1/departments/tax/signer", { signer: newKey().address })).status).to.equal(202);
    const c = await runCli(["department", "cancel-recovery", "--service", svc.url, "--id", "tax", "--rpc", node.rpcUrl, "--json"], {
      ...env,
      DEPARTMENT_PRIVATE_KEY: taxKey.privateKey,
    });
    expect(c.status, c.stderr).to.equal(0);
    expect(JSON.parse(c.stdout)).to.include({ httpStatus: 200, pendingRecovery: null });
  });
});
