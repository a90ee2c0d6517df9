/**
 * Offline evidence (`?proof=state`) on two independent EVMs (Anvil, Hardhat's
 * node): the service answers with the checkpoint's storage slots proven under
 * a confirmed block's state root; the receipt verifies online (the RPC's
 * canonical block hash) and, with the node STOPPED, offline under a block hash
 * the auditor trusts; every tampering fails with its code, never a throw.
 */
import { expect } from "chai";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keccak256, toQuantity } from "ethers";
import { checkpointSlots, verifyReceipt, type Verdict } from "@dxledger/verify";
import { Api, dept, signExchange, tempDir, unsigned } from "../helpers/service.ts";
import { runCli } from "../helpers/evm.ts";
import { encodeHeader } from "../../src/adapters/chain/state-proof.ts";
import { isLedgerError, type LedgerError } from "../../src/core/errors.ts";
import { TEST_ADMIN_TOKEN, deployLedger, evmNode, serviceOn, type Node } from "../helpers/external-chain.ts";

type Json = any; // receipts are JSON, tampered field by field below

const codes = (v: Verdict) => v.checks.map((c) => [c.step, c.code]);
const failed = (v: Verdict) => v.checks.filter((c) => !c.ok && c.code !== "NOT_CHECKED").map((c) => [c.step, c.code]);
const clone = (x: Json): Json => structuredClone(x);

/** Flips the byte at `i` of a 0x-hex string. */
function flip(hex: string, i: number): string {
  const b = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16) ^ 0x01;
  return `${hex.slice(0, 2 + 2 * i)}${b.toString(16).padStart(2, "0")}${hex.slice(4 + 2 * i)}`;
}

