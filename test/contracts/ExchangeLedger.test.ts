import { expect } from "chai";
import { network } from "hardhat";
import { createHash } from "node:crypto";
import { LEDGER_ABI, type LedgerAbi } from "../../src/adapters/chain/ledger-contract.ts";
import { ethersContract, type EthersContract } from "../../src/adapters/chain/typed-contract.ts";
import { Frontier } from "../../src/core/merkle/frontier.ts";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { toHex } from "../../src/core/hex.ts";
import { refConsistency, refPath, refRoot } from "../helpers/reference-tree.ts";
import { consistencyVectors, inclusionVectors } from "../helpers/vectors.ts";
import { logIdOf } from "../../src/config.ts";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);

const is32 = (b: Uint8Array) => b.length === 32;
const ADMIN_DELAY = 3600;
const RECOVERY_DELAY = 600;
const REGISTRAR = ethers.id("REGISTRAR_ROLE");
const logId = logIdOf("test");
const leaves = Array.from({ length: 100 }, (_, i) => hashLeaf(createHash("sha256").update(`e${i}`).digest()));
const root = (n: number) => toHex(refRoot(leaves.slice(0, n)));
const cproof = (m: number, n: number) => refConsistency(m, leaves.slice(0, n)).map(toHex);
/** A department key derived from `label`: the same in every run. */
const key = (label: string) => new ethers.Wallet(ethers.id(`dxledger contract test key: ${label}`));

/** A ledger (admin delay an hour, recovery ten minutes) whose log `logId` is bound to `anchorer`. */
async function deployLedger() {
  const [admin, anchorer, other] = await ethers.getSigners();
  const ledger = ethersContract(LEDGER_ABI, await ethers.deployContract("ExchangeLedger", [ADMIN_DELAY, admin!.address, RECOVERY_DELAY]));
  await (await ledger.bindLog(logId, anchorer!.address)).wait();
  return { ledger, admin: admin!, anchorer: anchorer!, other: other! };
}

/** deployLedger, and `logId`'s first checkpoint: the first 5 leaves. */
async function anchoredLedger() {
  const f = await deployLedger();
  await (await f.ledger.connect(f.anchorer).anchor(logId, 5, root(5), [])).wait();
  return f;
}

