/**
 * API tokens (services/tokens/tokens.ts) through their store port: a Map that
 * keeps every write, and a clock the test moves. What is checked is what an
 * operator relies on: only the secret's hash is ever stored, a revocation
 * takes effect on the next request, an expired token stops working at its
 * time, and the service is never left without an active admin token.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { isLedgerError } from "../../src/core/errors.ts";
import { BOOTSTRAP_ID, LAST_USED_WRITE_MS, Tokens, type DepartmentLookup, type TokenRecord } from "../../src/services/tokens/tokens.ts";
import { ManualClock, MemoryRecords, rejection } from "../helpers/fake-ports.ts";

const ADMIN = "dxl_admin_bootstrap-secret-for-tests";
const sha256hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const HOUR = 3_600_000;

async function opened(opts: { admin?: string; registry?: DepartmentLookup; departments?: MemoryRecords<{ active: boolean }> } = {}) {
  const clock = new ManualClock();
  const tokens = new MemoryRecords<TokenRecord>();
  const departments = opts.departments ?? new MemoryRecords<{ active: boolean }>();
  const svc = await Tokens.open({ tokens, departments }, opts.admin ?? ADMIN, { now: clock.now, registry: opts.registry });
  return { svc, tokens, departments, clock };
}

/** The secret part of `dxl_<id>_<secret>`. */
const secretOf = (token: string) => token.slice("dxl_".length + 16 + 1);

