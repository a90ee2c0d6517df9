/**
 * Issue 10: @dxledger/verify ships a committed ABI generated from the contract
 * (no Hardhat at install). CI fails when it is stale.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keccak256 } from "ethers";
import { LEDGER_ABI, LEDGER_CODE_HASH } from "@dxledger/verify";

const ROOT = join(import.meta.dirname, "..", "..");

describe("@dxledger/verify's committed ABI", () => {
  it("is what scripts/gen-verify-abi.ts makes of the contract as compiled now", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/gen-verify-abi.ts"), "--check"], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
  });

  it("matches the artifact the service deploys: same ABI, same runtime code hash", () => {
    const art = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts/ExchangeLedger.sol/ExchangeLedger.json"), "utf8"));
    expect(LEDGER_ABI).to.deep.equal(art.abi);
    expect(LEDGER_CODE_HASH).to.equal(keccak256(art.deployedBytecode));
  });
});