for (const kind of ["anvil", "hardhat"] as const) {
  describe(`e2e: offline evidence (?proof=state) on ${kind === "anvil" ? "Anvil" : "Hardhat's node"}`, function () {
    this.timeout(180_000);
    let node: Node | undefined;
    const dir = tempDir();
    let ledger = "";
    let logId = "";
    let receipts: Json[] = [];
    let trusted = "";
    const pins = () => ({ chainId: 31337, contract: ledger, logId });

    before(async () => {
      node = await evmNode(kind);
      ledger = await deployLedger(node.rpcUrl);
      const svc = await serviceOn(join(dir, "data"), node.rpcUrl, ledger);
      try {
        const api = new Api(svc.url, TEST_ADMIN_TOKEN);
        logId = (await api.get("/v1/info")).body.logId;
        const tax = dept("tax");
        for (const x of [tax, dept("health")])
          expect((await api.post("/v1/departments", { id: x.id, name: x.id, signer: x.wallet.address })).status).to.equal(201);
        const domain = (await api.get("/v1/info")).body.eip712.domain;
        const ids: string[] = [];
        for (let round = 0; round < 2; round++) {
          const records = await Promise.all(Array.from({ length: 3 }, () => signExchange(tax.wallet, domain, unsigned("tax", "health"))));
          ids.push(...records.map((r) => r.id));
          expect((await api.post("/v1/exchanges/batch", { records })).status).to.equal(201);
          expect((await api.post("/v1/anchor")).status).to.equal(200);
        }
        const bySeq = await api.get("/v1/entries/1/receipt?proof=state");
        expect(bySeq.status, JSON.stringify(bySeq.body)).to.equal(200);
        const byId = await api.get(`/v1/exchanges/tax/${ids[4]}/receipt?proof=state`);
        expect(byId.status, JSON.stringify(byId.body)).to.equal(200);
        receipts = [bySeq.body, byId.body];

        // Without ?proof: the receipt of today, no stateProof.
        const plain = await api.get("/v1/entries/1/receipt");
        expect(plain.body).to.not.have.property("stateProof");
        // Only "state", only once, nothing else.
        for (const q of ["proof=bogus", "proof=state&proof=state", "proof=", "prof=state"]) {
          const bad = await api.get(`/v1/entries/1/receipt?${q}`);
          expect(bad.status, q).to.equal(400);
          expect(bad.body.error.code, q).to.equal("VALIDATION_FAILED");
          expect(bad.body.error.details[0].in, q).to.equal("query");
        }
        expect((await api.get(`/v1/exchanges/tax/${ids[0]}/receipt?proof=bogus`)).status).to.equal(400);
        // Not anchored yet: as today.
        const [late] = await Promise.all([signExchange(tax.wallet, domain, unsigned("tax", "health"))]);
        expect((await api.post("/v1/exchanges", late)).status).to.equal(201);
        const pending = await api.get(`/v1/exchanges/tax/${late.id}/receipt?proof=state`);
        expect(pending.status).to.equal(409);
        expect(pending.body.error.code).to.equal("NOT_YET_ANCHORED");
      } finally {
        await svc.stop();
      }
      const sp = receipts[0].stateProof;
      trusted = (await node.rpc<{ hash: string }>("eth_getBlockByNumber", [toQuantity(sp.block.number), false])).hash;
    });

    after(async () => {
      await node?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("the proof is of the checkpoint's slots at a confirmed block at or after the checkpoint's", () => {
      for (const r of receipts) {
        const sp = r.stateProof;
        const slots = checkpointSlots(r.checkpoint.logId, r.checkpoint.index);
        expect(sp.storage.map((s: Json) => s.slot)).to.deep.equal([slots.length, slots.packed, slots.rootHash]);
        expect(sp.storage[2].value).to.equal(r.checkpoint.rootHash);
        expect(sp.account.address).to.equal(ledger.toLowerCase());
        expect(sp.block.number).to.be.at.least(r.checkpoint.blockNumber);
        expect(sp.block.header).to.match(/^0x[0-9a-f]+$/);
      }
      expect(receipts[0].stateProof.block.hash).to.equal(trusted);
    });

    it("verifies online: the RPC's canonical hash at the proof's block", async () => {
      for (const r of receipts) {
        const v = await verifyReceipt(r, { rpcUrl: node!.rpcUrl, pins: pins() });
        expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
        expect(v.scope).to.equal("chain");
        expect(v.checks.map((c) => c.step)).to.deep.equal(["leaf-hash", "inclusion", "checkpoint", "signature", "consistency", "state-proof"]);
        expect(v.checks.at(-1)!.message).to.match(/trusted: the RPC's canonical block \d+/);
      }
      const given = await verifyReceipt(receipts[0], { rpcUrl: node!.rpcUrl, pins: pins(), trustedBlockHash: trusted });
      expect(given.valid).to.equal(true);
      expect(given.checks.at(-1)!.message).to.match(/trusted: the block hash you gave/);
      const wrong = await verifyReceipt(receipts[0], { rpcUrl: node!.rpcUrl, pins: pins(), trustedBlockHash: `0x${"ab".repeat(32)}` });
      expect(failed(wrong)).to.deep.equal([["state-proof", "BLOCK_NOT_TRUSTED"]]);
    });

    it("the service answers no proof it cannot check: a header it cannot encode is 501 STATE_PROOF_UNAVAILABLE", async () => {
      const block = await node!.rpc<Record<string, unknown>>("eth_getBlockByNumber", ["latest", false]);
      expect(keccak256(encodeHeader(block))).to.equal(block.hash);
      const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
        [
          "a field the service does not know (a future fork)",
          { ...block, requestsHash: undefined, parentBeaconBlockRoot: undefined, hash: block.hash },
          /hashes to 0x[0-9a-f]{64}, not to the block's hash .*header format is not one the service knows/,
        ],
        [
          "a later fork's field without an earlier one's",
          { ...block, withdrawalsRoot: undefined },
          /has requestsHash but not withdrawalsRoot: an unknown header layout/,
        ],
        ["no state root", { ...block, stateRoot: undefined }, /has no stateRoot/],
      ];
      for (const [what, b, message] of refusals) {
        try {
          encodeHeader(b);
          expect.fail(`encoded ${what}`);
        } catch (e) {
          expect(isLedgerError(e, "STATE_PROOF_UNAVAILABLE"), what).to.equal(true);
          expect((e as Error).message, what).to.match(message);
          expect((e as LedgerError).status).to.equal(501);
        }
      }
    });

    it("with the node stopped: valid offline under the trusted block hash, NOT_CHECKED what needs the chain", async () => {
      await node!.stop();
      for (const r of receipts) {
        const v = await verifyReceipt(r, { trustedBlockHash: trusted, pins: pins() });
        expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
        expect(v.scope).to.equal("offline");
        expect(codes(v)).to.deep.equal([
          ["leaf-hash", "OK"],
          ["inclusion", "OK"],
          ["checkpoint", "OK"],
          ["signature", "NOT_CHECKED"],
          ["consistency", "NOT_CHECKED"],
          ["state-proof", "OK"],
        ]);
        for (const c of v.checks.slice(2, 5)) expect(c.message).to.match(/^offline:/);
      }
      const file = join(dir, "receipt.json");
      writeFileSync(file, JSON.stringify(receipts[0]));
      // RPC_URL names the dead node: --offline must not read it.
      const cli = await runCli(["verify", file, "--offline", "--block-hash", trusted, "--contract", ledger, "--log-id", logId, "--chain-id", "31337"], {
        RPC_URL: node!.rpcUrl,
      });
      expect(cli.status, cli.stdout + cli.stderr).to.equal(0);
      expect(cli.stdout).to.match(/receipt is VALID offline/);
      expect(cli.stdout).to.match(/skip signature \[NOT_CHECKED\]: offline:/);
      const json = await runCli(["verify", file, "--offline", "--block-hash", trusted, "--json"], {});
      expect(json.status, json.stderr).to.equal(0);
      expect(JSON.parse(json.stdout)).to.include({ valid: true, scope: "offline" });
      const wrong = await runCli(["verify", file, "--offline", "--block-hash", `0x${"00".repeat(32)}`], {});
      expect(wrong.status, wrong.stdout + wrong.stderr).to.equal(1);
      expect(wrong.stdout).to.match(/BLOCK_NOT_TRUSTED/);
      // Usage: --offline needs --block-hash; no RPC and no --offline is the usage error of today.
      expect((await runCli(["verify", file, "--offline"], {})).status).to.equal(2);
      expect((await runCli(["verify", file, "--offline", "--block-hash", "0x12"], {})).status).to.equal(2);
      expect((await runCli(["verify", file, "--offline", "--block-hash", trusted, "--rpc", node!.rpcUrl], {})).status).to.equal(2);
      expect((await runCli(["verify", file], {})).status).to.equal(2);
      // A receipt without offline evidence cannot be checked offline: exit 2, not INVALID.
      const { stateProof: _, ...bare } = receipts[0];
      writeFileSync(file, JSON.stringify(bare));
      const noProof = await runCli(["verify", file, "--offline", "--block-hash", trusted], {});
      expect(noProof.status, noProof.stdout + noProof.stderr).to.equal(2);
      expect(noProof.stderr).to.match(/NO_STATE_PROOF/);
    });

    const tamperings: Array<[string, (r: Json) => void, Array<[string, string]>]> = [
      [
        "a byte of the header (its hash no longer matches)",
        (r) => (r.stateProof.block.header = flip(r.stateProof.block.header, 100)),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "a forged header, re-hashed (its hash is not the trusted one)",
        (r) => {
          r.stateProof.block.header = flip(r.stateProof.block.header, 100);
          r.stateProof.block.hash = keccak256(r.stateProof.block.header);
        },
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "a node of the account proof",
        (r) => (r.stateProof.account.proof[0] = flip(r.stateProof.account.proof[0], 40)),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "the last node of a storage proof",
        (r) => {
          const p = r.stateProof.storage[2].proof;
          p[p.length - 1] = flip(p[p.length - 1], p[p.length - 1].length / 2 - 3);
        },
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "a storage value",
        (r) => (r.stateProof.storage[0].value = `0x${"00".repeat(31)}09`),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "a storage proof dropped",
        (r) => r.stateProof.storage.pop(),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      ["the checkpoint's root", (r) => (r.checkpoint.rootHash = `0x${"11".repeat(32)}`), [["inclusion", "INCLUSION_PROOF_INVALID"]]],
      [
        "the checkpoint's block",
        (r) => (r.checkpoint.blockNumber += 1),
        [
          ["checkpoint", "CHECKPOINT_MISMATCH"],
          ["state-proof", "CHECKPOINT_MISMATCH"],
        ],
      ],
      [
        "the checkpoint's index",
        (r) => (r.checkpoint.index += 1),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "the block number",
        (r) => (r.stateProof.block.number -= 1),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
      [
        "the stateProof's shape",
        (r) => (r.stateProof.account = "0x00"),
        [
          ["checkpoint", "STATE_PROOF_INVALID"],
          ["state-proof", "STATE_PROOF_INVALID"],
        ],
      ],
    ];
    for (const [what, tamper, want] of tamperings) {
      it(`offline, tampering ${what} fails with its code`, async () => {
        const r = clone(receipts[0]);
        tamper(r);
        const v = await verifyReceipt(r, { trustedBlockHash: trusted, pins: pins() });
        expect(v.valid).to.equal(false);
        expect(failed(v)).to.deep.equal(want);
      });
    }

    it("offline, a wrong trusted hash, a wrong pinned contract, no trusted hash at all", async () => {
      const wrong = await verifyReceipt(receipts[0], { trustedBlockHash: `0x${"ab".repeat(32)}`, pins: pins() });
      expect(failed(wrong)).to.deep.equal([
        ["checkpoint", "BLOCK_NOT_TRUSTED"],
        ["state-proof", "BLOCK_NOT_TRUSTED"],
      ]);
      const other = await verifyReceipt(receipts[0], { trustedBlockHash: trusted, pins: { ...pins(), contract: `0x${"12".repeat(20)}` } });
      expect(failed(other)).to.deep.equal([["checkpoint", "PIN_MISMATCH"]]);
      const none = await verifyReceipt(receipts[0], { pins: pins() });
      expect(none.scope).to.equal("offline");
      expect(failed(none)).to.deep.equal([
        ["checkpoint", "BLOCK_NOT_TRUSTED"],
        ["state-proof", "BLOCK_NOT_TRUSTED"],
      ]);
    });
  });
}
