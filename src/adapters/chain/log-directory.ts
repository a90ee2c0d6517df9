/**
 * The ledger's log directory (ExchangeLedger.logCount / logAt / logInfo,
 * issue 12): every log bound, with its name, gateway URL, operator and
 * anchorer; each log's latest checkpoint; and the idempotent change of an
 * entry. Implements the DirectoryChain port of ports/federation.ts.
 * Every failure leaves as a ChainError; on a ledger of an earlier build (no
 * directory) the message says so.
 */
import { ChainError } from "../../core/chain-error.ts";
import type { DirectoryChain, DirectoryEntry, LatestOnChain } from "../../ports/federation.ts";
import { toChainError } from "./to-chain-error.ts";
import { sendLedgerTx, type AdminSigner, type Change } from "./deploy.ts";
import type { LedgerContract } from "./ledger-contract.ts";

const ZERO = "0x0000000000000000000000000000000000000000";
const NO_DIRECTORY = "(is the ledger an earlier build, without the log directory? redeploy with this version's `dxledger deploy`)";

export class ChainLogDirectory implements DirectoryChain {
  readonly #c: LedgerContract;

  /** `ledger`: the ExchangeLedger, connected to a provider (its timeout bounds every read). */
  constructor(ledger: LedgerContract) {
    this.#c = ledger;
  }

  async #read<T>(what: string, f: () => Promise<T>, hint = ""): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const err = toChainError(e, what, this.#c.interface);
      throw hint && err.kind !== "UNAVAILABLE" ? new ChainError(err.kind, `${err.message} ${hint}`, err.revert) : err;
    }
  }

  async count(): Promise<number> {
    return this.#read("logCount", async () => Number(await this.#c.read("logCount")), NO_DIRECTORY);
  }

  async entry(logId: string): Promise<DirectoryEntry> {
    const r = await this.#read("logInfo", () => this.#c.read("logInfo", logId), NO_DIRECTORY);
    return { logId: logId.toLowerCase(), name: r.name, url: r.url, operator: r.operator, anchorer: r.anchorer.toLowerCase() };
  }

  async logs(): Promise<readonly DirectoryEntry[]> {
    const n = await this.count();
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => this.#read("logAt", async () => (await this.#c.read("logAt", i)).toLowerCase())));
    return Promise.all(ids.map((id) => this.entry(id)));
  }

  async latestCheckpoint(logId: string): Promise<LatestOnChain | null> {
    const n = await this.#read("checkpointCount", async () => Number(await this.#c.read("checkpointCount", logId)));
    if (n === 0) return null;
    const r = await this.#read("checkpointAt", () => this.#c.read("checkpointAt", logId, n - 1));
    return {
      index: n - 1,
      treeSize: Number(r.treeSize),
      rootHash: r.rootHash.toLowerCase(),
      anchoredAt: Number(r.anchoredAt),
      blockNumber: Number(r.blockNumber),
    };
  }
}

/** What `setLogInfo` would set, compared with what the chain holds. */
export function sameEntry(e: DirectoryEntry, name: string, url: string, operator: string): boolean {
  return e.name === name && e.url === url && e.operator === operator;
}

/**
 * Sets the directory entry of `logId` unless it already holds (idempotent).
 * Needs DEFAULT_ADMIN_ROLE or the log's anchoring key; the log must be bound.
 */
export async function setLogInfo(s: AdminSigner, ledger: LedgerContract, logId: string, name: string, url: string, operator: string): Promise<Change> {
  const dir = new ChainLogDirectory(ledger);
  const cur = await dir.entry(logId);
  if (cur.anchorer === ZERO) throw new ChainError("OTHER", `log "${name}" (${logId}) is not bound to any account: bind it first (dxledger chain bind-log)`);
  if (sameEntry(cur, name, url, operator)) return { changed: false };
  return { changed: true, ...(await sendLedgerTx(s, ledger.address, "setLogInfo", [logId, name, url, operator])) };
}