describe("API tokens: issue, check, revoke, expire", () => {
  it("the admin token from ADMIN_TOKEN works at first start, and only its record (no secret, no hash) is stored", async () => {
    const { svc, tokens } = await opened();
    expect(svc.check(ADMIN)).to.deep.equal({ ok: true, principal: { tokenId: BOOTSTRAP_ID, role: "admin" } });
    const stored = await tokens.get(BOOTSTRAP_ID);
    expect(stored).to.include({ tokenId: BOOTSTRAP_ID, role: "admin", secretHash: null, revokedAt: null });
    expect(tokens.raw()).not.to.include(ADMIN);
    expect(tokens.raw()).not.to.include(sha256hex(ADMIN));
  });

  it("a new token has the form dxl_<16 hex>_<32 chars>, works at once, and the store holds only the SHA-256 of its secret", async () => {
    const { svc, tokens } = await opened();
    const { tokenId, token, expiresAt } = await svc.create("auditor", "quarterly audit");
    expect(token).to.match(/^dxl_[0-9a-f]{16}_[A-Za-z0-9_-]{32}$/);
    expect(token.slice(4, 20)).to.equal(tokenId);
    expect(expiresAt).to.equal(null);
    expect(svc.check(token)).to.deep.equal({ ok: true, principal: { tokenId, role: "auditor" } });
    const stored = (await tokens.get(tokenId))!;
    expect(stored.secretHash).to.equal(sha256hex(secretOf(token)));
    expect(tokens.raw()).not.to.include(secretOf(token));
  });

  it("the token list never shows a secret or its hash", async () => {
    const { svc } = await opened();
    const { token } = await svc.create("regulator", "r");
    const listed = JSON.stringify(svc.list());
    expect(listed).not.to.include(secretOf(token));
    expect(listed).not.to.include(sha256hex(secretOf(token)));
    expect(listed).not.to.include("secretHash");
    expect(svc.list().map((v) => v.status)).to.deep.equal(["active", "active"]);
  });

  it("an unknown, malformed or wrong-secret token is 'unknown'", async () => {
    const { svc } = await opened();
    const { tokenId, token } = await svc.create("auditor", "a");
    const wrongSecret = `dxl_${tokenId}_${"A".repeat(32)}`;
    expect(svc.check(wrongSecret)).to.deep.equal({ ok: false, reason: "unknown" });
    expect(svc.check(`dxl_${"0".repeat(16)}_${secretOf(token)}`)).to.deep.equal({ ok: false, reason: "unknown" });
    expect(svc.check(`${token}x`)).to.deep.equal({ ok: false, reason: "unknown" });
    expect(svc.check("")).to.deep.equal({ ok: false, reason: "unknown" });
    expect(svc.check(`${ADMIN} `)).to.deep.equal({ ok: false, reason: "unknown" });
    expect(svc.authenticate(wrongSecret)).to.equal(undefined);
  });

  it("a revoked token is refused on the very next check, and the revocation is stored", async () => {
    const { svc, tokens, clock } = await opened();
    const { tokenId, token } = await svc.create("department:city", "city");
    clock.advance(5_000);
    expect(await svc.revoke(tokenId)).to.equal(true);
    expect(svc.check(token)).to.deep.equal({ ok: false, reason: "revoked" });
    expect((await tokens.get(tokenId))!.revokedAt).to.equal(clock.iso());
    expect(svc.list().find((v) => v.tokenId === tokenId)!.status).to.equal("revoked");
  });

  it("a revocation that could not be stored fails, changes nothing, and a retry revokes and stores it", async () => {
    const { svc, tokens } = await opened();
    const { tokenId, token } = await svc.create("auditor", "a");
    tokens.failNext = new Error("disk full");
    expect(String(await rejection(svc.revoke(tokenId)))).to.contain("disk full");
    expect(svc.check(token).ok).to.equal(true);
    expect((await tokens.get(tokenId))!.revokedAt).to.equal(null);
    expect(await svc.revoke(tokenId)).to.equal(true);
    expect(svc.check(token)).to.deep.equal({ ok: false, reason: "revoked" });
    expect((await tokens.get(tokenId))!.revokedAt).to.not.equal(null);
  });

  it("revoking twice, or an id that does not exist, answers false and writes nothing", async () => {
    const { svc, tokens } = await opened();
    const { tokenId } = await svc.create("auditor", "a");
    await svc.revoke(tokenId);
    const writes = tokens.puts.length;
    expect(await svc.revoke(tokenId)).to.equal(false);
    expect(await svc.revoke("0123456789abcdef")).to.equal(false);
    expect(tokens.puts.length).to.equal(writes);
  });

  it("a token with expiresAt works until that instant and is 'expired' from it on", async () => {
    const { svc, clock } = await opened();
    const { tokenId, token, expiresAt } = await svc.create("auditor", "temp", clock.iso(HOUR));
    expect(expiresAt).to.equal(clock.iso(HOUR));
    clock.advance(HOUR - 1);
    expect(svc.check(token).ok).to.equal(true);
    clock.advance(1);
    expect(svc.check(token)).to.deep.equal({ ok: false, reason: "expired" });
    expect(svc.list().find((v) => v.tokenId === tokenId)!.status).to.equal("expired");
  });

  it("a revoked token that has also expired reads 'revoked'", async () => {
    const { svc, clock } = await opened();
    const { tokenId, token } = await svc.create("auditor", "temp", clock.iso(HOUR));
    await svc.revoke(tokenId);
    clock.advance(2 * HOUR);
    expect(svc.check(token)).to.deep.equal({ ok: false, reason: "revoked" });
  });

  it("expiresAt now or in the past is refused, and nothing is stored", async () => {
    const { svc, tokens, clock } = await opened();
    const writes = tokens.puts.length;
    for (const at of [clock.iso(), clock.iso(-1)]) {
      const e = await rejection(svc.create("auditor", "late", at));
      expect(isLedgerError(e, "VALIDATION_FAILED")).to.equal(true);
    }
    expect(tokens.puts.length).to.equal(writes);
    expect(svc.list()).to.have.lengthOf(1);
  });

  it("a token whose write fails is not issued: the caller gets the error and the list does not show it", async () => {
    const { svc, tokens } = await opened();
    tokens.failNext = new Error("disk full");
    const e = await rejection(svc.create("auditor", "a"));
    expect((e as Error).message).to.equal("disk full");
    expect(svc.list().map((v) => v.tokenId)).to.deep.equal([BOOTSTRAP_ID]);
  });

  it("the last active admin token cannot be revoked; with a second admin token it can", async () => {
    const { svc } = await opened();
    const e = await rejection(svc.revoke(BOOTSTRAP_ID));
    expect(isLedgerError(e, "LAST_ADMIN_TOKEN")).to.equal(true);
    expect(svc.check(ADMIN).ok).to.equal(true);
    const second = await svc.create("admin", "second admin");
    expect(await svc.revoke(BOOTSTRAP_ID)).to.equal(true);
    expect(svc.check(ADMIN)).to.deep.equal({ ok: false, reason: "revoked" });
    const e2 = await rejection(svc.revoke(second.tokenId));
    expect(isLedgerError(e2, "LAST_ADMIN_TOKEN")).to.equal(true);
  });

  it("an expired admin token does not count as the other admin", async () => {
    const { svc, clock } = await opened();
    await svc.create("admin", "short-lived admin", clock.iso(HOUR));
    clock.advance(HOUR);
    const e = await rejection(svc.revoke(BOOTSTRAP_ID));
    expect(isLedgerError(e, "LAST_ADMIN_TOKEN")).to.equal(true);
  });

  it("a revoked bootstrap token stays revoked after a restart, whatever ADMIN_TOKEN then holds", async () => {
    const { svc, tokens, departments, clock } = await opened();
    const second = await svc.create("admin", "second admin");
    await svc.revoke(BOOTSTRAP_ID);
    const other = "dxl_admin_a-different-bootstrap-secret";
    const again = await Tokens.open({ tokens, departments }, other, { now: clock.now });
    expect(again.check(other)).to.deep.equal({ ok: false, reason: "revoked" });
    expect(again.check(ADMIN)).to.deep.equal({ ok: false, reason: "unknown" });
    expect(again.check(second.token).ok).to.equal(true);
  });

  it("tokens and their state survive a restart over the same store", async () => {
    const { svc, tokens, departments, clock } = await opened();
    const kept = await svc.create("auditor", "kept");
    const revoked = await svc.create("auditor", "revoked");
    await svc.revoke(revoked.tokenId);
    const again = await Tokens.open({ tokens, departments }, ADMIN, { now: clock.now });
    expect(again.check(kept.token)).to.deep.equal({ ok: true, principal: { tokenId: kept.tokenId, role: "auditor" } });
    expect(again.check(revoked.token)).to.deep.equal({ ok: false, reason: "revoked" });
    expect(again.list().map((v) => v.label)).to.deep.equal(["bootstrap (ADMIN_TOKEN)", "kept", "revoked"]);
  });

  it("lastUsedAt shows the latest use at once but is written at most once a minute per token", async () => {
    const { svc, tokens, clock } = await opened();
    const { tokenId, token } = await svc.create("auditor", "a");
    const writesOf = () => tokens.puts.filter((p) => p.id === tokenId).length;
    expect(writesOf()).to.equal(1);
    svc.check(token);
    await svc.flush();
    expect(writesOf()).to.equal(2);
    clock.advance(LAST_USED_WRITE_MS - 1);
    svc.check(token);
    await svc.flush();
    expect(writesOf()).to.equal(2);
    expect(svc.list().find((v) => v.tokenId === tokenId)!.lastUsedAt).to.equal(clock.iso());
    clock.advance(1);
    svc.check(token);
    await svc.flush();
    expect(writesOf()).to.equal(3);
    expect((await tokens.get(tokenId))!.lastUsedAt).to.equal(clock.iso());
  });

  it("a refused token does not touch lastUsedAt", async () => {
    const { svc, tokens } = await opened();
    const { tokenId, token } = await svc.create("auditor", "a");
    await svc.revoke(tokenId);
    const writes = tokens.puts.length;
    svc.check(token);
    await svc.flush();
    expect(tokens.puts.length).to.equal(writes);
    expect(svc.list().find((v) => v.tokenId === tokenId)!.lastUsedAt).to.equal(null);
  });
});

