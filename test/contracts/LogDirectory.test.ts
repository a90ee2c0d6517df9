/**
 * Issue 12: the federation directory on chain. Every log bound is listed once
 * (logCount/logAt), and its entry (name, gateway URL, operator department) is
 * set by the admin or by the log's own anchoring account, for the name the log
 * id was derived from (src/config.ts logIdOf) only.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { Contract } from "ethers";
import { logIdOf } from "../../src/config.ts";

const { ethers } = await network.connect();

async function expectRevert(c: Contract, p: Promise<unknown>, name: string, args?: unknown[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data ? c.interface.parseError(data) : null;
    expect(parsed?.name, `revert reason of ${String(e).slice(0, 200)}`).to.equal(name);
    if (args) expect([...parsed!.args].map((a) => (typeof a === "bigint" ? Number(a) : a))).to.deep.equal(args);
    return;
  }
  expect.fail(`expected revert ${name}`);
}

describe("contracts/ExchangeLedger: the log directory", () => {
  let ledger: Contract;
  let admin: any, gatewayA: any, gatewayB: any, other: any;
  const a = logIdOf("county-a");
  const b = logIdOf("county-b");
  const fn = (c: Contract, name: string) => c.getFunction(name);

  before(async () => {
    [admin, gatewayA, gatewayB, other] = await ethers.getSigners();
    ledger = (await ethers.deployContract("ExchangeLedger", [0, admin.address, 60])) as unknown as Contract;
  });

  it("lists a log once, when first bound; re-binding to another account does not list it again", async () => {
    expect(await fn(ledger, "logCount")()).to.equal(0n);
    await expectRevert(ledger, fn(ledger, "logAt")(0), "LogIndexOutOfRange", [0, 0]);
    await (await fn(ledger, "bindLog")(a, gatewayA.address)).wait();
    await (await fn(ledger, "bindLog")(b, gatewayB.address)).wait();
    await (await fn(ledger, "bindLog")(a, other.address)).wait();
    await (await fn(ledger, "bindLog")(a, gatewayA.address)).wait();
    expect(await fn(ledger, "logCount")()).to.equal(2n);
    expect([await fn(ledger, "logAt")(0), await fn(ledger, "logAt")(1)]).to.deep.equal([a, b]);
    await expectRevert(ledger, fn(ledger, "logAt")(2), "LogIndexOutOfRange", [2, 2]);
    const [name, url, operator, anchorer] = await fn(ledger, "logInfo")(a);
    expect([name, url, operator, anchorer]).to.deep.equal(["", "", "", gatewayA.address]);
  });

  it("takes the entry from the admin, with LogInfoSet", async () => {
    const rc = await (await fn(ledger, "setLogInfo")(a, "county-a", "https://a.example.gov", "county-a.it")).wait();
    const ev = rc.logs.map((l: any) => ledger.interface.parseLog(l)).find((p: any) => p?.name === "LogInfoSet");
    expect([ev.args[0], ev.args[1], ev.args[2], ev.args[3]]).to.deep.equal([a, "county-a", "https://a.example.gov", "county-a.it"]);
    expect([...(await fn(ledger, "logInfo")(a))]).to.deep.equal(["county-a", "https://a.example.gov", "county-a.it", gatewayA.address]);
  });

  it("takes it from the log's own anchoring account (a gateway updates its URL), not from another log's", async () => {
    await (await fn(ledger.connect(gatewayA) as Contract, "setLogInfo")(a, "county-a", "https://a2.example.gov", "county-a.it")).wait();
    expect((await fn(ledger, "logInfo")(a))[1]).to.equal("https://a2.example.gov");
    await expectRevert(ledger, fn(ledger.connect(gatewayB) as Contract, "setLogInfo")(a, "county-a", "https://evil", ""), "UnauthorizedLogEditor", [a, gatewayB.address]);
    await expectRevert(ledger, fn(ledger.connect(other) as Contract, "setLogInfo")(a, "county-a", "https://evil", ""), "UnauthorizedLogEditor", [a, other.address]);
  });

  it("refuses a name the log id was not derived from, an unbound log, a bad operator or an overlong URL", async () => {
    await expectRevert(ledger, fn(ledger, "setLogInfo")(a, "county-b", "https://a", ""), "LogNameMismatch", [a, "county-b"]);
    await expectRevert(ledger, fn(ledger, "setLogInfo")(a, "County-A", "https://a", ""), "LogNameMismatch", [a, "County-A"]);
    const c = logIdOf("county-c");
    await expectRevert(ledger, fn(ledger, "setLogInfo")(c, "county-c", "https://c", ""), "LogNotBound", [c]);
    await expectRevert(ledger, fn(ledger, "setLogInfo")(a, "county-a", "https://a", "Tax Bureau"), "InvalidDepartmentId", ["Tax Bureau"]);
    await expectRevert(ledger, fn(ledger, "setLogInfo")(a, "county-a", `https://${"x".repeat(505)}`, ""), "LogUrlTooLong", [513, 512]);
    await (await fn(ledger, "setLogInfo")(b, "county-b", "", "")).wait();
    expect([...(await fn(ledger, "logInfo")(b))]).to.deep.equal(["county-b", "", "", gatewayB.address]);
  });

  it("keeps an unbound log out of the directory: logInfo of it is empty with a zero anchorer", async () => {
    expect([...(await fn(ledger, "logInfo")(logIdOf("never")))]).to.deep.equal(["", "", "", ethers.ZeroAddress]);
    expect(await fn(ledger, "logCount")()).to.equal(2n);
  });
});
