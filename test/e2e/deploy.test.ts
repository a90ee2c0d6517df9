/**
 * `dxledger deploy` and `dxledger chain …` as an operator runs them: real
 * subprocesses against a real Anvil and Hardhat's node (two EVMs), then the
 * chain read back to see that it holds what the command said.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes, Wallet, type JsonRpcProvider } from "ethers";
import { logIdOf } from "../../src/config.ts";
import { makeProvider } from "../../src/adapters/chain/rpc.ts";
import { hasRole, ledgerAt } from "../../src/adapters/chain/deploy.ts";
import { inspectLedger } from "../../src/adapters/chain/contract-check.ts";
import { ifSet, freePort } from "../helpers/service.ts";
import { DEV_KEYS, rpc, runCli, startAnvilNode, startNode, type EvmNode } from "../helpers/evm.ts";

const DEPLOYER = new Wallet(DEV_KEYS[0]).address.toLowerCase();
const B = new Wallet(DEV_KEYS[1]).address.toLowerCase();
const C = new Wallet(DEV_KEYS[2]).address.toLowerCase();
/** A fixed key that no chain has funded. */
const UNFUNDED_KEY = keccak256(toUtf8Bytes("dxledger test: unfunded deployer"));
const ONE_LINE = /^dxledger: [^\n]+\n$/;

const nonceOf = async (url: string, a: string) => Number(await rpc<string>(url, "eth_getTransactionCount", [a, "latest"]));
const headOf = async (url: string) => Number(await rpc<string>(url, "eth_blockNumber"));