describe("contracts/ExchangeLedger", () => {
  describe("pure verifiers pass every RFC 9162 vector", () => {
    const inc = inclusionVectors();
    const con = consistencyVectors();
    // The contract takes bytes32 and uint64: vectors with other-length hashes or sizes beyond
    // uint64 cannot even be encoded as a call, so they are skipped and counted.
    const incOk = inc.filter((v) => is32(v.root) && is32(v.leafHash) && v.proof.every(is32) && v.leafIdx < 2n ** 64n && v.treeSize < 2n ** 64n);
    const conOk = con.filter((v) => is32(v.root1) && is32(v.root2) && v.proof.every(is32));
    it(`runs ${incOk.length}/${inc.length} inclusion and ${conOk.length}/${con.length} consistency vectors (skipped: non-32-byte hashes or sizes beyond uint64)`, async () => {
      const { ledger } = await loadFixture(deployLedger);
      expect(incOk.length).to.be.greaterThan(60);
      expect(conOk.length).to.be.greaterThan(60);
      for (const v of incOk) {
        const got = await ledger.verifyInclusionProof(v.leafIdx, v.treeSize, toHex(v.leafHash), toHex(v.root), v.proof.map(toHex));
        expect(got, `inclusion ${v.name}`).to.equal(!v.wantErr);
      }
      for (const v of conOk) {
        const got = await ledger.verifyConsistency(v.size1, v.size2, toHex(v.root1), toHex(v.root2), v.proof.map(toHex));
        expect(got, `consistency ${v.name}`).to.equal(!v.wantErr);
      }
    });
    it("agrees with the off-chain tree on proofs of many sizes", async () => {
      const { ledger } = await loadFixture(deployLedger);
      for (const n of [1, 2, 3, 7, 8, 9, 31, 64, 100]) {
        for (const m of [0, Math.floor(n / 2), n - 1]) {
          const proof = refPath(m, leaves.slice(0, n)).map(toHex);
          expect(await ledger.verifyInclusionProof(m, n, toHex(leaves[m]!), root(n), proof)).to.equal(true);
          expect(await ledger.verifyInclusionProof(m, n, toHex(leaves[(m + 1) % 100]!), root(n), proof)).to.equal(false);
        }
        for (const m of [1, Math.max(1, n >> 1), n]) {
          expect(await ledger.verifyConsistency(m, n, root(m), root(n), cproof(m, n)), `${m}→${n}`).to.equal(true);
        }
      }
    });
  });

  describe("anchor", () => {
    it("refuses an account not bound to the log", async () => {
      const { ledger, admin, other } = await loadFixture(deployLedger);
      await expect(ledger.connect(other).anchor(logId, 5, root(5), []))
        .to.be.revertedWithCustomError(ledger, "UnauthorizedAnchorer")
        .withArgs(logId, other.address);
      await expect(ledger.connect(admin).anchor(logId, 5, root(5), []))
        .to.be.revertedWithCustomError(ledger, "UnauthorizedAnchorer")
        .withArgs(logId, admin.address);
    });
    it("refuses an empty first checkpoint", async () => {
      const { ledger, anchorer } = await loadFixture(deployLedger);
      await expect(ledger.connect(anchorer).anchor(logId, 0, root(0), []))
        .to.be.revertedWithCustomError(ledger, "TreeSizeNotIncreasing")
        .withArgs(logId, 0, 0);
    });
    it("anchors, then only consistent growth", async () => {
      const { ledger, anchorer } = await loadFixture(anchoredLedger);
      const a = ledger.connect(anchorer);
      expect(Number(await ledger.checkpointCount(logId))).to.equal(1);
      await expect(a.anchor(logId, 5, root(5), []))
        .to.be.revertedWithCustomError(ledger, "TreeSizeNotIncreasing")
        .withArgs(logId, 5, 5);
      await expect(a.anchor(logId, 4, root(4), []))
        .to.be.revertedWithCustomError(ledger, "TreeSizeNotIncreasing")
        .withArgs(logId, 5, 4);
      // A root for 50 leaves whose first 5 differ from the anchored ones: the chain refuses the rewrite.
      const forged = [...leaves.slice(0, 50)];
      forged[2] = hashLeaf(Buffer.from("forged"));
      const forgedRoot = toHex(refRoot(forged));
      await expect(a.anchor(logId, 50, forgedRoot, refConsistency(5, forged).map(toHex)))
        .to.be.revertedWithCustomError(ledger, "InconsistentCheckpoint")
        .withArgs(logId, 5, 50, forgedRoot);
      await expect(a.anchor(logId, 50, root(50), cproof(4, 50)))
        .to.be.revertedWithCustomError(ledger, "InconsistentCheckpoint")
        .withArgs(logId, 5, 50, root(50));
      await expect(a.anchor(logId, 50, root(50), []))
        .to.be.revertedWithCustomError(ledger, "InconsistentCheckpoint")
        .withArgs(logId, 5, 50, root(50));
      const tx = await a.anchor(logId, 50, root(50), cproof(5, 50));
      const rc = (await tx.wait())!;
      const ev = rc.logs.map((l: any) => ledger.interface.parseLog(l)).find((p: any) => p?.name === "CheckpointAnchored")!;
      expect([Number(ev.args[1]), Number(ev.args[2]), ev.args[3]]).to.deep.equal([1, 50, root(50)]);
      const cp = await ledger.checkpointAt(logId, 1);
      expect([Number(cp[0]), cp[1], Number(cp[3])]).to.deep.equal([50, root(50), rc.blockNumber]);
      const latest = await ledger.latestCheckpoint(logId);
      expect([Number(latest[0]), Number(latest[1]), latest[2]]).to.deep.equal([1, 50, root(50)]);
      const proof = refPath(17, leaves.slice(0, 50)).map(toHex);
      expect(await ledger.verifyInclusion(logId, 1, 17, toHex(leaves[17]!), proof)).to.equal(true);
      expect(await ledger.verifyInclusion(logId, 1, 18, toHex(leaves[17]!), proof)).to.equal(false);
      await expect(ledger.checkpointAt(logId, 2)).to.be.revertedWithCustomError(ledger, "UnknownCheckpoint").withArgs(logId, 2);
    });
    it("costs a bounded amount of gas with a realistic proof (10 000 → 20 000 leaves)", async () => {
      const { ledger, anchorer } = await loadFixture(deployLedger);
      const big = new Frontier();
      const nodes: Uint8Array[] = [];
      const roots = new Map<number, string>();
      for (let i = 0; i < 20_000; i++) {
        big.append(hashLeaf(Buffer.from(`g${i}`)));
        nodes.push(hashLeaf(Buffer.from(`g${i}`)));
        if (i + 1 === 10_000 || i + 1 === 20_000) roots.set(i + 1, toHex(big.root()));
      }
      const gasLog = logIdOf("gas");
      await (await ledger.bindLog(gasLog, anchorer.address)).wait();
      const a = ledger.connect(anchorer);
      const first = (await (await a.anchor(gasLog, 10_000, roots.get(10_000)!, [])).wait())!;
      const proof = refConsistency(10_000, nodes).map(toHex);
      const second = (await (await a.anchor(gasLog, 20_000, roots.get(20_000)!, proof)).wait())!;
      console.log(`      gas: first anchor ${first.gasUsed}, anchor with a ${proof.length}-hash consistency proof ${second.gasUsed}`);
      expect(Number(second.gasUsed)).to.be.lessThan(150_000);
    });
  });

  describe("department registry", () => {
    it("registers and revokes, with events and role checks; there is no immediate rotation", async () => {
      const { ledger, admin, other } = await loadFixture(deployLedger);
      const id = "tax-office";
      const idHash = ethers.id(id);
      await expect(ledger.connect(other).registerDepartment(id, other.address))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, REGISTRAR);
      const rc = (await (await ledger.registerDepartment(id, other.address)).wait())!;
      const ev = ledger.interface.parseLog(rc.logs[0]!);
      expect([ev!.name, ev!.args[0], ev!.args[1], ev!.args[2]]).to.deep.equal(["DepartmentRegistered", idHash, id, other.address]);
      expect([...(await ledger.departmentSigner(id))]).to.deep.equal([other.address, true]);
      await expect(ledger.registerDepartment(id, admin.address)).to.be.revertedWithCustomError(ledger, "DepartmentAlreadyRegistered").withArgs(id);
      expect(ledger.interface.getFunction("rotateSigner")).to.equal(null);
      await (await ledger.revokeDepartment(id)).wait();
      expect([...(await ledger.departmentSigner(id))]).to.deep.equal([other.address, false]);
      await expect(ledger.revokeDepartment(id)).to.be.revertedWithCustomError(ledger, "DepartmentIsRevoked").withArgs(id);
      await expect(ledger.revokeDepartment("nobody")).to.be.revertedWithCustomError(ledger, "UnknownDepartment").withArgs("nobody");
      await expect(ledger.registerDepartment("Bad Id", admin.address)).to.be.revertedWithCustomError(ledger, "InvalidDepartmentId").withArgs("Bad Id");
      await expect(ledger.registerDepartment("-x", admin.address)).to.be.revertedWithCustomError(ledger, "InvalidDepartmentId").withArgs("-x");
      await expect(ledger.registerDepartment("ok", ethers.ZeroAddress)).to.be.revertedWithCustomError(ledger, "ZeroAddress");
      expect([...(await ledger.departmentSigner("unknown"))]).to.deep.equal([ethers.ZeroAddress, false]);
    });
  });

  describe("department keys", () => {
    const ROTATION = {
      SignerRotation: [
        { name: "id", type: "string" },
        { name: "newSigner", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const CANCELLATION = {
      RecoveryCancellation: [
        { name: "id", type: "string" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    interface Domain {
      name: string;
      version: string;
      chainId: bigint;
      verifyingContract: string;
    }
    interface Signer {
      signTypedData: InstanceType<typeof ethers.Wallet>["signTypedData"];
    }
    const now = async () => BigInt(await time.latest());
    const later = async () => (await now()) + 3600n;
    const domainOf = async (ledger: EthersContract<LedgerAbi>): Promise<Domain> => ({
      name: "dxledger",
      version: "1",
      chainId: (await ethers.provider.getNetwork()).chainId,
      verifyingContract: await ledger.getAddress(),
    });
    const rotation = (k: Signer, dom: Domain, id: string, newSigner: string, nonce: bigint, deadline: bigint) =>
      k.signTypedData(dom, ROTATION, { id, newSigner, nonce, deadline });
    const cancellation = (k: Signer, dom: Domain, id: string, nonce: bigint, deadline: bigint) => k.signTypedData(dom, CANCELLATION, { id, nonce, deadline });
    /** The address the ledger recovers from `sig` for this rotation (a signature of anything else recovers to some other key). */
    const rotationRecovers = (dom: Domain, id: string, newSigner: string, nonce: bigint, deadline: bigint, sig: string) =>
      ethers.verifyTypedData(dom, ROTATION, { id, newSigner, nonce, deadline }, sig);
    const cancellationRecovers = (dom: Domain, id: string, nonce: bigint, deadline: bigint, sig: string) =>
      ethers.verifyTypedData(dom, CANCELLATION, { id, nonce, deadline }, sig);
    const names = (ledger: EthersContract<LedgerAbi>, rc: any) => rc.logs.map((l: any) => ledger.interface.parseLog(l)?.name);
    const nonceOf = async (ledger: EthersContract<LedgerAbi>, id: string) => await ledger.rotationNonce(id);
    const signerOf = async (ledger: EthersContract<LedgerAbi>, id: string) => (await ledger.departmentSigner(id))[0];

    it("uses the records' EIP-712 domain (computed per call) and keeps no immutables", async () => {
      const { ledger } = await loadFixture(deployLedger);
      expect(await ledger.domainSeparator()).to.equal(ethers.TypedDataEncoder.hashDomain(await domainOf(ledger)));
      const art = await import("../../artifacts/contracts/ExchangeLedger.sol/ExchangeLedger.json", { with: { type: "json" } });
      expect(art.default.immutableReferences).to.deep.equal({});
      expect(await ethers.provider.getCode(await ledger.getAddress())).to.equal(art.default.deployedBytecode);
      expect(Number(await ledger.recoveryDelay())).to.equal(RECOVERY_DELAY);
    });

    it('keeps its state at the ERC-7201 slots of "dxledger.ExchangeLedger" (anchorers +0, checkpoints +1)', async () => {
      const { ledger, anchorer } = await loadFixture(anchoredLedger);
      const base =
        BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [BigInt(ethers.id("dxledger.ExchangeLedger")) - 1n]))) & ~0xffn;
      const enc = ethers.AbiCoder.defaultAbiCoder();
      const addr = await ledger.getAddress();
      const at = (slot: bigint) => ethers.provider.getStorage(addr, slot);
      const anchorerSlot = BigInt(ethers.keccak256(enc.encode(["bytes32", "uint256"], [logId, base])));
      expect(BigInt(await at(anchorerSlot))).to.equal(BigInt(anchorer.address));
      const lenSlot = BigInt(ethers.keccak256(enc.encode(["bytes32", "uint256"], [logId, base + 1n])));
      const n = Number(await ledger.checkpointCount(logId));
      expect(n).to.equal(1);
      expect(BigInt(await at(lenSlot))).to.equal(BigInt(n));
      const first = BigInt(ethers.keccak256(ethers.toBeHex(lenSlot, 32)));
      const cp = await ledger.checkpointAt(logId, n - 1);
      const word0 = BigInt(await at(first + 2n * BigInt(n - 1)));
      expect(word0 & 0xffffffffffffffffn).to.equal(cp[0]); // treeSize
      expect((word0 >> 64n) & 0xffffffffffffffffn).to.equal(cp[2]); // anchoredAt
      expect((word0 >> 128n) & 0xffffffffffffffffn).to.equal(cp[3]); // blockNumber
      expect(await at(first + 2n * BigInt(n - 1) + 1n)).to.equal(cp[1]); // rootHash
    });

    it("self-rotation: the current key's authorization, relayed by anyone; nonce counts; old authorization refused", async () => {
      const { ledger, other } = await loadFixture(deployLedger);
      const dom = await domainOf(ledger);
      const relay = ledger.connect(other);
      const [k1, k2, k3] = [key("self-rot 1"), key("self-rot 2"), key("self-rot 3")];
      const id = "self-rot";
      await (await ledger.registerDepartment(id, k1.address)).wait();
      expect(await nonceOf(ledger, id)).to.equal(0n);
      const deadline = await later();
      const sig = await rotation(k1, dom, id, k2.address, 0n, deadline);
      const rc = (await (await relay.rotateSignerWithAuthorization(id, k2.address, deadline, sig)).wait())!;
      expect(names(ledger, rc)).to.deep.equal(["SignerRotated"]);
      const ev = ledger.interface.parseLog(rc.logs[0]!)!;
      expect([...ev.args]).to.deep.equal([ethers.id(id), id, k1.address, k2.address]);
      expect(await signerOf(ledger, id)).to.equal(k2.address);
      expect(await nonceOf(ledger, id)).to.equal(1n);
      // The same authorization again: its nonce is used, it no longer recovers to the signer.
      await expect(relay.rotateSignerWithAuthorization(id, k2.address, deadline, sig))
        .to.be.revertedWithCustomError(ledger, "SignerUnchanged")
        .withArgs(id, k2.address);
      const replay = await rotation(k1, dom, id, k3.address, 0n, deadline);
      await expect(relay.rotateSignerWithAuthorization(id, k3.address, deadline, replay))
        .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
        .withArgs(id, rotationRecovers(dom, id, k3.address, 1n, deadline, replay), k2.address, 1);
      const byNewKeyOldNonce = await rotation(k2, dom, id, k3.address, 0n, deadline);
      await expect(relay.rotateSignerWithAuthorization(id, k3.address, deadline, byNewKeyOldNonce))
        .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
        .withArgs(id, rotationRecovers(dom, id, k3.address, 1n, deadline, byNewKeyOldNonce), k2.address, 1);
      expect([await signerOf(ledger, id), await nonceOf(ledger, id)]).to.deep.equal([k2.address, 1n]);
    });

    it("refuses an expired, foreign (department, contract, chain), wrong-key, malformed or high-s authorization", async () => {
      const { ledger, other } = await loadFixture(deployLedger);
      const dom = await domainOf(ledger);
      const [k1, k2] = [key("refusals 1"), key("refusals 2")];
      const id = "refusals";
      await (await ledger.registerDepartment(id, k1.address)).wait();
      await (await ledger.registerDepartment("other-dept", k1.address)).wait();
      const f = ledger.connect(other).rotateSignerWithAuthorization;
      const past = (await now()) - 1n;
      await expect(f(id, k2.address, past, await rotation(k1, dom, id, k2.address, 0n, past)))
        .to.be.revertedWithCustomError(ledger, "AuthorizationExpired")
        .withArgs(id, past, (t: bigint) => t > past);
      const d = await later();
      /** An authorization of something else: the ledger recovers some other address from it and names it. */
      const refusedAsMismatch = async (sig: string) =>
        expect(f(id, k2.address, d, sig))
          .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
          .withArgs(id, rotationRecovers(dom, id, k2.address, 0n, d, sig), k1.address, 0);
      await refusedAsMismatch(await rotation(k1, dom, "other-dept", k2.address, 0n, d));
      await refusedAsMismatch(await rotation(k1, { ...dom, verifyingContract: other.address }, id, k2.address, 0n, d));
      await refusedAsMismatch(await rotation(k1, { ...dom, chainId: dom.chainId + 1n }, id, k2.address, 0n, d));
      await refusedAsMismatch(await rotation(k1, dom, id, k2.address, 1n, d));
      await refusedAsMismatch(await rotation(k1, dom, id, other.address, 0n, d));
      const wrong = key("refusals wrong");
      await expect(f(id, k2.address, d, await rotation(wrong, dom, id, k2.address, 0n, d)))
        .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
        .withArgs(id, wrong.address, k1.address, 0);
      const good = ethers.Signature.from(await rotation(k1, dom, id, k2.address, 0n, d));
      const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const highS = ethers.toBeHex(N - BigInt(good.s), 32);
      const highSig = ethers.concat([good.r, highS, good.v === 27 ? "0x1c" : "0x1b"]);
      // ECDSA.RecoverError: 2 = not 65 bytes (detail: the length), 3 = high s (detail: s).
      await expect(f(id, k2.address, d, highSig))
        .to.be.revertedWithCustomError(ledger, "InvalidAuthorizationSignature")
        .withArgs(id, 3, highS);
      await expect(f(id, k2.address, d, "0x1234"))
        .to.be.revertedWithCustomError(ledger, "InvalidAuthorizationSignature")
        .withArgs(id, 2, ethers.toBeHex(2, 32));
      await expect(f(id, ethers.ZeroAddress, d, good.serialized)).to.be.revertedWithCustomError(ledger, "ZeroAddress");
      expect([await signerOf(ledger, id), await nonceOf(ledger, id)]).to.deep.equal([k1.address, 0n]);
      await (await f(id, k2.address, d, good.serialized)).wait();
      expect(await signerOf(ledger, id)).to.equal(k2.address);
    });

    it("recovery: only the registrar proposes; too early reverts; executes after the delay with SignerRotated then RecoveryExecuted", async () => {
      const { ledger, admin, anchorer, other } = await loadFixture(deployLedger);
      const relay = ledger.connect(other);
      const k1 = key("recover-me 1");
      const id = "recover-me";
      await (await ledger.registerDepartment(id, k1.address)).wait();
      await expect(relay.proposeRecovery(id, other.address))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, REGISTRAR);
      await expect(ledger.executeRecovery(id)).to.be.revertedWithCustomError(ledger, "NoPendingRecovery").withArgs(id);
      const rc = (await (await ledger.proposeRecovery(id, anchorer.address)).wait())!;
      const block = await ethers.provider.getBlock(rc.blockNumber);
      const at = block!.timestamp + RECOVERY_DELAY;
      const ev = ledger.interface.parseLog(rc.logs[0]!)!;
      expect([ev.name, ...ev.args].map((x) => (typeof x === "bigint" ? Number(x) : x))).to.deep.equal([
        "RecoveryProposed",
        ethers.id(id),
        id,
        anchorer.address,
        at,
        admin.address,
      ]);
      expect([...(await ledger.pendingRecovery(id))].map(String)).to.deep.equal([anchorer.address, String(at)]);
      expect(await signerOf(ledger, id)).to.equal(k1.address);
      await expect(ledger.proposeRecovery(id, other.address))
        .to.be.revertedWithCustomError(ledger, "RecoveryAlreadyPending")
        .withArgs(id, anchorer.address, at);
      await expect(relay.executeRecovery(id))
        .to.be.revertedWithCustomError(ledger, "RecoveryNotYetExecutable")
        .withArgs(id, at, (t: bigint) => t < BigInt(at));
      await time.increase(RECOVERY_DELAY);
      const ex = (await (await relay.executeRecovery(id)).wait())!;
      expect(names(ledger, ex)).to.deep.equal(["SignerRotated", "RecoveryExecuted"]);
      expect(ex.logs[1]!.index).to.equal(ex.logs[0]!.index + 1);
      expect([...ledger.interface.parseLog(ex.logs[1]!)!.args]).to.deep.equal([ethers.id(id), id, k1.address, anchorer.address]);
      expect(await signerOf(ledger, id)).to.equal(anchorer.address);
      expect([...(await ledger.pendingRecovery(id))].map(String)).to.deep.equal([ethers.ZeroAddress, "0"]);
      expect(await nonceOf(ledger, id)).to.equal(0n);
    });

    it("cancellation by the signer (direct and by authorization); a self-rotation and a revocation cancel too", async () => {
      const { ledger, admin, other } = await loadFixture(deployLedger);
      const dom = await domainOf(ledger);
      const relay = ledger.connect(other);
      const k1 = key("cancel-me 1").connect(ethers.provider);
      await (await admin.sendTransaction({ to: k1.address, value: ethers.parseEther("1") })).wait();
      const id = "cancel-me";
      await (await ledger.registerDepartment(id, k1.address)).wait();
      await (await ledger.proposeRecovery(id, other.address)).wait();
      await expect(relay.cancelRecovery(id)).to.be.revertedWithCustomError(ledger, "NotDepartmentSigner").withArgs(id, other.address);
      const c1 = await (await ledger.connect(k1).cancelRecovery(id)).wait();
      expect(names(ledger, c1)).to.deep.equal(["RecoveryCancelled"]);
      await time.increase(RECOVERY_DELAY);
      await expect(relay.executeRecovery(id)).to.be.revertedWithCustomError(ledger, "NoPendingRecovery").withArgs(id);

      await (await ledger.proposeRecovery(id, other.address)).wait();
      const d = await later();
      const sig = await cancellation(k1, dom, id, 0n, d);
      await expect(relay.cancelRecoveryWithAuthorization(id, d, await cancellation(other, dom, id, 0n, d)))
        .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
        .withArgs(id, other.address, k1.address, 0);
      const c2 = await (await relay.cancelRecoveryWithAuthorization(id, d, sig)).wait();
      expect(names(ledger, c2)).to.deep.equal(["RecoveryCancelled"]);
      expect(await nonceOf(ledger, id)).to.equal(1n);
      await (await ledger.proposeRecovery(id, other.address)).wait();
      await expect(relay.cancelRecoveryWithAuthorization(id, d, sig))
        .to.be.revertedWithCustomError(ledger, "AuthorizationSignerMismatch")
        .withArgs(id, cancellationRecovers(dom, id, 1n, d, sig), k1.address, 1);

      const k2 = key("cancel-me 2");
      const rot = await (await relay.rotateSignerWithAuthorization(id, k2.address, d, await rotation(k1, dom, id, k2.address, 1n, d))).wait();
      expect(names(ledger, rot)).to.deep.equal(["RecoveryCancelled", "SignerRotated"]);
      await (await ledger.proposeRecovery(id, other.address)).wait();
      const rv = await (await ledger.revokeDepartment(id)).wait();
      expect(names(ledger, rv)).to.deep.equal(["RecoveryCancelled", "DepartmentRevoked"]);
      await expect(ledger.proposeRecovery(id, other.address)).to.be.revertedWithCustomError(ledger, "DepartmentIsRevoked").withArgs(id);
    });
  });

  describe("administration (AccessControlDefaultAdminRules)", () => {
    it("refuses a zero recovery delay", async () => {
      const [admin] = await ethers.getSigners();
      const f = await ethers.getContractFactory("ExchangeLedger");
      await expect(f.deploy(ADMIN_DELAY, admin!.address, 0))
        .to.be.revertedWithCustomError(f, "InvalidRecoveryDelay")
        .withArgs(0);
    });
    it("hands DEFAULT_ADMIN_ROLE over in two steps, after the delay; it cannot be granted directly", async () => {
      const { ledger: c, admin, anchorer, other } = await loadFixture(deployLedger);
      const ADMIN = await c.DEFAULT_ADMIN_ROLE();
      await expect(c.grantRole(ADMIN, other.address)).to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminRules");
      await expect(c.connect(other).beginDefaultAdminTransfer(other.address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, ADMIN);
      await (await c.beginDefaultAdminTransfer(other.address)).wait();
      const [, schedule] = await c.pendingDefaultAdmin();
      await expect(c.connect(other).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay").withArgs(schedule);
      expect(await c.defaultAdmin()).to.equal(admin.address);
      await time.increase(ADMIN_DELAY + 1);
      await expect(c.connect(anchorer).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
        .withArgs(anchorer.address);
      await (await c.connect(other).acceptDefaultAdminTransfer()).wait();
      expect(await c.defaultAdmin()).to.equal(other.address);
      expect(await c.hasRole(ADMIN, admin.address)).to.equal(false);
      await expect(c.bindLog(logId, admin.address)).to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount").withArgs(admin.address, ADMIN);
      await (await c.connect(other).bindLog(logId, admin.address)).wait();
      expect(await c.anchorerOf(logId)).to.equal(admin.address);
    });
  });
});
