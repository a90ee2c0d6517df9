/**
 * Issue 13: the chain adapter calls the ledger through its `as const` ABI
 * (src/adapters/chain/typed-contract.ts). The first half is checked by tsc
 * (`npm run typecheck`): a misspelt function or event, a write called as a
 * read, a wrong or missing argument are compile errors (`@ts-expect-error`
 * fails the typecheck when the line it covers compiles), and results carry
 * the outputs' types. The second half runs typed calls against a real EVM.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { FunctionArgs, FunctionResult } from "../../src/adapters/chain/abi-types.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { sendLedgerTx, type AdminSigner } from "../../src/adapters/chain/deploy.ts";
import { LEDGER_ABI, ledgerContract, type LedgerAbi, type LedgerContract } from "../../src/adapters/chain/ledger-contract.ts";
import { deployData } from "../../src/adapters/chain/typed-contract.ts";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { toHex } from "../../src/core/hex.ts";
import { logIdOf } from "../../src/config.ts";

// ───────────── compile time ─────────────

/** True when X and Y are the same type (not merely assignable both ways: `any` equals only `any`). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the deferred conditional types of two generic signatures are what compares X and Y exactly; T cannot appear more often
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** Compiles only when T is `true`. */
type Holds<T extends true> = T;

type _Checked = [
  // Results from the ABI's outputs: uint → bigint, bytes32/address/string → string, bool → boolean;
  // several outputs → by position and by name.
  Holds<Equal<FunctionResult<LedgerAbi, "checkpointCount">, bigint>>,
  Holds<Equal<FunctionResult<LedgerAbi, "hasRole">, boolean>>,
  Holds<Equal<FunctionResult<LedgerAbi, "anchorerOf">, string>>,
  Holds<Equal<FunctionResult<LedgerAbi, "anchor">, void>>,
  Holds<Equal<FunctionResult<LedgerAbi, "checkpointAt">["treeSize"], bigint>>,
  Holds<Equal<FunctionResult<LedgerAbi, "checkpointAt">[1], string>>,
  Holds<Equal<FunctionResult<LedgerAbi, "departmentSigner">["active"], boolean>>,
  // Arguments from its inputs: uint accepts bigint or a (safe-integer) number, bytes32[] an array of hex strings.
  Holds<Equal<FunctionArgs<LedgerAbi, "anchor">, readonly [string, bigint | number, string, readonly string[]]>>,
  Holds<Equal<FunctionArgs<LedgerAbi, "logCount">, readonly []>>,
];

/** Never called: its body is what tsc checks. */
function _misuses(c: LedgerContract, s: AdminSigner, logId: string): void {
  // @ts-expect-error a misspelt function
  void c.read("checkpointCont", logId);
  // @ts-expect-error a transaction's function called as a read
  void c.read("anchor", logId, 1, logId, []);
  // @ts-expect-error a string where the ABI has uint64
  void c.read("checkpointAt", logId, "1");
  // @ts-expect-error an argument missing
  void c.read("checkpointAt", logId);
  // @ts-expect-error an argument too many
  void c.read("logCount", 1);
  // @ts-expect-error a proof that is not an array of bytes32
  c.encode("anchor", [logId, 1, logId, logId]);
  // @ts-expect-error a misspelt function to send
  void sendLedgerTx(s, c.address, "registerDepartmnet", ["tax", logId]);
  // @ts-expect-error a boolean where the ABI has an address
  void sendLedgerTx(s, c.address, "registerDepartment", ["tax", true]);
  // @ts-expect-error a misspelt event
  c.topic("CheckpointAnchord");
  // @ts-expect-error the ledger has no such function (a result of an unknown name)
  type _NoSuchFunction = FunctionResult<LedgerAbi, "rotateSigner">;
  const ev = c.decodeLog({ topics: [], data: "0x" });
  if (ev?.name === "CheckpointAnchored") {
    const _index: bigint = ev.args.index;
    // @ts-expect-error CheckpointAnchored has no `signer`
    const _signer: unknown = ev.args.signer;
  }
  void c.read("checkpointAt", logId, 1).then((r) => {
    // @ts-expect-error treeSize is a bigint, not a number
    const _n: number = r.treeSize;
  });
}

// ───────────── run time ─────────────

const { ethers } = await network.create();

describe("typed calls of the ledger (src/adapters/chain/typed-contract.ts)", () => {
  const logId = logIdOf("typed");
  const leaf = toHex(hashLeaf(Buffer.from("typed-0")));

  it("deploy, send, read and decode through the ABI-typed layer on a real EVM", async () => {
    const [admin] = await ethers.getSigners();
    const deployed = await (await admin!.sendTransaction({ data: deployData(LEDGER_ABI, ledgerArtifact().bytecode, 0, admin!.address, 60) })).wait();
    const ledger = ledgerContract(deployed!.contractAddress!, admin!);
    expect(await ledger.read("recoveryDelay")).to.equal(60n);

    await (await admin!.sendTransaction({ to: ledger.address, data: ledger.encode("bindLog", [logId, admin!.address]) })).wait();
    expect(await ledger.read("anchorerOf", logId)).to.equal(admin!.address);
    expect(await ledger.getFunction("logCount")()).to.equal(1n);

    const rc = await (await admin!.sendTransaction({ to: ledger.address, data: ledger.encode("anchor", [logId, 1, leaf, []]) })).wait();
    const events = rc!.logs.map((l) => ledger.decodeLog(l));
    expect(events.map((e) => e?.name)).to.deep.equal(["CheckpointAnchored"]);
    const ev = events[0]!;
    expect(ev.name).to.equal("CheckpointAnchored");
    expect(ev.name === "CheckpointAnchored" && [ev.args.logId, ev.args.index, ev.args.treeSize, ev.args.rootHash]).to.deep.equal([logId, 0n, 1n, leaf]);
    expect(rc!.logs[0]!.topics[0]).to.equal(ledger.topic("CheckpointAnchored"));

    const cp = await ledger.read("checkpointAt", logId, 0);
    expect([cp.treeSize, cp.rootHash, cp.blockNumber]).to.deep.equal([1n, leaf, BigInt(rc!.blockNumber)]);
    expect([cp[0], cp[1]]).to.deep.equal([cp.treeSize, cp.rootHash]);
    expect(await ledger.read("verifyInclusionProof", 0, 1, leaf, leaf, [])).to.equal(true);
  });

  it("a revert reaches the caller with the ledger's custom error, decodable by the same ABI", async () => {
    const [admin, other] = await ethers.getSigners();
    const deployed = await (await admin!.sendTransaction({ data: deployData(LEDGER_ABI, ledgerArtifact().bytecode, 0, admin!.address, 60) })).wait();
    const asOther = ledgerContract(deployed!.contractAddress!, other!);
    const refused = await asOther.estimateGas("anchor", logId, 1, leaf, []).then(
      () => undefined,
      (e: unknown) => e as { data?: string },
    );
    expect(asOther.interface.parseError(refused!.data!)?.name).to.equal("UnauthorizedAnchorer");
  });
});
