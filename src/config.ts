/**
 * loadConfig(env): validates every variable of `dxledger serve` with the one
 * schema (src/config-schema.ts), reports every problem at once — one line
 * each, naming its variable — and returns a frozen, typed config.
 */
import { resolve } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { ANVIL_DEV_KEY } from "./adapters/chain/anvil.ts";
import type { FeeSettings } from "./adapters/chain/fees.ts";
import { chainEnvSchema, envSchema, presentEnv, problemsOf, type Env } from "./config-schema.ts";

export { DEFAULT_BODY_BUDGET_MB, DEFAULT_MAX_UNANCHORED_AGE_MS, DEFAULT_RATE_LIMIT_RPS } from "./config-schema.ts";

export type LogLevel = Env["LOG_LEVEL"];
export type LogFormat = Env["LOG_FORMAT"];

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
  /** PUBLIC_URL without a trailing slash: where other gateways reach this one (undefined: not published). */
  readonly publicUrl: string | undefined;
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
  /** LOG_FORMAT: json, pretty, or auto (pretty on a terminal). */
  readonly logFormat: LogFormat;
  /** METRICS_TOKEN: a bearer token that may read /metrics only. */
  readonly metricsToken: string | undefined;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

export function logIdOf(logName: string): string {
  return keccak256(toUtf8Bytes(`dxledger:${logName}`));
}

function chainSettingsOf(v: Pick<Env, "GAS_PRICE" | "TX_TYPE" | "MAX_GAS_PRICE" | "RPC_TIMEOUT_MS" | "CONFIRMATIONS" | "TX_REPLACE_AFTER_MS">): ChainSettings {
  const fees: FeeSettings = Object.freeze({
    txType: v.TX_TYPE,
    ...(v.GAS_PRICE !== undefined ? { gasPriceWei: v.GAS_PRICE } : {}),
    ...(v.MAX_GAS_PRICE !== undefined ? { maxGasPriceWei: v.MAX_GAS_PRICE } : {}),
  });
  return Object.freeze({ fees, rpcTimeoutMs: v.RPC_TIMEOUT_MS, confirmations: v.CONFIRMATIONS, replaceAfterMs: v.TX_REPLACE_AFTER_MS });
}

/** Reads GAS_PRICE, TX_TYPE, MAX_GAS_PRICE, RPC_TIMEOUT_MS, CONFIRMATIONS and TX_REPLACE_AFTER_MS; throws ConfigError listing every problem. */
export function loadChainSettings(env: NodeJS.ProcessEnv = process.env): ChainSettings {
  const r = chainEnvSchema.safeParse(presentEnv(env));
  if (!r.success) throw new ConfigError(problemsOf(r.error));
  return chainSettingsOf(r.data);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(presentEnv(env));
  if (!r.success) throw new ConfigError(problemsOf(r.error));
  const v = r.data;
  const embedded = v.RPC_URL === undefined;
  const logName = v.LOG_NAME;
  const chain = chainSettingsOf(v);
  return Object.freeze({
    port: v.PORT,
    host: v.HOST,
    dataDir: resolve(v.DATA_DIR),
    rpcUrl: v.RPC_URL,
    chainPort: v.CHAIN_PORT,
    ledgerAddress: v.LEDGER_ADDRESS?.toLowerCase(),
    logName,
    logId: logIdOf(logName),
    publicUrl: v.PUBLIC_URL?.replace(/\/+$/, ""),
    anchorIntervalMs: v.ANCHOR_INTERVAL_MS,
    anchorMaxLeaves: v.ANCHOR_MAX_LEAVES,
    confirmations: chain.confirmations,
    anchorPrivateKey: v.ANCHOR_PRIVATE_KEY ?? (embedded ? ANVIL_DEV_KEY : ""),
    adminToken: v.ADMIN_TOKEN,
    signerThreads: v.SIGNER_THREADS,
    embedded,
    chain,
    maxUnanchoredAgeMs: v.MAX_UNANCHORED_AGE_MS,
    rateLimitRps: v.RATE_LIMIT_RPS,
    corsOrigins: Object.freeze(v.CORS_ORIGINS),
    bodyBudgetBytes: v.BODY_BUDGET_MB * 1024 * 1024,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    metricsToken: v.METRICS_TOKEN,
  });
}

/** The secrets of `config` (keys, tokens, the RPC URL's credentials): the log adapter blanks them out of every line. */
export function secretsOf(config: Config): string[] {
  const out = [config.anchorPrivateKey, config.anchorPrivateKey.replace(/^0x/i, ""), config.adminToken, config.metricsToken];
  if (config.rpcUrl) {
    try {
      const u = new URL(config.rpcUrl);
      out.push(decodeURIComponent(u.password), decodeURIComponent(u.username));
      for (const [k, val] of u.searchParams) if (SECRET_PARAM.test(k)) out.push(val);
    } catch {
      // not a URL: nothing to take from it (the schema refused it anyway)
    }
  }
  return out.filter((s): s is string => typeof s === "string" && s.length >= 4);
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
