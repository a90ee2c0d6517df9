/**
 * Deployment and administration of an `ExchangeLedger`: deploy, bind a log to
 * its anchoring account, grant / revoke / renounce roles, and the reads that
 * say whether that state already holds.
 *
 * Contracts:
 * - Every transaction carries its fee fields explicitly (`type` and `gasPrice`,
 *   or `maxFeePerGas`/`maxPriorityFeePerGas`, from `feesFor`), so a berlin
 *   chain gets legacy transactions and a free-gas chain a price of 0 whatever
 *   the node suggests.
 * - A fee the chain would refuse, or a balance that cannot pay, is reported
 *   before anything is sent.
 * - The administrative operations are idempotent: when the state already holds
 *   they send nothing and return `{ changed: false }`.
 * - Every failure leaves here as a ChainError (src/core/chain-error.ts).
 */
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { ContractRunner, JsonRpcProvider, TransactionRequest, Wallet } from "ethers";
import { ChainError } from "../../core/chain-error.ts";
import { toChainError } from "./to-chain-error.ts";
import { ledgerArtifact } from "./artifact.ts";
import { LEDGER_ABI, ledgerContract, type LedgerArgs, type LedgerContract, type LedgerWrite } from "./ledger-contract.ts";
import { deployData } from "./typed-contract.ts";
import { feeProblem, feesFor, pricePerGas, type FeeSettings, type TxFees } from "./fees.ts";

/** The contract's roles by the names the CLI uses. */
export const ROLES = Object.freeze({ admin: ZeroHash, registrar: keccak256(toUtf8Bytes("REGISTRAR_ROLE")) });
export type RoleName = keyof typeof ROLES;

/** Longest wait for one transaction to be mined, and for the confirmations after it. */
export const DEFAULT_TX_TIMEOUT_MS = 600_000;

export interface AdminSigner {
  readonly wallet: Wallet & { readonly provider: JsonRpcProvider };
  readonly fees: FeeSettings;
  readonly txTimeoutMs?: number;
}

export interface SentTx {
  readonly txHash: string;
  readonly blockNumber: number;
}

export type Change = { readonly changed: false } | ({ readonly changed: true } & SentTx);

/** The ledger at `address`, its calls typed from the ABI (ledger-contract.ts). */
export function ledgerAt(address: string, runner: ContractRunner): LedgerContract {
  return ledgerContract(address, runner);
}

/** A production deployment's delays: a day for an admin handover, a week for a recovery (docs/departments.md "Department keys"). */
export const DEFAULT_ADMIN_DELAY_SECONDS = 86_400;
export const DEFAULT_RECOVERY_DELAY_SECONDS = 604_800;

/**
 * Deploys `ExchangeLedger(adminDelay, admin, recoveryDelay)`; `admin` gets
 * DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE.
 */
export async function deployLedger(
  s: AdminSigner,
  admin: string,
  delays: { adminDelay: number; recoveryDelay: number },
): Promise<SentTx & { address: string }> {
  const data = deployData(LEDGER_ABI, ledgerArtifact().bytecode, delays.adminDelay, admin, delays.recoveryDelay);
  const { sent, contractAddress } = await send(s, "deploy ExchangeLedger", { data });
  if (!contractAddress) throw new ChainError("OTHER", `deployment ${sent.txHash} has no contract address in its receipt`);
  return { ...sent, address: contractAddress.toLowerCase() };
}

/** Binds `logId` to `anchorer` unless it already is. Needs DEFAULT_ADMIN_ROLE. */
export async function bindLog(s: AdminSigner, ledger: string, logId: string, anchorer: string): Promise<Change> {
  const c = ledgerAt(ledger, s.wallet);
  if (same(await read(() => c.read("anchorerOf", logId)), anchorer)) return { changed: false };
  return changed(await call(s, c, "bindLog", [logId, anchorer]));
}

/**
 * DEFAULT_ADMIN_ROLE has exactly one holder and changes hands only in two
 * delayed steps (OpenZeppelin's AccessControlDefaultAdminRules): the contract
 * refuses to grant or revoke it directly, so these MUST NOT be tried.
 */