for (const kind of ["anvil", "hardhat"] as const) {
  describe(`dxledger deploy / chain on ${kind}`, function () {
    this.timeout(120_000);
    let node: EvmNode;
    let provider: JsonRpcProvider;
    let address: string;
    const deployEnv = () => ({ DEPLOYER_PRIVATE_KEY: DEV_KEYS[0] });

    before(async () => {
      node = await startNode(kind);
      provider = makeProvider(node.rpcUrl, 5000);
    });
    after(async () => {
      ifSet(provider)?.destroy();
      await ifSet(node)?.stop();
    });

    it("deploy --json: address, chainId, logId, txHash, blockNumber, and the chain agrees", async () => {
      const r = await runCli(["deploy", "--rpc", node.rpcUrl, "--log-name", "tenant-a", "--json"], deployEnv());
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.equal("");
      const out = JSON.parse(r.stdout);
      address = out.address;
      expect(out.address).to.match(/^0x[0-9a-f]{40}$/);
      expect(out).to.include({
        chainId: 31337,
        logId: logIdOf("tenant-a"),
        logName: "tenant-a",
        anchorer: DEPLOYER,
        registrar: DEPLOYER,
        admin: DEPLOYER,
        recoveryDelay: 604_800,
        adminDelay: 86_400,
      });
      expect(out.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(out.bindTxHash).to.match(/^0x[0-9a-f]{64}$/);
      const rc = await rpc<{ contractAddress: string; blockNumber: string }>(node.rpcUrl, "eth_getTransactionReceipt", [out.txHash]);
      expect([rc.contractAddress.toLowerCase(), Number(rc.blockNumber)]).to.deep.equal([address, out.blockNumber]);
      expect((await inspectLedger(provider, address, 31337)).kind).to.equal("ledger");
      const ledger = ledgerAt(address, provider);
      expect((await ledger.getFunction("anchorerOf")(logIdOf("tenant-a"))).toLowerCase()).to.equal(DEPLOYER);
      expect(await hasRole(ledger, "registrar", DEPLOYER)).to.equal(true);
      expect(await hasRole(ledger, "admin", DEPLOYER)).to.equal(true);
    });

    it("deploy in text mode prints the service's environment and never the key", async () => {
      const r = await runCli(["deploy", "--rpc", node.rpcUrl], { ...deployEnv(), LOG_NAME: "from-env", GAS_PRICE: "2000000000" });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^ {2}LEDGER_ADDRESS=0x[0-9a-f]{40}$/m);
      expect(r.stdout).to.include(`  RPC_URL=${node.rpcUrl}\n`);
      expect(r.stdout).to.include("  LOG_NAME=from-env\n");
      expect(r.stdout).to.include("  GAS_PRICE=2000000000\n");
      expect(r.stdout).to.match(/ANCHOR_PRIVATE_KEY=<the private key of 0x[0-9a-f]{40}; not printed/);
      expect(r.stdout).to.match(/ADMIN_TOKEN=</);
      expect(r.stdout + r.stderr).to.not.include(DEV_KEYS[0].slice(2));
    });

    it("chain status: exit 0 when everything the service needs is in place (defaults from the service's env)", async () => {
      const r = await runCli(["chain", "status"], { RPC_URL: node.rpcUrl, LEDGER_ADDRESS: address, LOG_NAME: "tenant-a", ANCHOR_PRIVATE_KEY: DEV_KEYS[0] });
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^contract +ExchangeLedger \(this build\)/m);
      expect(r.stdout).to.match(/^registrar +0x[0-9a-f]{40} has REGISTRAR_ROLE$/m);
      expect(r.stdout).to.match(/^recovery +a registrar's key recovery waits 604800 s \(7\.00 days\)/m);
      expect(r.stdout).to.match(/^status: OK/m);
      const j = JSON.parse(
        (await runCli(["chain", "status", "--json"], { RPC_URL: node.rpcUrl, LEDGER_ADDRESS: address, LOG_NAME: "tenant-a", ANCHOR_PRIVATE_KEY: DEV_KEYS[0] }))
          .stdout,
      );
      expect(j).to.include({
        ok: true,
        chainId: 31337,
        contractKind: "ledger",
        boundTo: DEPLOYER,
        anchorer: DEPLOYER,
        anchorerIsRegistrar: true,
        checkpoints: 0,
      });
    });

    it("bind-log is idempotent: the second run sends no transaction; status then sees the mismatch", async () => {
      const args = ["chain", "bind-log", "--rpc", node.rpcUrl, "--contract", address, "--log-name", "tenant-b", "--anchorer", B, "--json"];
      const first = await runCli(args, deployEnv());
      expect(first.status, first.stderr).to.equal(0);
      expect(JSON.parse(first.stdout)).to.include({ changed: true, logId: logIdOf("tenant-b"), account: B });
      const [nonce, head] = [await nonceOf(node.rpcUrl, DEPLOYER), await headOf(node.rpcUrl)];
      const second = await runCli(args, deployEnv());
      expect(second.status, second.stderr).to.equal(0);
      expect(JSON.parse(second.stdout)).to.include({ changed: false, txHash: null });
      expect([await nonceOf(node.rpcUrl, DEPLOYER), await headOf(node.rpcUrl)]).to.deep.equal([nonce, head]);
      const text = await runCli(args.slice(0, -1), deployEnv());
      expect(text.stdout).to.match(/already so, no transaction sent/);

      const st = await runCli(["chain", "status", "--rpc", node.rpcUrl, "--contract", address, "--log-name", "tenant-b"], { ANCHOR_PRIVATE_KEY: DEV_KEYS[0] });
      expect(st.status).to.equal(1);
      expect(st.stdout).to.include(`is bound to ${B}, not to the anchorer ${DEPLOYER}`);
      expect(st.stdout).to.include("fix: dxledger chain bind-log");
    });

    it("grant and revoke are idempotent", async () => {
      const ledger = ledgerAt(address, provider);
      const base = ["--rpc", node.rpcUrl, "--contract", address, "--role", "registrar", "--account", C, "--json"];
      const step = async (cmd: string) => {
        const r = await runCli(["chain", cmd, ...base], deployEnv());
        expect(r.status, r.stderr).to.equal(0);
        return JSON.parse(r.stdout).changed as boolean;
      };
      expect(await step("grant")).to.equal(true);
      expect(await hasRole(ledger, "registrar", C)).to.equal(true);
      const nonce = await nonceOf(node.rpcUrl, DEPLOYER);
      expect(await step("grant")).to.equal(false);
      expect(await nonceOf(node.rpcUrl, DEPLOYER)).to.equal(nonce);
      expect(await step("revoke")).to.equal(true);
      expect(await hasRole(ledger, "registrar", C)).to.equal(false);
      expect(await step("revoke")).to.equal(false);
      expect(await nonceOf(node.rpcUrl, DEPLOYER)).to.equal(nonce + 1);
    });

    it("--admin starts a two-step handover; the new admin accepts after the admin delay; the deployer keeps nothing it was not named for", async () => {
      const r = await runCli(
        ["deploy", "--rpc", node.rpcUrl, "--admin", B, "--anchorer", C, "--admin-delay", "0", "--recovery-delay", "120", "--json"],
        deployEnv(),
      );
      expect(r.status, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out).to.include({ admin: B, anchorer: C, registrar: C, recoveryDelay: 120, adminDelay: 0 });
      expect(out.adminAcceptableAt).to.be.a("number");
      const ledger = ledgerAt(out.address, provider);
      const roles = async (a: string) => [await hasRole(ledger, "admin", a), await hasRole(ledger, "registrar", a)];
      expect(await roles(B)).to.deep.equal([false, true]);
      expect(await roles(C)).to.deep.equal([false, true]);
      expect(await roles(DEPLOYER)).to.deep.equal([true, false]);
      expect(Number(await ledger.getFunction("recoveryDelay")())).to.equal(120);
      expect((await ledger.getFunction("anchorerOf")(logIdOf("default"))).toLowerCase()).to.equal(C);

      // DEFAULT_ADMIN_ROLE cannot be granted directly: said clearly, nothing sent.
      const nonce = await nonceOf(node.rpcUrl, DEPLOYER);
      const direct = await runCli(["chain", "grant", "--rpc", node.rpcUrl, "--contract", out.address, "--role", "admin", "--account", C], deployEnv());
      expect(direct.status).to.equal(2);
      expect(direct.stderr).to.match(ONE_LINE);
      expect(direct.stderr).to.include("cannot be granted or revoked directly");
      expect(await nonceOf(node.rpcUrl, DEPLOYER)).to.equal(nonce);

      await rpc(node.rpcUrl, "evm_mine"); // the schedule must be strictly in the past
      const accept = await runCli(["chain", "accept-admin", "--rpc", node.rpcUrl, "--contract", out.address, "--json"], { DEPLOYER_PRIVATE_KEY: DEV_KEYS[1] });
      expect(accept.status, accept.stderr).to.equal(0);
      expect(JSON.parse(accept.stdout)).to.include({ changed: true, account: B });
      expect(await roles(B)).to.deep.equal([true, true]);
      expect(await roles(DEPLOYER)).to.deep.equal([false, false]);

      const denied = await runCli(
        ["chain", "grant", "--rpc", node.rpcUrl, "--contract", out.address, "--role", "registrar", "--account", DEPLOYER],
        deployEnv(),
      );
      expect(denied.status).to.equal(2);
      expect(denied.stderr).to.match(ONE_LINE);
      expect(denied.stderr).to.include("lacks DEFAULT_ADMIN_ROLE");
      const byB = await runCli(["chain", "grant", "--rpc", node.rpcUrl, "--contract", out.address, "--role", "registrar", "--account", DEPLOYER, "--json"], {
        DEPLOYER_PRIVATE_KEY: DEV_KEYS[1],
      });
      expect(byB.status, byB.stderr).to.equal(0);
      expect(JSON.parse(byB.stdout).changed).to.equal(true);
      const st = JSON.parse((await runCli(["chain", "status", "--rpc", node.rpcUrl, "--contract", out.address, "--json"], {})).stdout);
      expect(st).to.include({ admin: B, recoveryDelaySeconds: 120, adminDelaySeconds: 0, pendingAdmin: null });
    });
  });
}