describe("API tokens: a department's state, from the registry's cache, this service's record, then the chain", () => {
  function registry(chain: Record<string, { active: boolean }>, cache: Record<string, { active: boolean }> = {}) {
    const calls: string[] = [];
    const lookup: DepartmentLookup = {
      peek: (id) => cache[id],
      get: (id) => {
        calls.push(id);
        return Promise.resolve(chain[id]);
      },
    };
    return { lookup, calls };
  }

  it("a fresh cache entry answers without reading the record or the chain", async () => {
    const r = registry({ city: { active: true } }, { city: { active: false } });
    const departments = new MemoryRecords<{ active: boolean }>({ city: { active: true } });
    const { svc } = await opened({ registry: r.lookup, departments });
    expect(await svc.departmentState("city")).to.equal("revoked");
    expect(r.calls).to.deep.equal([]);
  });

  it("a department this service registered answers from its record while the chain is away", async () => {
    const failing: DepartmentLookup = { peek: () => undefined, get: () => Promise.reject(new Error("chain unavailable")) };
    const departments = new MemoryRecords<{ active: boolean }>({ city: { active: true }, old: { active: false } });
    const { svc } = await opened({ registry: failing, departments });
    expect(await svc.departmentState("city")).to.equal("active");
    expect(await svc.departmentState("old")).to.equal("revoked");
  });

  it("a department registered elsewhere is read from the chain; one the chain does not know is undefined", async () => {
    const r = registry({ harbour: { active: true } });
    const { svc } = await opened({ registry: r.lookup });
    expect(await svc.departmentState("harbour")).to.equal("active");
    expect(await svc.departmentState("nowhere")).to.equal(undefined);
    expect(r.calls).to.deep.equal(["harbour", "nowhere"]);
  });

  it("without a registry only this service's record answers", async () => {
    const departments = new MemoryRecords<{ active: boolean }>({ city: { active: true } });
    const { svc } = await opened({ departments });
    expect(await svc.departmentState("city")).to.equal("active");
    expect(await svc.departmentState("harbour")).to.equal(undefined);
  });
});