export const ADMIN_NOT_GRANTABLE =
  "DEFAULT_ADMIN_ROLE cannot be granted or revoked directly (the ledger uses OpenZeppelin's AccessControlDefaultAdminRules: one admin, handed over in two steps): the admin runs `dxledger chain transfer-admin --account NEW`, then NEW runs `dxledger chain accept-admin` once the admin delay has passed";

/** Grants `role` to `account` unless it holds it. Needs DEFAULT_ADMIN_ROLE; never for `admin` (see ADMIN_NOT_GRANTABLE). */
export async function grantRole(s: AdminSigner, ledger: string, role: RoleName, account: string): Promise<Change> {
  if (role === "admin") throw new ChainError("OTHER", ADMIN_NOT_GRANTABLE);
  const c = ledgerAt(ledger, s.wallet);
  if (await hasRole(c, role, account)) return { changed: false };
  return changed(await call(s, c, "grantRole", [ROLES[role], account]));
}

/** Revokes `role` from `account` if it holds it. Needs DEFAULT_ADMIN_ROLE; never for `admin` (see ADMIN_NOT_GRANTABLE). */
export async function revokeRole(s: AdminSigner, ledger: string, role: RoleName, account: string): Promise<Change> {
  if (role === "admin") throw new ChainError("OTHER", ADMIN_NOT_GRANTABLE);
  const c = ledgerAt(ledger, s.wallet);
  if (!(await hasRole(c, role, account))) return { changed: false };
  return changed(await call(s, c, "revokeRole", [ROLES[role], account]));
}

/** Gives up `role` for the sending account if it holds it. */
export async function renounceRole(s: AdminSigner, ledger: string, role: RoleName): Promise<Change> {
  const c = ledgerAt(ledger, s.wallet);
  if (!(await hasRole(c, role, s.wallet.address))) return { changed: false };
  return changed(await call(s, c, "renounceRole", [ROLES[role], s.wallet.address]));
}

/** The admin, the pending handover (if any) and its delays, as the chain has them. */
export async function readAdmin(
  c: LedgerContract,
): Promise<{ admin: string; pending: { account: string; acceptableAt: number } | null; adminDelay: number; recoveryDelay: number }> {
  const admin = (await read(() => c.read("defaultAdmin"))).toLowerCase();
  const { newAdmin: to, schedule } = await read(() => c.read("pendingDefaultAdmin"));
  const adminDelay = Number(await read(() => c.read("defaultAdminDelay")));
  const recoveryDelay = Number(await read(() => c.read("recoveryDelay")));
  const pending = to === ZeroAddress || schedule === 0n ? null : { account: to.toLowerCase(), acceptableAt: Number(schedule) };
  return { admin, pending, adminDelay, recoveryDelay };
}

/** Step 1 of an admin handover, by the admin: `account` may accept after the admin delay. Idempotent. */
export async function beginAdminTransfer(s: AdminSigner, ledger: string, account: string): Promise<Change> {
  const c = ledgerAt(ledger, s.wallet);
  const a = await readAdmin(c);
  if (a.admin === account.toLowerCase() || a.pending?.account === account.toLowerCase()) return { changed: false };
  return changed(await call(s, c, "beginDefaultAdminTransfer", [account]));
}

/** Step 2, by the new admin, once the schedule has passed (strictly after `acceptableAt`). Idempotent. */
export async function acceptAdminTransfer(s: AdminSigner, ledger: string): Promise<Change> {
  const c = ledgerAt(ledger, s.wallet);
  const me = s.wallet.address.toLowerCase();
  const a = await readAdmin(c);
  if (a.admin === me) return { changed: false };
  if (a.pending?.account !== me)
    throw new ChainError(
      "OTHER",
      `no admin handover to ${me} is pending on ${ledger} (the admin starts it with \`dxledger chain transfer-admin --account ${me}\`)`,
    );
  return changed(await call(s, c, "acceptDefaultAdminTransfer", []));
}

