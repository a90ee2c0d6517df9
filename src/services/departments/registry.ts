/**
 * The department registry as the chain has it, cached for the hot path.
 * A miss asks the chain; a poller applies registry events as blocks arrive,
 * and the service's own registrations update the cache when mined.
 * Staleness is bounded by `pollMs` for changes made on chain by others.
 *
 * Freshness rule (what makes key history decidable by chain order alone):
 * the cache MUST NOT answer while it has not seen every block up to
 * `minBlock()` — the block of the latest anchored checkpoint. An entry first
 * covered by checkpoint i is then checked against a registry state at or after
 * the block of checkpoint i-2, which is what verifiers assume
 * (src/core/key-history.ts).
 *
 * Order rule (what keeps a replaced key from coming back): every cached
 * state carries the block it is known at. The poller applies an event to a
 * cached state only if the event is of that block or a later one, all events
 * of a block in their order. A change this service saw mined in block B is
 * taken only while the poller has not yet applied B (a later poll applies B's
 * events in order after it, whatever they are) and no state known at B or
 * later is cached; a first read from the chain is cached only if no poll ran
 * meanwhile, and is stamped with the first block the next poll covers, so the
 * poll's events replay on top of it. Before this rule the last writer won: a
 * poll that had read its events before a recovery was mined applied them
 * after it, and the replaced key was accepted again until the next poll.
 * Known limit: after the chain goes back (the cache is then emptied), a change
 * mined on the lost blocks and reported in the moment between the loss and
 * its detection stays cached until the department's next event.
 */
import { ChainError } from "../../core/chain-error.ts";

/** What the registry reads from the chain. Each MUST fail with a ChainError, never hang past RPC_TIMEOUT_MS. */
export interface RegistryChain {
  departmentSigner(id: string): Promise<{ signer: string; active: boolean }>;
  /** In chain order; `block` is the event's block. */
  registryEvents(from: number, to: number): Promise<Array<{ name: string; id: string; signer: string | null; block: number }>>;
  blockNumber(): Promise<number>;
}

export interface DepartmentState {
  readonly signer: string;
  readonly active: boolean;
}

const ZERO = "0x0000000000000000000000000000000000000000";
export const DEFAULT_REGISTRY_POLL_MS = 1000;

export class Registry {
  readonly #chain: RegistryChain;
  /**
   * Department → its state and the block it is known at; `read`: a first read
   * from the chain, stamped with the first block the next poll covers (the
   * read itself may be of that block or a later one).
   */
  readonly #cache = new Map<string, { state: DepartmentState; block: number; read?: true }>();
  #lastBlock = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #minBlock: () => number;
  #refreshing: Promise<void> | undefined;
  readonly #onChange: (id: string, state: DepartmentState) => Promise<void>;

  /**
   * `minBlock`: the freshness mark (see above); `onChange`: told of every change the poller applies
   * (a rotation relayed by anyone, a recovery, a revocation), awaited before the next.
   */
  constructor(chain: RegistryChain, minBlock: () => number = () => 0, onChange: (id: string, state: DepartmentState) => Promise<void> = async () => {}) {
    this.#chain = chain;
    this.#minBlock = minBlock;
    this.#onChange = onChange;
  }

  /** True when the cache has seen every block up to the latest anchored checkpoint (a method: each call reads afresh, across awaits). */
  isFresh(): boolean {
    return this.#lastBlock >= this.#minBlock();
  }

  async start(pollMs = DEFAULT_REGISTRY_POLL_MS): Promise<void> {
    this.#lastBlock = await this.#chain.blockNumber();
    const tick = async (): Promise<void> => {
      try {
        await this.refresh();
      } catch {
        // The chain is unreachable for now; readiness reports it, the next tick retries.
      }
      this.#timer = setTimeout(() => void tick(), pollMs);
      this.#timer.unref();
    };
    this.#timer = setTimeout(() => void tick(), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** Applies registry events of the blocks seen since the last refresh (one refresh at a time). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const head = await this.#chain.blockNumber();
    if (head < this.#lastBlock) {
      // The chain went back (lost blocks after a crash): forget everything, ask again on demand.
      this.#cache.clear();
      this.#lastBlock = head;
      return;
    }
    if (head === this.#lastBlock) return;
    const events = await this.#chain.registryEvents(this.#lastBlock + 1, head);
    for (const ev of events) {
      const cur = this.#cache.get(ev.id);
      if (!cur) continue; // loaded from the chain on first use
      if (ev.block < cur.block) continue; // older than what is known (a change of ours mined meanwhile)
      const next = ev.name === "DepartmentRevoked" ? { signer: cur.state.signer, active: false } : { signer: ev.signer!, active: true };
      this.#cache.set(ev.id, { state: next, block: ev.block });
      await this.#onChange(ev.id, next);
    }
    this.#lastBlock = head;
  }

  /**
   * Brings the cache up to at least `block`. Called right after a transaction
   * of ours was mined there (the chain answers now), before that block becomes
   * the freshness mark: recording then needs no chain call however soon the
   * chain stops answering. Throws a ChainError when the chain cannot say.
   */
  async syncTo(block: number): Promise<void> {
    // A poll joined may have read the head before `block`: at most two more.
    for (let i = 0; i < 3 && this.#lastBlock < block; i++) await this.refresh();
    if (this.#lastBlock < block) throw new ChainError("UNAVAILABLE", `the department registry could not reach block ${block}: the chain's head is behind it`);
  }

  /** The department's signer and status, or undefined when the chain does not know it. */
  async get(id: string): Promise<DepartmentState | undefined> {
    if (!this.isFresh()) {
      await this.refresh();
      // A refresh joined may have read the head before the latest anchor moved the mark.
      if (!this.isFresh()) await this.refresh();
      if (!this.isFresh())
        throw new ChainError("UNAVAILABLE", `the department registry has not yet seen block ${this.#minBlock()} (the latest anchored checkpoint's); retry`);
    }
    const hit = this.#cache.get(id);
    if (hit) return hit.state;
    const from = this.#lastBlock + 1;
    const d = await this.#chain.departmentSigner(id);
    if (d.signer === ZERO) return undefined;
    const now = this.#cache.get(id);
    if (now) return now.state; // a change of ours got there first
    // A poll that ran during the read skipped this department's events (it was not cached): the read may
    // predate some of them, and no later poll would replay them. Answer it, cache it only when no poll ran.
    if (this.#refreshing === undefined && this.#lastBlock + 1 === from) this.#cache.set(id, { state: d, block: from, read: true });
    return d;
  }

  /** Cached state only (no chain call): for the hot path after a first `get`. */
  peek(id: string): DepartmentState | undefined {
    return this.isFresh() ? this.#cache.get(id)?.state : undefined;
  }

  /**
   * Records a change this service made and saw mined in `block`, unless the
   * poller has applied that block already (its state is then at least as new,
   * or a first `get` reads it), the department is not cached while a poll
   * runs, or a state known at that block or later is cached (a tie goes to the
   * cached state: it may be of a later transaction of the same block; a poll
   * still running applies the block's remaining events after this in order).
   */
  set(id: string, state: DepartmentState, block: number): void {
    if (block <= this.#lastBlock) return;
    const cur = this.#cache.get(id);
    // Not cached while a poll runs: the poll may have skipped a later event of it already; the next `get` reads it.
    if (!cur && this.#refreshing !== undefined) return;
    if (cur && (cur.read ? cur.block > block : cur.block >= block)) return;
    this.#cache.set(id, { state, block });
  }
}
