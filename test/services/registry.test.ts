/**
 * The registry's order rule (services/departments/registry.ts) in the interleavings a
 * real chain cannot be made to produce on demand: two transactions in one
 * block, a first read or a change reported while a poll is half-way. The
 * chain here is a list of blocks with their registry events; the state a
 * read returns is the one its events leave (test/e2e/registry-order.test.ts
 * does the same on Anvil where Anvil can).
 */
import { expect } from "chai";
import { Signal } from "../../src/core/signal.ts";
import { Registry, type DepartmentState, type RegistryChain } from "../../src/services/departments/registry.ts";

interface Ev {
  name: "DepartmentRegistered" | "SignerRotated" | "DepartmentRevoked";
  id: string;
  signer: string | null;
  block: number;
}

/** A chain of registry events; `gate()` holds the next poll's event read (and, with `reads`, a first read) until released. */
class ScriptedChain implements RegistryChain {
  head = 10;
  readonly events: Ev[] = [];
  #gate: { open: Promise<void>; caught: () => void } | undefined;

  mine(...evs: Array<Omit<Ev, "block">>): number {
    this.head++;
    for (const e of evs) this.events.push({ ...e, block: this.head });
    return this.head;
  }
  /** The state the events up to `at` leave. */
  stateAt(id: string, at: number): DepartmentState | undefined {
    let s: DepartmentState | undefined;
    for (const e of this.events)
      if (e.id === id && e.block <= at) s = e.name === "DepartmentRevoked" ? { signer: s!.signer, active: false } : { signer: e.signer!, active: true };
    return s;
  }
  /** The next event read waits for the returned release; `caught` resolves once a read is waiting. */
  gate(): { caught: Promise<void>; release: () => void } {
    let release = () => {};
    let caught = () => {};
    const waiting = new Promise<void>((r) => (caught = r));
    this.#gate = { open: new Promise<void>((r) => (release = r)), caught };
    return { caught: waiting, release };
  }

  blockNumber(): Promise<number> {
    return Promise.resolve(this.head);
  }
  async departmentSigner(id: string): Promise<{ signer: string; active: boolean }> {
    return Promise.resolve(this.stateAt(id, this.head) ?? { signer: "0x0000000000000000000000000000000000000000", active: false });
  }
  async registryEvents(from: number, to: number): Promise<Ev[]> {
    const out = this.events.filter((e) => e.block >= from && e.block <= to);
    const g = this.#gate;
    if (g) {
      this.#gate = undefined;
      g.caught();
      await g.open;
    }
    return out;
  }
}

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";

/** `changed`: where the registry's changes are told, as the service wires it (src/server.ts). */
async function started(chain: ScriptedChain, changed = new Signal<string>()): Promise<Registry> {
  const r = new Registry(chain, undefined, (id) => changed.emit(id));
  await r.start(3_600_000); // no timer polls: the test runs each poll
  return r;
}

/** A registry over a fresh chain on which department `id` was registered to `signer` by this service (its report taken). */
async function withRegistered(id = "d", signer = A, changed = new Signal<string>()): Promise<{ chain: ScriptedChain; reg: Registry; b0: number }> {
  const chain = new ScriptedChain();
  const reg = await started(chain, changed);
  const b0 = chain.mine({ name: "DepartmentRegistered", id, signer });
  reg.set(id, { signer, active: true }, b0);
  return { chain, reg, b0 };
}

describe("department registry: order rule", () => {
  it("two transactions in one block, ours first and a revocation after it: the poll's revocation stands", async () => {
    const { chain, reg } = await withRegistered();
    const b1 = chain.mine({ name: "SignerRotated", id: "d", signer: B }, { name: "DepartmentRevoked", id: "d", signer: null });
    await reg.refresh(); // applies both of b1, in order
    expect(reg.peek("d")).to.deep.equal({ signer: B, active: false });
    reg.set("d", { signer: B, active: true }, b1); // our rotation's report arrives late
    expect(reg.peek("d")).to.deep.equal({ signer: B, active: false });
  });

  it("the same block with the poll half-way: our change is taken, then the block's events, in order, end where the chain ends", async () => {
    const { chain, reg } = await withRegistered();
    const b1 = chain.mine({ name: "SignerRotated", id: "d", signer: B }, { name: "DepartmentRevoked", id: "d", signer: null });
    const g = chain.gate();
    const poll = reg.refresh();
    await g.caught;
    reg.set("d", { signer: B, active: true }, b1); // taken: nothing of b1 is applied yet
    expect(reg.peek("d")).to.deep.equal({ signer: B, active: true });
    g.release();
    await poll;
    expect(reg.peek("d")).to.deep.equal(chain.stateAt("d", chain.head));
  });

  it("a department reported while a poll that already passed its later events runs: not cached; the next get reads the chain", async () => {
    const changed = new Signal<string>();
    const { chain, reg } = await withRegistered("e", B, changed);
    const b1 = chain.mine({ name: "DepartmentRegistered", id: "d", signer: A }); // ours, its report still to come
    chain.mine({ name: "DepartmentRevoked", id: "d", signer: null }); // someone else's, right after
    chain.mine({ name: "SignerRotated", id: "e", signer: A });
    // The report arrives while the poll applies the last block: it has passed (and skipped) d's events.
    changed.listen((id) => {
      if (id === "e") reg.set("d", { signer: A, active: true }, b1);
    });
    await reg.refresh();
    expect(reg.peek("d")).to.equal(undefined);
    expect(await reg.get("d")).to.deep.equal({ signer: A, active: false });
  });

  it("a first read while a poll runs is answered, not cached; one with no poll running is cached and followed", async () => {
    const chain = new ScriptedChain();
    const reg = await started(chain);
    chain.mine({ name: "DepartmentRegistered", id: "d", signer: A });
    const g = chain.gate();
    const poll = reg.refresh();
    await g.caught;
    expect(await reg.get("d")).to.deep.equal({ signer: A, active: true });
    expect(reg.peek("d")).to.equal(undefined);
    g.release();
    await poll;
    expect(await reg.get("d")).to.deep.equal({ signer: A, active: true });
    expect(reg.peek("d")).to.deep.equal({ signer: A, active: true });
    chain.mine({ name: "SignerRotated", id: "d", signer: B });
    await reg.refresh();
    expect(reg.peek("d")).to.deep.equal({ signer: B, active: true });
  });

  it("a change of ours in a block the poller has passed is not taken; the poller's state stands", async () => {
    const { chain, reg } = await withRegistered();
    const b1 = chain.mine({ name: "SignerRotated", id: "d", signer: B });
    chain.mine({ name: "SignerRotated", id: "d", signer: A });
    await reg.refresh();
    reg.set("d", { signer: B, active: true }, b1);
    expect(reg.peek("d")).to.deep.equal({ signer: A, active: true });
  });

  it("the chain goes back: the cache is emptied and read again", async () => {
    const { chain, reg, b0 } = await withRegistered();
    chain.mine({ name: "SignerRotated", id: "d", signer: B });
    await reg.refresh();
    expect(reg.peek("d")?.signer).to.equal(B);
    chain.events.splice(chain.events.findIndex((e) => e.block > b0));
    chain.head = b0;
    await reg.refresh();
    expect(reg.peek("d")).to.equal(undefined);
    expect(await reg.get("d")).to.deep.equal({ signer: A, active: true });
  });
});
