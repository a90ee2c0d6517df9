/** What the ledger client is opened with and what it reports: connection options, deployment delays, fee report, a department on chain. */
import type { ChainMetrics } from "../../ports/metrics.ts";
import type { FeeSettings } from "./fees.ts";

export interface DepartmentOnChain {
  readonly signer: string;
  readonly active: boolean;
}

/** The delays a new ledger is deployed with (constructor arguments). */
export interface LedgerDelays {
  /** Seconds a DEFAULT_ADMIN_ROLE handover waits between its two steps. */
  readonly adminDelay: number;
  /** Seconds between a recovery's proposal and its earliest execution. */
  readonly recoveryDelay: number;
}

/** The embedded development chain: admin handover at once, recoveries after a minute (README "Department keys"). */
export const DEV_DELAYS: LedgerDelays = Object.freeze({ adminDelay: 0, recoveryDelay: 60 });

/** What the chain would make of the anchoring account's next transaction. */
export interface FeeReport {
  readonly mode: "legacy" | "eip1559";
  readonly pricePerGas: string;
  readonly baseFee: string | null;
  readonly balance: string;
  /** Why an anchor would be refused now (fee below base fee, balance too low), if it would. */
  readonly problem: string | undefined;
}

export interface ConnectOptions {
  readonly rpcUrl: string;
  readonly address: string;
  readonly privateKey?: string;
  readonly confirmations?: number;
  readonly fees?: FeeSettings;
  readonly rpcTimeoutMs?: number;
  readonly replaceAfterMs?: number;
  /** Refuse unless the RPC serves this chain id. */
  readonly expectChainId?: number;
  /** Told of every failed call (by ChainError kind) and every confirmed transaction (default: none). */
  readonly metrics?: ChainMetrics;
}
