/**
 * Issue 12: the federation directory on chain. Every log bound is listed once
 * (logCount/logAt), and its entry (name, gateway URL, operator department) is
 * set by the admin or by the log's own anchoring account, for the name the log
 * id was derived from (src/config.ts logIdOf) only.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { LEDGER_ABI } from "../../src/adapters/chain/ledger-contract.ts";
import { ethersContract } from "../../src/adapters/chain/typed-contract.ts";
import { logIdOf } from "../../src/config.ts";

const { ethers, networkHelpers } = await network.create();
const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);

const a = logIdOf("county-a");
const b = logIdOf("county-b");

/** A ledger with no log bound yet. */
async function emptyLedger() {
  const [admin, gatewayA, gatewayB, other] = await ethers.getSigners();
  const ledger = ethersContract(LEDGER_ABI, await ethers.deployContract("ExchangeLedger", [0, admin!.address, 60]));
  return { ledger, admin: admin!, gatewayA: gatewayA!, gatewayB: gatewayB!, other: other! };
}

/** Log a bound to gateway A, log b to gateway B, in that order (a re-bound twice on the way). */
async function boundLedger() {
  const f = await emptyLedger();
  const { ledger } = f;
  await (await ledger.bindLog(a, f.gatewayA.address)).wait();
  await (await ledger.bindLog(b, f.gatewayB.address)).wait();
  await (await ledger.bindLog(a, f.other.address)).wait();
  await (await ledger.bindLog(a, f.gatewayA.address)).wait();
  return f;
}

/** boundLedger, and a's entry set by the admin. */
async function listedLedger() {
  const f = await boundLedger();
  await (await f.ledger.setLogInfo(a, "county-a", "https://a.example.gov", "county-a.it")).wait();
  return f;
}

describe("contracts/ExchangeLedger: the log directory", () => {
  it("lists a log once, when first bound; re-binding to another account does not list it again", async () => {
    const { ledger } = await loadFixture(emptyLedger);
    expect(await ledger.logCount()).to.equal(0n);
    await expect(ledger.logAt(0)).to.be.revertedWithCustomError(ledger, "LogIndexOutOfRange").withArgs(0, 0);
    const { ledger: bound, gatewayA } = await loadFixture(boundLedger);
    expect(await bound.logCount()).to.equal(2n);
    expect([await bound.logAt(0), await bound.logAt(1)]).to.deep.equal([a, b]);
    await expect(bound.logAt(2)).to.be.revertedWithCustomError(bound, "LogIndexOutOfRange").withArgs(2, 2);
    const [name, url, operator, anchorer] = await bound.logInfo(a);
    expect([name, url, operator, anchorer]).to.deep.equal(["", "", "", gatewayA.address]);
  });

  it("takes the entry from the admin, with LogInfoSet", async () => {
    const { ledger, gatewayA } = await loadFixture(boundLedger);
    await expect(ledger.setLogInfo(a, "county-a", "https://a.example.gov", "county-a.it"))
      .to.emit(ledger, "LogInfoSet")
      .withArgs(a, "county-a", "https://a.example.gov", "county-a.it");
    expect([...(await ledger.logInfo(a))]).to.deep.equal(["county-a", "https://a.example.gov", "county-a.it", gatewayA.address]);
  });

  it("takes it from the log's own anchoring account (a gateway updates its URL), not from another log's", async () => {
    const { ledger, gatewayA, gatewayB, other } = await loadFixture(listedLedger);
    await (await ledger.connect(gatewayA).setLogInfo(a, "county-a", "https://a2.example.gov", "county-a.it")).wait();
    expect((await ledger.logInfo(a))[1]).to.equal("https://a2.example.gov");
    await expect(ledger.connect(gatewayB).setLogInfo(a, "county-a", "https://evil", ""))
      .to.be.revertedWithCustomError(ledger, "UnauthorizedLogEditor")
      .withArgs(a, gatewayB.address);
    await expect(ledger.connect(other).setLogInfo(a, "county-a", "https://evil", ""))
      .to.be.revertedWithCustomError(ledger, "UnauthorizedLogEditor")
      .withArgs(a, other.address);
    expect((await ledger.logInfo(a))[1]).to.equal("https://a2.example.gov");
  });

  it("refuses a name the log id was not derived from, an unbound log, a bad operator or an overlong URL", async () => {
    const { ledger, gatewayB } = await loadFixture(listedLedger);
    await expect(ledger.setLogInfo(a, "county-b", "https://a", ""))
      .to.be.revertedWithCustomError(ledger, "LogNameMismatch")
      .withArgs(a, "county-b");
    await expect(ledger.setLogInfo(a, "County-A", "https://a", ""))
      .to.be.revertedWithCustomError(ledger, "LogNameMismatch")
      .withArgs(a, "County-A");
    const c = logIdOf("county-c");
    await expect(ledger.setLogInfo(c, "county-c", "https://c", ""))
      .to.be.revertedWithCustomError(ledger, "LogNotBound")
      .withArgs(c);
    await expect(ledger.setLogInfo(a, "county-a", "https://a", "Tax Bureau"))
      .to.be.revertedWithCustomError(ledger, "InvalidDepartmentId")
      .withArgs("Tax Bureau");
    await expect(ledger.setLogInfo(a, "county-a", `https://${"x".repeat(505)}`, ""))
      .to.be.revertedWithCustomError(ledger, "LogUrlTooLong")
      .withArgs(513, 512);
    await (await ledger.setLogInfo(b, "county-b", "", "")).wait();
    expect([...(await ledger.logInfo(b))]).to.deep.equal(["county-b", "", "", gatewayB.address]);
  });

  it("keeps an unbound log out of the directory: logInfo of it is empty with a zero anchorer", async () => {
    const { ledger } = await loadFixture(listedLedger);
    expect([...(await ledger.logInfo(logIdOf("never")))]).to.deep.equal(["", "", "", ethers.ZeroAddress]);
    expect(await ledger.logCount()).to.equal(2n);
  });
});