export async function hasRole(c: LedgerContract, role: RoleName, account: string): Promise<boolean> {
  return read(() => c.read("hasRole", ROLES[role], account));
}

/** What the ledger holds for `logId` and, when given, `account`. */
export async function readLedger(provider: JsonRpcProvider, ledger: string, logId: string) {
  const c = ledgerAt(ledger, provider);
  const anchorer = (await read(() => c.read("anchorerOf", logId))).toLowerCase();
  const checkpoints = Number(await read(() => c.read("checkpointCount", logId)));
  return { anchorer: anchorer === ZeroAddress ? undefined : anchorer, checkpoints, contract: c };
}

/** Resolves once block `blockNumber` has `confirmations` confirmations (itself counts as one); returns the head. */
export async function waitConfirmations(
  provider: JsonRpcProvider,
  blockNumber: number,
  confirmations: number,
  timeoutMs = DEFAULT_TX_TIMEOUT_MS,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await read(() => provider.getBlockNumber());
    if (head - blockNumber + 1 >= confirmations) return head;
    if (Date.now() > deadline) {
      throw new ChainError(
        "UNAVAILABLE",
        `block ${blockNumber} has ${head - blockNumber + 1} of ${confirmations} confirmations after ${timeoutMs} ms (is the chain producing blocks?)`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function same(a: unknown, b: string): boolean {
  return String(a).toLowerCase() === b.toLowerCase();
}

function changed(sent: SentTx): Change {
  return { changed: true, ...sent };
}

async function read<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toChainError(e);
  }
}

/** Sends `method(args)` to the ledger at `ledger` with the fee rules above; resolves once mined with status 1. */
export function sendLedgerTx<N extends LedgerWrite>(s: AdminSigner, ledger: string, method: N, args: LedgerArgs<N>): Promise<SentTx> {
  return call(s, ledgerAt(ledger, s.wallet), method, args);
}

async function call<N extends LedgerWrite>(s: AdminSigner, c: LedgerContract, method: N, args: LedgerArgs<N>): Promise<SentTx> {
  return (await send(s, method, { to: c.address, data: c.encode(method, args) })).sent;
}

/** The fee fields as ethers transaction overrides. */
function overrides(f: TxFees): TransactionRequest {
  return f.type === 0 ? { type: 0, gasPrice: f.gasPrice } : { type: 2, maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
}

/** Prices, checks funds, sends `req` and waits until it is mined with status 1. */
async function send(s: AdminSigner, what: string, req: TransactionRequest): Promise<{ sent: SentTx; contractAddress: string | null }> {
  const { wallet } = s;
  try {
    const { fees, baseFee } = await feesFor(wallet.provider, s.fees);
    const problem = feeProblem(fees, baseFee);
    if (problem) throw new ChainError(fees.type === 2 && baseFee === undefined ? "OTHER" : "UNDERPRICED", problem);
    const price = pricePerGas(fees);
    const balance = await wallet.provider.getBalance(wallet.address);
    const noFunds = () =>
      new ChainError(
        "INSUFFICIENT_FUNDS",
        `${wallet.address.toLowerCase()} has ${balance} wei, not enough to ${what} at ${price} wei per gas (fund it, or on a free-gas network set GAS_PRICE=0)`,
      );
    if (price > 0n && balance === 0n) throw noFunds();
    const tx: TransactionRequest = { ...req, ...overrides(fees), from: wallet.address };
    const gasLimit = await wallet.estimateGas(tx);
    if (balance < gasLimit * price) throw noFunds();
    const resp = await wallet.sendTransaction({ ...tx, gasLimit });
    const rc = await resp.wait(1, s.txTimeoutMs ?? DEFAULT_TX_TIMEOUT_MS);
    if (rc?.status !== 1) throw new ChainError("REVERTED", `${what} transaction ${resp.hash} failed on chain`);
    return { sent: { txHash: rc.hash.toLowerCase(), blockNumber: rc.blockNumber }, contractAddress: rc.contractAddress };
  } catch (e) {
    throw toChainError(e, what);
  }
}
