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
const ADMIN_DELAY = 3600;
const RECOVERY_DELAY = 600;

describe("contracts/ExchangeLedger", () => {
  let ledger: Contract;
  let admin: any, anchorer: any, other: any;
  const logId = logIdOf("test");
  const leaves = Array.from({ length: 100 }, (_, i) => hashLeaf(createHash("sha256").update(`e${i}`).digest()));
  const root = (n: number) => toHex(refRoot(leaves.slice(0, n)));
  const cproof = (m: number, n: number) => refConsistency(m, leaves.slice(0, n)).map(toHex);

  before(async () => {
    [admin, anchorer, other] = await ethers.getSigners();
    ledger = (await ethers.deployContract("ExchangeLedger", [ADMIN_DELAY, admin.address, RECOVERY_DELAY])) as unknown as Contract;
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
    it("registers and revokes, with events and role checks; there is no immediate rotation", async () => {
      const id = "tax-office";
      const idHash = ethers.id(id);
      await expectRevert(ledger, ledger.connect(other).getFunction("registerDepartment")(id, other.address), "AccessControlUnauthorizedAccount");
      const rc = await (await ledger.getFunction("registerDepartment")(id, other.address)).wait();
      const ev = ledger.interface.parseLog(rc.logs[0]);
      expect([ev!.name, ev!.args[0], ev!.args[1], ev!.args[2]]).to.deep.equal(["DepartmentRegistered", idHash, id, other.address]);
      expect([...(await ledger.getFunction("departmentSigner")(id))]).to.deep.equal([other.address, true]);
      await expectRevert(ledger, ledger.getFunction("registerDepartment")(id, admin.address), "DepartmentAlreadyRegistered", [id]);
      expect(ledger.interface.getFunction("rotateSigner")).to.equal(null);
      await (await ledger.getFunction("revokeDepartment")(id)).wait();
      expect([...(await ledger.getFunction("departmentSigner")(id))]).to.deep.equal([other.address, false]);
      await expectRevert(ledger, ledger.getFunction("revokeDepartment")(id), "DepartmentIsRevoked", [id]);
      await expectRevert(ledger, ledger.getFunction("revokeDepartment")("nobody"), "UnknownDepartment", ["nobody"]);
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("Bad Id", admin.address), "InvalidDepartmentId");
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("-x", admin.address), "InvalidDepartmentId");
      await expectRevert(ledger, ledger.getFunction("registerDepartment")("ok", ethers.ZeroAddress), "ZeroAddress");
      expect([...(await ledger.getFunction("departmentSigner")("unknown"))]).to.deep.equal([ethers.ZeroAddress, false]);
    });
  });

  describe("department keys", () => {
    let chainId: bigint;
    let domain: { name: string; version: string; chainId: bigint; verifyingContract: string };
    const ROTATION = { SignerRotation: [{ name: "id", type: "string" }, { name: "newSigner", type: "address" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
    const CANCELLATION = { RecoveryCancellation: [{ name: "id", type: "string" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
    const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const later = async () => (await now()) + 3600n;
    const nonceOf = async (id: string) => BigInt(await ledger.getFunction("rotationNonce")(id));
    const signerOf = async (id: string) => String((await ledger.getFunction("departmentSigner")(id))[0]);
    const names = (rc: any) => rc.logs.map((l: any) => ledger.interface.parseLog(l)?.name);
    const rotation = (key: any, id: string, newSigner: string, nonce: bigint, deadline: bigint, dom = domain) => key.signTypedData(dom, ROTATION, { id, newSigner, nonce, deadline });
    const cancellation = (key: any, id: string, nonce: bigint, deadline: bigint) => key.signTypedData(domain, CANCELLATION, { id, nonce, deadline });
    const relay = () => ledger.connect(other);

    before(async () => {
      chainId = (await ethers.provider.getNetwork()).chainId;
      domain = { name: "dxledger", version: "1", chainId, verifyingContract: await ledger.getAddress() };
    });

    it("uses the records' EIP-712 domain (computed per call) and keeps no immutables", async () => {
      expect(await ledger.getFunction("domainSeparator")()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
      const art = await import("../../artifacts/contracts/ExchangeLedger.sol/ExchangeLedger.json", { with: { type: "json" } });
      expect(art.default.immutableReferences ?? {}).to.deep.equal({});
      expect(await ethers.provider.getCode(await ledger.getAddress())).to.equal(art.default.deployedBytecode);
      expect(Number(await ledger.getFunction("recoveryDelay")())).to.equal(RECOVERY_DELAY);
    });

    it("keeps its state at the ERC-7201 slots of \"dxledger.ExchangeLedger\" (anchorers +0, checkpoints +1)", async () => {
      const base = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [BigInt(ethers.id("dxledger.ExchangeLedger")) - 1n]))) & ~0xffn;
      const enc = ethers.AbiCoder.defaultAbiCoder();
      const addr = await ledger.getAddress();
      const at = (slot: bigint) => ethers.provider.getStorage(addr, slot);
      const anchorerSlot = BigInt(ethers.keccak256(enc.encode(["bytes32", "uint256"], [logId, base])));
      expect(BigInt(await at(anchorerSlot))).to.equal(BigInt(anchorer.address));
      const lenSlot = BigInt(ethers.keccak256(enc.encode(["bytes32", "uint256"], [logId, base + 1n])));
      const n = Number(await ledger.getFunction("checkpointCount")(logId));
      expect(n).to.be.greaterThan(0);
      expect(BigInt(await at(lenSlot))).to.equal(BigInt(n));
      const first = BigInt(ethers.keccak256(ethers.toBeHex(lenSlot, 32)));
      const cp = await ledger.getFunction("checkpointAt")(logId, n - 1);
      const word0 = BigInt(await at(first + 2n * BigInt(n - 1)));
      expect(word0 & 0xffffffffffffffffn).to.equal(BigInt(cp[0])); // treeSize
      expect((word0 >> 64n) & 0xffffffffffffffffn).to.equal(BigInt(cp[2])); // anchoredAt
      expect((word0 >> 128n) & 0xffffffffffffffffn).to.equal(BigInt(cp[3])); // blockNumber
      expect(await at(first + 2n * BigInt(n - 1) + 1n)).to.equal(cp[1]); // rootHash
    });

    it("self-rotation: the current key's authorization, relayed by anyone; nonce counts; old authorization refused", async () => {
      const k1 = ethers.Wallet.createRandom();
      const k2 = ethers.Wallet.createRandom();
      const id = "self-rot";
      await (await ledger.getFunction("registerDepartment")(id, k1.address)).wait();
      expect(await nonceOf(id)).to.equal(0n);
      const deadline = await later();
      const sig = await rotation(k1, id, k2.address, 0n, deadline);
      const rc = await (await relay().getFunction("rotateSignerWithAuthorization")(id, k2.address, deadline, sig)).wait();
      expect(names(rc)).to.deep.equal(["SignerRotated"]);
      const ev = ledger.interface.parseLog(rc.logs[0])!;
      expect([...ev.args]).to.deep.equal([ethers.id(id), id, k1.address, k2.address]);
      expect(await signerOf(id)).to.equal(k2.address);
      expect(await nonceOf(id)).to.equal(1n);
      // The same authorization again: its nonce is used, it no longer recovers to the signer.
      await expectRevert(ledger, relay().getFunction("rotateSignerWithAuthorization")(id, k2.address, deadline, sig), "SignerUnchanged", [id, k2.address]);
      const k3 = ethers.Wallet.createRandom();
      const replay = await rotation(k1, id, k3.address, 0n, deadline);
      await expectRevert(ledger, relay().getFunction("rotateSignerWithAuthorization")(id, k3.address, deadline, replay), "AuthorizationSignerMismatch");
      const byNewKeyOldNonce = await rotation(k2, id, k3.address, 0n, deadline);
      await expectRevert(ledger, relay().getFunction("rotateSignerWithAuthorization")(id, k3.address, deadline, byNewKeyOldNonce), "AuthorizationSignerMismatch");
      expect([await signerOf(id), await nonceOf(id)]).to.deep.equal([k2.address, 1n]);
    });

    it("refuses an expired, foreign (department, contract, chain), wrong-key, malformed or high-s authorization", async () => {
      const k1 = ethers.Wallet.createRandom();
      const k2 = ethers.Wallet.createRandom();
      const id = "refusals";
      await (await ledger.getFunction("registerDepartment")(id, k1.address)).wait();
      await (await ledger.getFunction("registerDepartment")("other-dept", k1.address)).wait();
      const f = relay().getFunction("rotateSignerWithAuthorization");
      const past = (await now()) - 1n;
      await expectRevert(ledger, f(id, k2.address, past, await rotation(k1, id, k2.address, 0n, past)), "AuthorizationExpired");
      const d = await later();
      await expectRevert(ledger, f(id, k2.address, d, await rotation(k1, "other-dept", k2.address, 0n, d)), "AuthorizationSignerMismatch");
      await expectRevert(ledger, f(id, k2.address, d, await rotation(k1, id, k2.address, 0n, d, { ...domain, verifyingContract: other.address })), "AuthorizationSignerMismatch");
      await expectRevert(ledger, f(id, k2.address, d, await rotation(k1, id, k2.address, 0n, d, { ...domain, chainId: chainId + 1n })), "AuthorizationSignerMismatch");
      await expectRevert(ledger, f(id, k2.address, d, await rotation(k1, id, k2.address, 1n, d)), "AuthorizationSignerMismatch");
      const wrong = ethers.Wallet.createRandom();
      await expectRevert(ledger, f(id, k2.address, d, await rotation(wrong, id, k2.address, 0n, d)), "AuthorizationSignerMismatch", [id, wrong.address, k1.address, 0]);
      await expectRevert(ledger, f(id, k2.address, d, await rotation(k1, id, other.address, 0n, d)), "AuthorizationSignerMismatch");
      const good = ethers.Signature.from(await rotation(k1, id, k2.address, 0n, d));
      const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const highS = ethers.concat([good.r, ethers.toBeHex(N - BigInt(good.s), 32), good.v === 27 ? "0x1c" : "0x1b"]);
      await expectRevert(ledger, f(id, k2.address, d, highS), "InvalidAuthorizationSignature");
      await expectRevert(ledger, f(id, k2.address, d, "0x1234"), "InvalidAuthorizationSignature", [id, 2, ethers.toBeHex(2, 32)]);
      await expectRevert(ledger, f(id, ethers.ZeroAddress, d, good.serialized), "ZeroAddress");
      expect([await signerOf(id), await nonceOf(id)]).to.deep.equal([k1.address, 0n]);
      await (await f(id, k2.address, d, good.serialized)).wait();
      expect(await signerOf(id)).to.equal(k2.address);
    });

    it("recovery: only the registrar proposes; too early reverts; executes after the delay with SignerRotated then RecoveryExecuted", async () => {
      const k1 = ethers.Wallet.createRandom();
      const id = "recover-me";
      await (await ledger.getFunction("registerDepartment")(id, k1.address)).wait();
      await expectRevert(ledger, relay().getFunction("proposeRecovery")(id, other.address), "AccessControlUnauthorizedAccount");
      await expectRevert(ledger, ledger.getFunction("executeRecovery")(id), "NoPendingRecovery", [id]);
      const rc = await (await ledger.getFunction("proposeRecovery")(id, anchorer.address)).wait();
      const block = await ethers.provider.getBlock(rc.blockNumber);
      const at = block!.timestamp + RECOVERY_DELAY;
      const ev = ledger.interface.parseLog(rc.logs[0])!;
      expect([ev.name, ...ev.args].map((x) => (typeof x === "bigint" ? Number(x) : x))).to.deep.equal(["RecoveryProposed", ethers.id(id), id, anchorer.address, at, admin.address]);
      expect([...(await ledger.getFunction("pendingRecovery")(id))].map(String)).to.deep.equal([anchorer.address, String(at)]);
      expect(await signerOf(id)).to.equal(k1.address);
      await expectRevert(ledger, ledger.getFunction("proposeRecovery")(id, other.address), "RecoveryAlreadyPending", [id, anchorer.address, at]);
      await expectRevert(ledger, relay().getFunction("executeRecovery")(id), "RecoveryNotYetExecutable");
      await ethers.provider.send("evm_increaseTime", [RECOVERY_DELAY]);
      await ethers.provider.send("evm_mine", []);
      const ex = await (await relay().getFunction("executeRecovery")(id)).wait();
      expect(names(ex)).to.deep.equal(["SignerRotated", "RecoveryExecuted"]);
      expect(ex.logs[1].index).to.equal(ex.logs[0].index + 1);
      expect([...ledger.interface.parseLog(ex.logs[1])!.args]).to.deep.equal([ethers.id(id), id, k1.address, anchorer.address]);
      expect(await signerOf(id)).to.equal(anchorer.address);
      expect([...(await ledger.getFunction("pendingRecovery")(id))].map(String)).to.deep.equal([ethers.ZeroAddress, "0"]);
      expect(await nonceOf(id)).to.equal(0n);
    });

    it("cancellation by the signer (direct and by authorization); a self-rotation and a revocation cancel too", async () => {
      const k1 = ethers.Wallet.createRandom().connect(ethers.provider);
      await (await admin.sendTransaction({ to: k1.address, value: ethers.parseEther("1") })).wait();
      const id = "cancel-me";
      await (await ledger.getFunction("registerDepartment")(id, k1.address)).wait();
      await (await ledger.getFunction("proposeRecovery")(id, other.address)).wait();
      await expectRevert(ledger, relay().getFunction("cancelRecovery")(id), "NotDepartmentSigner", [id, other.address]);
      const c1 = await (await ledger.connect(k1).getFunction("cancelRecovery")(id)).wait();
      expect(names(c1)).to.deep.equal(["RecoveryCancelled"]);
      await ethers.provider.send("evm_increaseTime", [RECOVERY_DELAY]);
      await ethers.provider.send("evm_mine", []);
      await expectRevert(ledger, relay().getFunction("executeRecovery")(id), "NoPendingRecovery", [id]);

      await (await ledger.getFunction("proposeRecovery")(id, other.address)).wait();
      const d = await later();
      const sig = await cancellation(k1, id, 0n, d);
      await expectRevert(ledger, relay().getFunction("cancelRecoveryWithAuthorization")(id, d, await cancellation(other as any, id, 0n, d)), "AuthorizationSignerMismatch");
      const c2 = await (await relay().getFunction("cancelRecoveryWithAuthorization")(id, d, sig)).wait();
      expect(names(c2)).to.deep.equal(["RecoveryCancelled"]);
      expect(await nonceOf(id)).to.equal(1n);
      await (await ledger.getFunction("proposeRecovery")(id, other.address)).wait();
      await expectRevert(ledger, relay().getFunction("cancelRecoveryWithAuthorization")(id, d, sig), "AuthorizationSignerMismatch");

      const k2 = ethers.Wallet.createRandom();
      const rot = await (await relay().getFunction("rotateSignerWithAuthorization")(id, k2.address, d, await rotation(k1, id, k2.address, 1n, d))).wait();
      expect(names(rot)).to.deep.equal(["RecoveryCancelled", "SignerRotated"]);
      await (await ledger.getFunction("proposeRecovery")(id, other.address)).wait();
      const rv = await (await ledger.getFunction("revokeDepartment")(id)).wait();
      expect(names(rv)).to.deep.equal(["RecoveryCancelled", "DepartmentRevoked"]);
      await expectRevert(ledger, ledger.getFunction("proposeRecovery")(id, other.address), "DepartmentIsRevoked", [id]);
    });
  });

  describe("administration (AccessControlDefaultAdminRules)", () => {
    it("refuses a zero recovery delay", async () => {
      const f = await ethers.getContractFactory("ExchangeLedger");
      await expectRevert(ledger, f.deploy(ADMIN_DELAY, admin.address, 0) as Promise<unknown>, "InvalidRecoveryDelay", [0]);
    });
    it("hands DEFAULT_ADMIN_ROLE over in two steps, after the delay; it cannot be granted directly", async () => {
      const c = (await ethers.deployContract("ExchangeLedger", [ADMIN_DELAY, admin.address, RECOVERY_DELAY])) as unknown as Contract;
      const ADMIN = await c.getFunction("DEFAULT_ADMIN_ROLE")();
      await expectRevert(c, c.getFunction("grantRole")(ADMIN, other.address), "AccessControlEnforcedDefaultAdminRules");
      await expectRevert(c, c.connect(other).getFunction("beginDefaultAdminTransfer")(other.address), "AccessControlUnauthorizedAccount");
      await (await c.getFunction("beginDefaultAdminTransfer")(other.address)).wait();
      await expectRevert(c, c.connect(other).getFunction("acceptDefaultAdminTransfer")(), "AccessControlEnforcedDefaultAdminDelay");
      expect(await c.getFunction("defaultAdmin")()).to.equal(admin.address);
      await ethers.provider.send("evm_increaseTime", [ADMIN_DELAY + 1]);
      await ethers.provider.send("evm_mine", []);
      await expectRevert(c, c.connect(anchorer).getFunction("acceptDefaultAdminTransfer")(), "AccessControlInvalidDefaultAdmin");
      await (await c.connect(other).getFunction("acceptDefaultAdminTransfer")()).wait();
      expect(await c.getFunction("defaultAdmin")()).to.equal(other.address);
      expect(await c.getFunction("hasRole")(ADMIN, admin.address)).to.equal(false);
      await expectRevert(c, c.getFunction("bindLog")(logId, admin.address), "AccessControlUnauthorizedAccount");
      await (await c.connect(other).getFunction("bindLog")(logId, admin.address)).wait();
    });
  });
});
