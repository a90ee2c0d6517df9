/**
 * loadConfig(env): validates every variable of SPEC §7 at once, reports every
 * problem in one message, and returns a frozen config.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { ANVIL_DEV_KEY } from "./adapters/chain/anvil.ts";
import type { FeeSettings, TxType } from "./adapters/chain/fees.ts";
import { DEFAULT_RPC_TIMEOUT_MS } from "./adapters/chain/rpc.ts";
import { DEFAULT_REPLACE_AFTER_MS } from "./adapters/chain/tx-sender.ts";
import type { LogLevel } from "./logger.ts";

/** Default MAX_UNANCHORED_AGE_MS: writes are refused once an entry waits this long for its anchor. */
export const DEFAULT_MAX_UNANCHORED_AGE_MS = 600_000;

/**
 * Default RATE_LIMIT_RPS: requests per second per token (unauthenticated: per
 * client address). 5 000 is above what one gateway ingests as single records on
 * two cores (~3 000/s, `npm run bench`), and a batch carries up to 10 000
 * records, so it never slows a department loading in bulk; it stops floods and
 * token guessing.
 */
export const DEFAULT_RATE_LIMIT_RPS = 5000;

/** Default BODY_BUDGET_MB: request body bytes (MiB) in flight across all requests before 503 OVERLOADED. */
export const DEFAULT_BODY_BUDGET_MB = 256;

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** What every command that talks to a chain reads from the environment (serve, deploy, chain …). */
export interface ChainSettings {
  readonly fees: FeeSettings;
  /** RPC_TIMEOUT_MS: the longest any one JSON-RPC call may take. */
  readonly rpcTimeoutMs: number;
  readonly confirmations: number;
  /** TX_REPLACE_AFTER_MS: a transaction unmined this long is replaced (same nonce, higher fee). */
  readonly replaceAfterMs: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly rpcUrl: string | undefined;
  readonly chainPort: number;
  readonly ledgerAddress: string | undefined;
  readonly logName: string;
  readonly logId: string;
  readonly anchorIntervalMs: number;
  readonly anchorMaxLeaves: number;
  readonly confirmations: number;
  readonly anchorPrivateKey: string;
  readonly adminToken: string | undefined;
  /** Worker threads that check signatures (0: on the main thread). */
  readonly signerThreads: number;
  /** True when no RPC_URL is given: the service runs its own local chain. */
  readonly embedded: boolean;
  readonly chain: ChainSettings;
  /** MAX_UNANCHORED_AGE_MS (0: no limit). */
  readonly maxUnanchoredAgeMs: number;
  /** RATE_LIMIT_RPS: requests per second per token, or per client address without one (0: no limit). */
  readonly rateLimitRps: number;
  /** CORS_ORIGINS: browser origins allowed to call the API (empty: CORS closed). */
  readonly corsOrigins: readonly string[];
  /** BODY_BUDGET_MB in bytes: request body bytes in flight across all requests. */
  readonly bodyBudgetBytes: number;
  /** LOG_LEVEL: the lowest level written (client errors are logged at debug). */
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

export function logIdOf(logName: string): string {
  return keccak256(toUtf8Bytes(`dxledger:${logName}`));
}

/** Reads GAS_PRICE, TX_TYPE, MAX_GAS_PRICE, RPC_TIMEOUT_MS and CONFIRMATIONS; throws ConfigError listing every problem. */
export function loadChainSettings(env: NodeJS.ProcessEnv = process.env): ChainSettings {
  const problems: string[] = [];
  const settings = chainSettings(env, problems);
  if (problems.length) throw new ConfigError(problems);
  return settings;
}

/** Readers of environment variables that note every problem in `problems` and fall back to the default. */
function readers(env: NodeJS.ProcessEnv, problems: string[]) {
  const str = (name: string): string | undefined => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  return { str, int };
}

function chainSettings(env: NodeJS.ProcessEnv, problems: string[]): ChainSettings {
  const { str, int } = readers(env, problems);
  const wei = (name: string): bigint | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    if (!/^\d{1,30}$/.test(raw)) {
      problems.push(`${name} must be a whole number of wei (e.g. 0 or 1000000000), got "${raw}"`);
      return undefined;
    }
    return BigInt(raw);
  };
  const gasPriceWei = wei("GAS_PRICE");
  const maxGasPriceWei = wei("MAX_GAS_PRICE");
  const txType = (str("TX_TYPE") ?? "auto") as TxType;
  if (!["auto", "legacy", "eip1559"].includes(txType)) problems.push(`TX_TYPE must be auto, legacy or eip1559, got "${txType}"`);
  if (gasPriceWei !== undefined && maxGasPriceWei !== undefined && gasPriceWei > maxGasPriceWei) {
    problems.push(`GAS_PRICE (${gasPriceWei}) is above MAX_GAS_PRICE (${maxGasPriceWei})`);
  }
  const fees: FeeSettings = Object.freeze({
    txType,
    ...(gasPriceWei !== undefined ? { gasPriceWei } : {}),
    ...(maxGasPriceWei !== undefined ? { maxGasPriceWei } : {}),
  });
  return Object.freeze({
    fees,
    rpcTimeoutMs: int("RPC_TIMEOUT_MS", DEFAULT_RPC_TIMEOUT_MS, 100, 600_000),
    confirmations: int("CONFIRMATIONS", 1, 1, 1000),
    replaceAfterMs: int("TX_REPLACE_AFTER_MS", DEFAULT_REPLACE_AFTER_MS, 100, 3_600_000),
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const chain = chainSettings(env, problems);
  const { str, int } = readers(env, problems);

  const port = int("PORT", 8080, 0, 65535);
  const chainPort = int("CHAIN_PORT", 8545, 1, 65535);
  const host = str("HOST") ?? "127.0.0.1";
  const dataDir = resolve(str("DATA_DIR") ?? "./data");
  const rpcUrl = str("RPC_URL");
  if (rpcUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(rpcUrl)) {
    problems.push(`RPC_URL must be an http:// or https:// URL, got "${redactUrl(rpcUrl)}"`);
  }
  const ledgerAddress = str("LEDGER_ADDRESS")?.toLowerCase();
  if (ledgerAddress !== undefined && !/^0x[0-9a-f]{40}$/.test(ledgerAddress)) {
    problems.push(`LEDGER_ADDRESS must be 0x + 40 hex digits, got "${ledgerAddress}"`);
  }
  const logName = str("LOG_NAME") ?? "default";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(logName)) {
    problems.push(`LOG_NAME must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, got "${logName}"`);
  }
  const anchorIntervalMs = int("ANCHOR_INTERVAL_MS", 5000, 50, 86_400_000);
  const anchorMaxLeaves = int("ANCHOR_MAX_LEAVES", 10_000, 1, 10_000_000);
  const confirmations = chain.confirmations;
  const maxUnanchoredAgeMs = int("MAX_UNANCHORED_AGE_MS", DEFAULT_MAX_UNANCHORED_AGE_MS, 0, 30 * 86_400_000);
  const signerThreads = int("SIGNER_THREADS", availableParallelism(), 0, 64);
  const embedded = rpcUrl === undefined;
  let anchorPrivateKey = str("ANCHOR_PRIVATE_KEY");
  if (anchorPrivateKey === undefined) {
    if (embedded) anchorPrivateKey = ANVIL_DEV_KEY;
    else problems.push("ANCHOR_PRIVATE_KEY is required when RPC_URL is set");
  } else if (!/^0x[0-9a-fA-F]{64}$/.test(anchorPrivateKey)) {
    problems.push("ANCHOR_PRIVATE_KEY must be 0x + 64 hex digits");
  }
  const adminToken = str("ADMIN_TOKEN");
  if (adminToken === undefined && !embedded) problems.push("ADMIN_TOKEN is required when RPC_URL is set");
  if (adminToken !== undefined && adminToken.length < 24) problems.push("ADMIN_TOKEN must be at least 24 characters");
  if (!embedded && ledgerAddress === undefined) problems.push("LEDGER_ADDRESS is required when RPC_URL is set (deploy one with: dxledger deploy --rpc URL)");
  if (maxUnanchoredAgeMs > 0 && maxUnanchoredAgeMs <= anchorIntervalMs) {
    problems.push(`MAX_UNANCHORED_AGE_MS (${maxUnanchoredAgeMs}) must be 0 (no limit) or longer than ANCHOR_INTERVAL_MS (${anchorIntervalMs}), or every write would be refused between anchors`);
  }

  const rateLimitRps = int("RATE_LIMIT_RPS", DEFAULT_RATE_LIMIT_RPS, 0, 1_000_000);
  const bodyBudgetBytes = int("BODY_BUDGET_MB", DEFAULT_BODY_BUDGET_MB, 1, 65_536) * 1024 * 1024;
  const corsOrigins = Object.freeze(corsOriginsOf(str("CORS_ORIGINS"), problems));
  const logLevel = (str("LOG_LEVEL") ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`);

  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host,
    dataDir,
    rpcUrl,
    chainPort,
    ledgerAddress,
    logName,
    logId: logIdOf(logName),
    anchorIntervalMs,
    anchorMaxLeaves,
    confirmations,
    anchorPrivateKey: anchorPrivateKey ?? "",
    adminToken,
    signerThreads,
    embedded,
    chain,
    maxUnanchoredAgeMs,
    rateLimitRps,
    corsOrigins,
    bodyBudgetBytes,
    logLevel,
  });
}

/** CORS_ORIGINS: comma-separated origins (scheme://host[:port], no path, no wildcard). */
function corsOriginsOf(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [];
  const out: string[] = [];
  for (const o of raw.split(",").map((x) => x.trim()).filter(Boolean)) {
    let ok = false;
    try {
      const u = new URL(o);
      ok = (u.protocol === "http:" || u.protocol === "https:") && u.origin === o.replace(/\/$/, "") && !u.username && !u.password;
    } catch {
      ok = false;
    }
    if (ok) out.push(o.replace(/\/$/, ""));
    else problems.push(`CORS_ORIGINS must list origins like https://console.example.org (scheme, host, optional port; no path, no "*"), got "${o}"`);
  }
  return out;
}

/** Query parameters whose values are credentials (API keys in RPC URLs). */
const SECRET_PARAM = /^(api[-_]?key|key|token|access[-_]?token|auth|secret|password|pass)$/i;

/** The URL without credentials (user:password, and key/token query values), safe to print or publish. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, "redacted");
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}
