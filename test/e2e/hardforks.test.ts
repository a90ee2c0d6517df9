/**
 * The contract on older EVMs (SPEC §8: berlin and every later fork): on a
 * standalone Anvil per fork, `dxledger deploy` (a real subprocess), two
 * anchors (so the second one's consistency proof is checked on chain), a
 * department registered, and `dxledger chain status` naming what the chain lacks.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { Wallet } from "ethers";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { toHex } from "../../src/core/hex.ts";
import { logIdOf, loadChainSettings } from "../../src/config.ts";
import { makeProvider } from "../../src/adapters/chain/rpc.ts";
import { ledgerAt, sendLedgerTx, type AdminSigner } from "../../src/adapters/chain/deploy.ts";
import { isChainError } from "../../src/core/chain-error.ts";
import { refConsistency, refRoot } from "../helpers/reference-tree.ts";
import { DEV_KEYS, rpc, runCli, startAnvilNode, type EvmNode } from "../helpers/evm.ts";
import { ifSet } from "../helpers/service.ts";

const leaves = Array.from({ length: 7 }, (_, i) => hashLeaf(createHash("sha256").update(`entry ${i}`).digest()));
const root = (n: number) => toHex(refRoot(leaves.slice(0, n)));
const proof = (m: number, n: number) => refConsistency(m, leaves.slice(0, n)).map(toHex);

const CASES: ReadonlyArray<{ fork: string | undefined; txType: string; lacks: string[]; txTypeOnChain: string }> = [
  { fork: "berlin", txType: "legacy", lacks: ["london", "shanghai", "cancun"], txTypeOnChain: "0x0" },
  { fork: "berlin", txType: "auto", lacks: ["london", "shanghai", "cancun"], txTypeOnChain: "0x0" },
  { fork: "london", txType: "auto", lacks: ["shanghai", "cancun"], txTypeOnChain: "0x2" },
  { fork: "shanghai", txType: "auto", lacks: ["cancun"], txTypeOnChain: "0x2" },
  { fork: undefined, txType: "auto", lacks: [], txTypeOnChain: "0x2" },
];

describe("hard forks: deploy, anchor twice, register on Anvil per fork", function () {
  this.timeout(90_000);

  for (const c of CASES) {
    describe(`${c.fork ?? "latest (default)"} with TX_TYPE=${c.txType}`, () => {
      let node: EvmNode;
      let address: string;
      const env = () => ({ DEPLOYER_PRIVATE_KEY: DEV_KEYS[0], TX_TYPE: c.txType });

      before(async () => {
        node = await startAnvilNode(c.fork ? ["--hardfork", c.fork] : []);
      });
      after(async () => {
        await ifSet(node)?.stop();
      });

      it("deploys with `dxledger deploy` and sends transactions of the fork's type", async () => {
        const r = await runCli(["deploy", "--rpc", node.rpcUrl, "--json"], env());
        expect(r.status, r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout);
        address = out.address;
        expect(out.evm.missingForks).to.deep.equal(c.lacks);
        const tx = await rpc<{ type: string }>(node.rpcUrl, "eth_getTransactionByHash", [out.txHash]);
        expect(tx.type).to.equal(c.txTypeOnChain);
      });

      it("anchors two checkpoints (the second's consistency proof checked on chain) and refuses a bad proof", async () => {
        const provider = makeProvider(node.rpcUrl, 5000);
        try {
          const s: AdminSigner = { wallet: new Wallet(DEV_KEYS[0], provider) as AdminSigner["wallet"], fees: loadChainSettings(env()).fees };
          const logId = logIdOf("default");
          await sendLedgerTx(s, address, "anchor", [logId, 3, root(3), []]);
          let refused: unknown;
          try {
            await sendLedgerTx(s, address, "anchor", [logId, 7, root(7), proof(3, 7).reverse()]);
          } catch (e) {
            refused = e;
          }
          expect(isChainError(refused, "REVERTED") && refused.revert?.name).to.equal("InconsistentCheckpoint");
          const second = await sendLedgerTx(s, address, "anchor", [logId, 7, root(7), proof(3, 7)]);
          const tx = await rpc<{ type: string }>(node.rpcUrl, "eth_getTransactionByHash", [second.txHash]);
          expect(tx.type).to.equal(c.txTypeOnChain);
          const ledger = ledgerAt(address, provider);
          expect(Number(await ledger.getFunction("checkpointCount")(logId))).to.equal(2);
          const [treeSize, rootHash] = await ledger.getFunction("checkpointAt")(logId, 1);
          expect([Number(treeSize), rootHash]).to.deep.equal([7, root(7)]);

          const signer = new Wallet(DEV_KEYS[2]).address;
          await sendLedgerTx(s, address, "registerDepartment", ["tax", signer]);
          const [got, active] = await ledger.getFunction("departmentSigner")("tax");
          expect([got, active]).to.deep.equal([signer, true]);
        } finally {
          provider.destroy();
        }
      });

      it("`dxledger chain status` is OK and names the missing forks", async () => {
        const r = await runCli(["chain", "status", "--json"], {
          RPC_URL: node.rpcUrl,
          LEDGER_ADDRESS: address,
          ANCHOR_PRIVATE_KEY: DEV_KEYS[0],
          TX_TYPE: c.txType,
        });
        expect(r.status, r.stdout + r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout);
        expect(out.checkpoints).to.equal(2);
        expect(out.evm.missingForks).to.deep.equal(c.lacks);
        expect(out.fees.mode).to.equal(c.txTypeOnChain === "0x0" ? "legacy" : "eip1559");
      });
    });
  }

  it("an EIP-1559 setting on berlin is refused before anything is sent (exit 2, one line)", async () => {
    const node = await startAnvilNode(["--hardfork", "berlin"]);
    try {
      const r = await runCli(["deploy", "--rpc", node.rpcUrl], { DEPLOYER_PRIVATE_KEY: DEV_KEYS[0], TX_TYPE: "eip1559" });
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/^dxledger: .*no base fee.*\n$/);
      expect(await rpc(node.rpcUrl, "eth_getTransactionCount", [new Wallet(DEV_KEYS[0]).address, "latest"])).to.equal("0x0");
    } finally {
      await node.stop();
    }
  });
});