describe("dxledger deploy / chain: errors are one line", function () {
  this.timeout(60_000);
  let node: EvmNode;
  before(async () => {
    node = await startAnvilNode();
  });
  after(async () => {
    await ifSet(node)?.stop();
  });

  it("without DEPLOYER_PRIVATE_KEY: exit 2, no development-key fallback, nothing sent", async () => {
    const r = await runCli(["deploy", "--rpc", node.rpcUrl], {});
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(ONE_LINE);
    expect(r.stderr).to.include("DEPLOYER_PRIVATE_KEY is not set");
    expect(r.stdout).to.equal("");
    expect(await headOf(node.rpcUrl)).to.equal(0);
  });

  it("a malformed key: exit 2, the value not echoed", async () => {
    const r = await runCli(["deploy", "--rpc", node.rpcUrl], { DEPLOYER_PRIVATE_KEY: "0xdeadbeefcafe" });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(ONE_LINE);
    expect(r.stderr).to.not.include("deadbeefcafe");
  });

  it("an unreachable RPC: exit 2 (deploy and status)", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const args of [
      ["deploy", "--rpc", url],
      ["chain", "status", "--rpc", url, "--contract", DEPLOYER],
    ]) {
      const r = await runCli(args, { DEPLOYER_PRIVATE_KEY: DEV_KEYS[0] });
      expect(r.status, args.join(" ")).to.equal(2);
      expect(r.stderr).to.match(ONE_LINE);
      expect(r.stderr).to.include("cannot reach the chain");
    }
  });

  it("a bad URL or unknown option: exit 2", async () => {
    for (const args of [
      ["deploy", "--rpc", "localhost:8545"],
      ["deploy", "--rpc", node.rpcUrl, "--key", "x"],
      ["chain", "grant", "--rpc", node.rpcUrl, "--contract", DEPLOYER, "--role", "root", "--account", B],
    ]) {
      const r = await runCli(args, { DEPLOYER_PRIVATE_KEY: DEV_KEYS[0] });
      expect(r.status, args.join(" ")).to.equal(2);
      expect(r.stderr).to.match(ONE_LINE);
    }
  });

  it("an unfunded deployer on a paying chain: exit 2, nothing sent", async () => {
    const r = await runCli(["deploy", "--rpc", node.rpcUrl], { DEPLOYER_PRIVATE_KEY: UNFUNDED_KEY });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(ONE_LINE);
    expect(r.stderr).to.match(/has 0 wei, not enough/);
    expect(await headOf(node.rpcUrl)).to.equal(0);
  });

  it("status on an address with no code: exit 1 and a clear line; bind-log there: exit 2", async () => {
    const r = await runCli(["chain", "status", "--rpc", node.rpcUrl, "--contract", B], {});
    expect(r.status).to.equal(1);
    expect(r.stdout).to.include(`PROBLEM     no contract at ${B} on chain 31337`);
    const b = await runCli(["chain", "bind-log", "--rpc", node.rpcUrl, "--contract", B, "--anchorer", C], { DEPLOYER_PRIVATE_KEY: DEV_KEYS[0] });
    expect(b.status).to.equal(2);
    expect(b.stderr).to.match(ONE_LINE);
    expect(b.stderr).to.include("no contract at");
  });
});

