/**
 * Reads of a department's key state on the ledger (self-rotation nonce,
 * pending recovery, recovery delay, the proposal's transaction) and the chain
 * time they are compared with. Every failure leaves as a ChainError.
 * Writes go through LedgerClient (one queue for the service's account).
 */
import { id as keccakId } from "ethers";
import type { LedgerClient } from "./ledger-client.ts";
import { toChainError } from "./to-chain-error.ts";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** A recovery proposed on chain and not yet executed or cancelled. */
export interface PendingRecovery {
  readonly signer: string;
  /** Unix seconds (chain time) from which anyone may execute it. */
  readonly executableAt: number;
}

async function read<T>(c: LedgerClient, what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toChainError(e, what, c.contract.interface);
  }
}

/** The nonce the department's next authorization (rotation or cancellation) must carry. */
export function rotationNonce(c: LedgerClient, id: string): Promise<number> {
  return read(c, "rotationNonce", async () => Number(await c.contract.read("rotationNonce", id)));
}

export async function pendingRecovery(c: LedgerClient, id: string): Promise<PendingRecovery | null> {
  const r = await read(c, "pendingRecovery", () => c.contract.read("pendingRecovery", id));
  const signer = r.newSigner.toLowerCase();
  return signer === ZERO_ADDRESS ? null : { signer, executableAt: Number(r.executableAt) };
}

export function recoveryDelay(c: LedgerClient): Promise<number> {
  return read(c, "recoveryDelay", async () => Number(await c.contract.read("recoveryDelay")));
}

/** The latest block's timestamp: chain time, which MAY differ from the wall clock (it decides expiry and recovery). */
export function chainTime(c: LedgerClient): Promise<number> {
  return read(c, "eth_getBlockByNumber", async () => (await c.provider.getBlock("latest"))?.timestamp ?? 0);
}

/** The transaction of the department's latest RecoveryProposed event, if any. */
export async function recoveryProposalTx(c: LedgerClient, id: string): Promise<string | undefined> {
  const topic = c.contract.topic("RecoveryProposed");
  const logs = await read(c, "eth_getLogs", () => c.provider.getLogs({ address: c.address, topics: [topic, keccakId(id)], fromBlock: 0, toBlock: "latest" }));
  return logs.at(-1)?.transactionHash.toLowerCase();
}

const RECOVERY_EVENTS = ["RecoveryProposed", "RecoveryCancelled", "RecoveryExecuted"] as const;

const lower = (x: string) => x.toLowerCase();

/**
 * Recovery events in blocks [fromBlock, toBlock], in chain order (one getLogs),
 * shaped as services/audit/key-monitor.ts's `RecoveryEvent` (the port's type, which
 * this adapter matches without importing it).
 */
export async function recoveryEvents(c: LedgerClient, fromBlock: number, toBlock: number) {
  const topics = RECOVERY_EVENTS.map((n) => c.contract.topic(n));
  const logs = await read(c, "eth_getLogs", () => c.provider.getLogs({ address: c.address, topics: [topics], fromBlock, toBlock }));
  const out: Array<{
    name: "RecoveryProposed" | "RecoveryCancelled" | "RecoveryExecuted";
    id: string;
    newSigner: string;
    executableAt?: number;
    proposer?: string;
    oldSigner?: string;
    block: number;
    txHash: string;
  }> = [];
  for (const log of [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)) {
    const p = c.contract.decodeLog(log);
    if (!p) continue;
    const at = { block: log.blockNumber, txHash: log.transactionHash.toLowerCase() };
    if (p.name === "RecoveryProposed")
      out.push({
        name: p.name,
        id: p.args.id,
        ...at,
        newSigner: lower(p.args.newSigner),
        executableAt: Number(p.args.executableAt),
        proposer: lower(p.args.proposer),
      });
    else if (p.name === "RecoveryCancelled") out.push({ name: p.name, id: p.args.id, ...at, newSigner: lower(p.args.newSigner) });
    else if (p.name === "RecoveryExecuted")
      out.push({ name: p.name, id: p.args.id, ...at, oldSigner: lower(p.args.oldSigner), newSigner: lower(p.args.newSigner) });
  }
  return out;
}

/**
 * Whether executeRecovery(id) would succeed in the next block, as the chain
 * judges it: an estimate against the pending block, whose time is the node's
 * now even when no block was mined for a while (the latest block's timestamp
 * would hold an idle dev chain's recovery back). No transaction is sent.
 */
export async function recoveryExecutableNow(c: LedgerClient, id: string): Promise<boolean> {
  try {
    await c.contract.estimateGas("executeRecovery", id);
    return true;
  } catch (e) {
    const err = toChainError(e, "executeRecovery (estimate)", c.contract.interface);
    if (err.revert?.name === "RecoveryNotYetExecutable") return false;
    throw err;
  }
}

/** The ledger as key changes need it (services/departments/department-keys.ts `KeyLedger`), on `c`. */
export function keyLedger(c: LedgerClient) {
  return {
    rotationNonce: (id: string) => rotationNonce(c, id),
    pendingRecovery: (id: string) => pendingRecovery(c, id),
    recoveryProposalTx: (id: string) => recoveryProposalTx(c, id),
    chainTime: () => chainTime(c),
    recoveryExecutableNow: (id: string) => recoveryExecutableNow(c, id),
    rotateSignerWithAuthorization: (id: string, signer: string, deadline: number, signature: string, limits: { deadline?: number }) =>
      c.rotateSignerWithAuthorization(id, signer, deadline, signature, limits),
    proposeRecovery: (id: string, signer: string, limits: { deadline?: number }) => c.proposeRecovery(id, signer, limits),
    executeRecovery: (id: string, limits: { deadline?: number }) => c.executeRecovery(id, limits),
    cancelRecoveryWithAuthorization: (id: string, deadline: number, signature: string, limits: { deadline?: number }) =>
      c.cancelRecoveryWithAuthorization(id, deadline, signature, limits),
  };
}
