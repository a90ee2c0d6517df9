import { expect } from "chai";
import { network } from "hardhat";
import { createHash } from "node:crypto";
import type { Contract } from "ethers";
import { Frontier } from "../../src/core/merkle/frontier.ts";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { toHex } from "../../src/core/hex.ts";
import { refConsistency, refPath, refRoot } from "../helpers/reference-tree.ts";
import { consistencyVectors, inclusionVectors } from "../helpers/vectors.ts";
import { logIdOf } from "../../src/config.ts";

const { ethers } = await network.connect();

/** Awaits a call that must revert with the contract's custom error `name` (and args, if given). */
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

const is32 = (b: Uint8Array) => b.length === 32;

describe("contracts/ExchangeLedger", () => {
  let ledger: Contract;
  let admin: any, anchorer: any, other: any;
  const logId = logIdOf("test");
  const leaves = Array.from({ length: 100 }, (_, i) => hashLeaf(createHash("sha256").update(`e${i}`).digest()));
  const root = (n: number) => toHex(refRoot(leaves.slice(0, n)));
  const cproof = (m: number, n: number) => refConsistency(m, leaves.slice(0, n)).map(toHex);

  before(async () => {
    [admin, anchorer, other] = await ethers.getSigners();
    ledger = (await ethers.deployContract("ExchangeLedger", [admin.address])) as unknown as Contract;
    await (await ledger.getFunction("bindLog")(logId, anchorer.address)).wait();
  });

  describe("pure verifiers pass every RFC 9162 vector", () => {
    const inc = inclusionVectors();
    const con = consistencyVectors();
    // The contract takes bytes32 and uint64: vectors with other-length hashes or sizes beyond
    // uint64 cannot even be encoded as a call, so they are skipped and counted.
    const incOk = inc.filter((v) => is32(v.root) && is32(v.leafHash) && v.proof.every(is32) && v.leafIdx < 2n ** 64n && v.treeSize < 2n ** 64n);
    const conOk = con.filter((v) => is32(v.root1) && is32(v.root2) && v.proof.every(is32));
    it(`runs ${incOk.length}/${inc.length} inclusion and ${conOk.length}/${con.length} consistency vectors (skipped: non-32-byte hashes or sizes beyond uint64)`, async () => {
      expect(incOk.length).to.be.greaterThan(60);
      expect(conOk.length).to.be.greaterThan(60);
      for (const v of incOk) {
        const got = await ledger.getFunction("verifyInclusionProof")(v.leafIdx, v.treeSize, v.leafHash, v.root, v.proof);
        expect(got, `inclusion ${v.name}`).to.equal(!v.wantErr);
      }
      for (const v of conOk) {
        const got = await ledger.getFunction("verifyConsistency")(v.size1, v.size2, v.root1, v.root2, v.proof);
        expect(got, `consistency ${v.name}`).to.equal(!v.wantErr);
      }
    });
    it("agrees with the off-chain tree on proofs of many sizes", async () => {
      for (const n of [1, 2, 3, 7, 8, 9, 31, 64, 100]) {
        for (const m of [0, Math.floor(n / 2), n - 1]) {
          const proof = refPath(m, leaves.slice(0, n)).map(toHex);
          expect(await ledger.getFunction("verifyInclusionProof")(m, n, toHex(leaves[m]!), root(n), proof)).to.equal(true);
          expect(await ledger.getFunction("verifyInclusionProof")(m, n, toHex(leaves[(m + 1) % 100]!), root(n), proof)).to.equal(false);
        }
        for (const m of [1, Math.max(1, n >> 1), n]) {
          expect(await ledger.getFunction("verifyConsistency")(m, n, root(m), root(n), cproof(m, n)), `${m}→${n}`).to.equal(true);
        }
      }
    });
  });

  describe("anchor", () => {
    it("refuses an account not bound to the log", async () => {
      await expectRevert(ledger, ledger.connect(other).getFunction("anchor")(logId, 5, root(5), []), "UnauthorizedAnchorer", [logId, other.address]);
      await expectRevert(ledger, ledger.connect(admin).getFunction("anchor")(logId, 5, root(5), []), "UnauthorizedAnchorer");
    });
    it("refuses an empty first checkpoint", async () => {
      await expectRevert(ledger, ledger.connect(anchorer).getFunction("anchor")(logId, 0, root(0), []), "TreeSizeNotIncreasing");
    });
    it("anchors, then only consistent growth", async () => {
      const a = ledger.connect(anchorer);
      await (await a.getFunction("anchor")(logId, 5, root(5), [])).wait();
      expect(Number(await ledger.getFunction("checkpointCount")(logId))).to.equal(1);
      await expectRevert(ledger, a.getFunction("anchor")(logId, 5, root(5), []), "TreeSizeNotIncreasing", [logId, 5, 5]);
      await expectRevert(ledger, a.getFunction("anchor")(logId, 4, root(4), []), "TreeSizeNotIncreasing", [logId, 5, 4]);
      // A root for 50 leaves whose first 5 differ from the anchored ones: the chain refuses the rewrite.
      const forged = [...leaves.slice(0, 50)];
      forged[2] = hashLeaf(Buffer.from("forged"));
      const forgedRoot = toHex(refRoot(forged));
      await expectRevert(ledger, a.getFunction("anchor")(logId, 50, forgedRoot, refConsistency(5, forged).map(toHex)), "InconsistentCheckpoint");
      await expectRevert(ledger, a.getFunction("anchor")(logId, 50, root(50), cproof(4, 50)), "InconsistentCheckpoint");
      await expectRevert(ledger, a.getFunction("anchor")(logId, 50, root(50), []), "InconsistentCheckpoint");
      const tx = await a.getFunction("anchor")(logId, 50, root(50), cproof(5, 50));
      const rc = await tx.wait();
      const ev = rc.logs.map((l: any) => ledger.interface.parseLog(l)).find((p: any) => p?.name === "CheckpointAnchored");
      expect([Number(ev.args[1]), Number(ev.args[2]), ev.args[3]]).to.deep.equal([1, 50, root(50)]);
      const cp = await ledger.getFunction("checkpointAt")(logId, 1);
      expect([Number(cp[0]), cp[1], Number(cp[3])]).to.deep.equal([50, root(50), rc.blockNumber]);
      const latest = await ledger.getFunction("latestCheckpoint")(logId);
      expect([Number(latest[0]), Number(latest[1]), latest[2]]).to.deep.equal([1, 50, root(50)]);
      const proof = refPath(17, leaves.slice(0, 50)).map(toHex);
      expect(await ledger.getFunction("verifyInclusion")(logId, 1, 17, toHex(leaves[17]!), proof)).to.equal(true);
      expect(await ledger.getFunction("verifyInclusion")(logId, 1, 18, toHex(leaves[17]!), proof)).to.equal(false);
      await expectRevert(ledger, ledger.getFunction("checkpointAt")(logId, 2), "UnknownCheckpoint", [logId, 2]);
    });
    it("costs a bounded amount of gas with a realistic proof (10 000 → 20 000 leaves)", async () => {
      const big = new Frontier();
      const nodes: Uint8Array[] = [];
      const roots = new Map<number, string>();
      for (let i = 0; i < 20_000; i++) {
        big.append(hashLeaf(Buffer.from(`g${i}`)));
        nodes.push(hashLeaf(Buffer.from(`g${i}`)));
        if (i + 1 === 10_000 || i + 1 === 20_000) roots.set(i + 1, toHex(big.root()));
      }
      const gasLog = logIdOf("gas");
      await (await ledger.getFunction("bindLog")(gasLog, anchorer.address)).wait();
      const a = ledger.connect(anchorer);
      const first = await (await a.getFunction("anchor")(gasLog, 10_000, roots.get(10_000), [])).wait();
      const proof = refConsistency(10_000, nodes).map(toHex);
      const second = await (await a.getFunction("anchor")(gasLog, 20_000, roots.get(20_000), proof)).wait();
      console.log(`      gas: first anchor ${first.gasUsed}, anchor with a ${proof.length}-hash consistency proof ${second.gasUsed}`);
      expect(Number(second.gasUsed)).to.be.lessThan(150_000);
    });
  });

  describe("department registry", () => {
    it("registers, rotates, revokes, with events and role checks", async () => {
      const id = "tax-office";
      const idHash = ethers.id(id);
      await expectRevert(ledger, ledger.connect(other).getFunction("registerDepartment")(id, other.address), "AccessControlUnauthorizedAccount");
      const rc = await (await ledger.getFunction("registerDepartment")(id, other.address)).wait();
      const ev = ledger.interface.parseLog(rc.logs[0]);
      expect([ev!.name, ev!.args[0], ev!.args[1], ev!.args[2]]).to.deep.equal(["DepartmentRegistered", idHash, id, other.address]);
      expect([...(await ledger.getFunction("departmentSigner")(id))]).to.deep.equal([other.address, true]);
      await expectRevert(ledger, ledger.getFunction("registerDepartment")(id, admin.address), "DepartmentAlreadyRegistered", [id]);
      await (await ledger.getFunction("rotateSigner")(id, anchorer.address)).wait();
      expect([...(await ledger.getFunction("departmentSigner")(id))]).to.deep.equal([anchorer.address, true]);
      await (await ledger.getFunction("revokeDepartment")(id)).wait();
      expect([...(await ledger.getFunction("departmentSigner")(id))]).to.deep.equal([anchorer.address, false]);
      await expectRevert(ledger, ledger.getFunction("rotateSigner")(id, admin.address), "DepartmentIsRevoked", [id]);
      await expectRevert(ledger, ledger.getFunction("revokeDepartment")("nobody"), "UnknownDepartment", ["nobody"]);
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("Bad Id", admin.address), "InvalidDepartmentId");
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("-x", admin.address), "InvalidDepartmentId");
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("ok", ethers.ZeroAddress), "ZeroAddress");
      expect([...(await ledger.getFunction("departmentSigner")("unknown"))]).to.deep.equal([ethers.ZeroAddress, false]);
    });
  });
});
