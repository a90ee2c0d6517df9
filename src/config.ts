/**
 * loadConfig(env): validates every variable of SPEC §7 at once, reports every
 * problem in one message, and returns a frozen config.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { ANVIL_DEV_KEY } from "./adapters/chain/anvil.ts";

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === "" ? undefined : v;
  };
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

  const port = int("PORT", 8080, 0, 65535);
  const chainPort = int("CHAIN_PORT", 8545, 1, 65535);
  const host = str("HOST") ?? "127.0.0.1";
  const dataDir = resolve(str("DATA_DIR") ?? "./data");
  const rpcUrl = str("RPC_URL");
  if (rpcUrl !== undefined && !/^(https?|wss?):\/\/[^\s]+$/.test(rpcUrl)) {
    problems.push(`RPC_URL must be an http(s):// or ws(s):// URL, got "${rpcUrl}"`);
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
  const confirmations = int("CONFIRMATIONS", 1, 1, 1000);
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
  if (!embedded && ledgerAddress === undefined) problems.push("LEDGER_ADDRESS is required when RPC_URL is set");

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
  });
}

/** The URL without credentials, safe to print or publish. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}