describe("dxledger deploy on a free-gas chain (Anvil --gas-price 0 --base-fee 0)", function () {
  this.timeout(60_000);
  let node: EvmNode;
  const unfunded = new Wallet(UNFUNDED_KEY).address.toLowerCase();
  before(async () => {
    node = await startAnvilNode(["--gas-price", "0", "--base-fee", "0"]);
  });
  after(async () => {
    await ifSet(node)?.stop();
  });

  it("without GAS_PRICE the node's suggested price needs funds: exit 2 pointing at GAS_PRICE=0", async () => {
    const r = await runCli(["deploy", "--rpc", node.rpcUrl], { DEPLOYER_PRIVATE_KEY: UNFUNDED_KEY });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(ONE_LINE);
    expect(r.stderr).to.include("GAS_PRICE=0");
  });

  it("with GAS_PRICE=0 an unfunded key deploys, binds and passes status", async () => {
    const env = { DEPLOYER_PRIVATE_KEY: UNFUNDED_KEY, GAS_PRICE: "0" };
    const r = await runCli(["deploy", "--rpc", node.rpcUrl, "--json"], env);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.anchorer).to.equal(unfunded);
    const b = await runCli(
      ["chain", "bind-log", "--rpc", node.rpcUrl, "--contract", out.address, "--log-name", "second", "--anchorer", unfunded, "--json"],
      env,
    );
    expect(b.status, b.stderr).to.equal(0);
    expect(JSON.parse(b.stdout).changed).to.equal(true);
    expect(await rpc(node.rpcUrl, "eth_getBalance", [unfunded, "latest"])).to.equal("0x0");
    const st = await runCli(["chain", "status", "--json"], {
      RPC_URL: node.rpcUrl,
      LEDGER_ADDRESS: out.address,
      ANCHOR_PRIVATE_KEY: UNFUNDED_KEY,
      GAS_PRICE: "0",
    });
    expect(st.status, st.stdout + st.stderr).to.equal(0);
    expect(JSON.parse(st.stdout)).to.include({ ok: true, balanceWei: "0", anchorsAffordable: "unlimited" });
  });
});
