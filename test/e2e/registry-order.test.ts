/**
 * The department registry's cache follows chain order, not arrival order
 * (services/departments/registry.ts, "Order rule"). On a real Anvil: a poll that read the
 * registry's events before this service's own key change was mined finishes
 * after it — its older events must not put the replaced key back. CI once saw
 * exactly that: a record signed by the key a recovery had just replaced was
 * accepted until the next poll.
 */
import { expect } from "chai";
import { ANVIL_DEV_KEY } from "../../src/adapters/chain/anvil.ts";
import { LedgerClient } from "../../src/adapters/chain/ledger-client.ts";
import { Registry, type RegistryChain } from "../../src/services/departments/registry.ts";
import { anvilNode, deployLedger, TEST_DELAYS, type Node } from "../helpers/external-chain.ts";
import { testWallet } from "../helpers/seeded.ts";

/** The real client, with its event reads held until released: a poll caught between reading and applying. */
function heldEvents(client: LedgerClient) {
  let hold: Promise<void> | undefined;
  let release = () => {};
  let reading = () => {};
  const started = new Promise<void>((r) => (reading = r));
  const chain: RegistryChain = {
    departmentSigner: (id) => client.departmentSigner(id),
    blockNumber: () => client.blockNumber(),
    async registryEvents(from, to) {
      const events = await client.registryEvents(from, to);
      if (hold) {
        reading();
        await hold;
      }
      return events;
    },
  };
  return {
    chain,
    /** From now on, a poll's events wait for `release()`; resolves once a poll is caught. */
    hold() {
      hold = new Promise<void>((r) => (release = r));
      return started;
    },
    release: () => {
      hold = undefined;
      release();
    },
  };
}

describe("department registry: the cache follows chain order", function () {
  this.timeout(60_000);
  let node: Node;
  let client: LedgerClient;

  before(async () => {
    node = await anvilNode();
    const ledger = await deployLedger(node.rpcUrl);
    client = await LedgerClient.connect({ rpcUrl: node.rpcUrl, address: ledger, privateKey: ANVIL_DEV_KEY });
  });
  after(async () => {
    await client.close();
    await node.stop();
  });

  it("a poll that read older events finishes after a change of ours was mined: the new signer stays", async () => {
    const held = heldEvents(client);
    const registry = new Registry(held.chain);
    await registry.start(3_600_000); // no timer polls: this test runs the poll
    const old = testWallet().address.toLowerCase();
    const registered = await client.registerDepartment("water", old);
    registry.set("water", { signer: old, active: true }, registered.blockNumber);

    // A recovery to a new key, proposed and due; a poll reads the registration's block and is held before it applies it.
    const next = testWallet().address.toLowerCase();
    await client.proposeRecovery("water", next);
    await node.rpc("evm_increaseTime", [TEST_DELAYS.recoveryDelay + 1]);
    await node.rpc("evm_mine");
    const caught = held.hold();
    const poll = registry.refresh();
    await caught;
    // Meanwhile the recovery is executed and applied, as Departments does after a key change it saw mined.
    const executed = await client.executeRecovery("water");
    expect(executed.blockNumber).to.be.greaterThan(registered.blockNumber);
    registry.set("water", { signer: next, active: true }, executed.blockNumber);
    expect(registry.peek("water")?.signer).to.equal(next);

    held.release();
    await poll;
    expect(registry.peek("water")).to.deep.equal({ signer: next, active: true });
    registry.stop();
  });

  it("a change of ours reported after a later one seen on chain does not undo it", async () => {
    const registry = new Registry(client);
    await registry.start(3_600_000);
    const first = testWallet().address.toLowerCase();
    const reg = await client.registerDepartment("parks", first);
    registry.set("parks", { signer: first, active: true }, reg.blockNumber);
    const revoked = await client.revokeDepartment("parks");
    await registry.refresh(); // sees the revocation, a later block
    expect(registry.peek("parks")).to.deep.equal({ signer: first, active: false });
    registry.set("parks", { signer: first, active: true }, reg.blockNumber); // late news of the registration
    expect(registry.peek("parks")).to.deep.equal({ signer: first, active: false });
    expect(revoked.blockNumber).to.be.greaterThan(reg.blockNumber);
    registry.stop();
  });

  it("a first read is cached and followed: a revocation polled later keeps the signer", async () => {
    const registry = new Registry(client);
    await registry.start(3_600_000);
    const a = testWallet().address.toLowerCase();
    await client.registerDepartment("roads", a);
    expect(await registry.get("roads")).to.deep.equal({ signer: a, active: true });
    await client.revokeDepartment("roads");
    expect(registry.peek("roads")).to.deep.equal({ signer: a, active: true }); // not polled yet
    await registry.refresh();
    expect(registry.peek("roads")).to.deep.equal({ signer: a, active: false });
    expect(await registry.get("nobody")).to.equal(undefined);
    registry.stop();
  });
});
