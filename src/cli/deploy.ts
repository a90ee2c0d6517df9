/**
 * `dxledger deploy --rpc URL [--anchorer ADDR] [--registrar ADDR] [--admin ADDR] [--log-name NAME]
 *   [--url URL] [--operator DEPT] [--recovery-delay SECONDS] [--admin-delay SECONDS] [--json]`
 *
 * Deploys `ExchangeLedger(adminDelay, deployer, recoveryDelay)`, binds the log
 * to its anchoring account, sets its entry in the federation directory (name,
 * gateway URL, operator department) when --url or --operator is given, grants REGISTRAR_ROLE, optionally starts the admin
 * handover, waits for CONFIRMATIONS, and prints the service's environment.
 *
 * Defaults (docs/operators.md "Running on a consortium chain"):
 * - the key is DEPLOYER_PRIVATE_KEY, from the environment only, never printed;
 *   there is no development-key fallback;
 * - anchorer = the deployer; registrar = the anchorer (the service registers
 *   departments with its anchoring key); admin = the deployer;
 * - recovery delay 7 days (DEFAULT_RECOVERY_DELAY_SECONDS), admin delay 1 day;
 * - `--admin X` (X ≠ deployer): X gets REGISTRAR_ROLE, the deployer starts
 *   the handover of DEFAULT_ADMIN_ROLE to X (two steps: X accepts with
 *   `dxledger chain accept-admin` once the admin delay has passed; the
 *   deployer holds the role until then and loses it when X accepts), and
 *   renounces REGISTRAR_ROLE unless it is the registrar.
 * Exit: 0 deployed, 2 error (one line on stderr).
 */
import { parseArgs } from "node:util";
import { isAddress, Wallet, type JsonRpcProvider } from "ethers";
import { loadChainSettings, logIdOf, redactUrl, type ChainSettings } from "../config.ts";
import { makeProvider } from "../adapters/chain/rpc.ts";
import {
  beginAdminTransfer,
  bindLog,
  DEFAULT_ADMIN_DELAY_SECONDS,
  DEFAULT_RECOVERY_DELAY_SECONDS,
  deployLedger,
  grantRole,
  ledgerAt,
  readAdmin,
  renounceRole,
  waitConfirmations,
  type Change,
  type AdminSigner,
  type SentTx,
} from "../adapters/chain/deploy.ts";
import { probeEvmFeatures, type EvmFeatures } from "../adapters/chain/evm-features.ts";
import { setLogInfo } from "../adapters/chain/log-directory.ts";
import { DEPARTMENT_ID } from "../core/record.ts";
import { nonEmpty } from "./non-empty.ts";

import { CliError, runCli } from "./cli-error.ts";
export { CliError, runCli } from "./cli-error.ts";

export function parse(args: string[], options: Record<string, { type: "string" | "boolean" }>, usage: string): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new CliError(`${(e as Error).message} (${usage})`);
  }
}

export function addressArg(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const valid: boolean = isAddress(value); // not the type guard: `value` stays a string for the message
  if (!valid) throw new CliError(`${name} must be an address (0x + 40 hex digits), got "${value}"`);
  return value.toLowerCase();
}

export function logNameArg(value: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = value ?? nonEmpty(env.LOG_NAME) ?? "default";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new CliError(`log name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, got "${name}"`);
  return name;
}

export function rpcArg(value: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = value ?? nonEmpty(env.RPC_URL);
  if (url === undefined) throw new CliError("no chain: give --rpc URL (or set RPC_URL)");
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new CliError(`--rpc must be an http(s):// URL, got "${redactUrl(url)}"`);
  return url;
}

/** The key of DEPLOYER_PRIVATE_KEY; never printed, never taken from a flag. */
export function deployerKey(env: NodeJS.ProcessEnv): string {
  const key = env.DEPLOYER_PRIVATE_KEY;
  if (!key) throw new CliError("DEPLOYER_PRIVATE_KEY is not set (the deployer's key is read from the environment only; there is no development-key fallback)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError("DEPLOYER_PRIVATE_KEY must be 0x + 64 hex digits");
  return key;
}

/**
 * Opens the chain at `rpcUrl`: asks eth_chainId with a plain bounded request
 * first, so an unreachable node is one clear error (and ethers never starts
 * its retry loop), then returns the provider and the chain id.
 */
export async function openChain(rpcUrl: string, timeoutMs: number): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  const where = redactUrl(rpcUrl);
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const c = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (c?.code ?? c?.message ?? (e as Error).message);
    throw new CliError(`cannot reach the chain at ${where} (${why})`);
  }
  let chainId: number;
  try {
    const body = (await res.json()) as { result?: string };
    chainId = Number(BigInt(body.result ?? "x"));
  } catch {
    throw new CliError(`${where} did not answer eth_chainId as a JSON-RPC node (HTTP ${res.status})`);
  }
  return { provider: makeProvider(rpcUrl, timeoutMs, chainId), chainId };
}

export function chainSettings(env: NodeJS.ProcessEnv): ChainSettings {
  return loadChainSettings(env);
}

/**
 * `--url URL` and `--operator DEPT` of deploy, bind-log and set-log-info (the
 * log's entry in the federation directory); undefined when neither is given.
 * An empty `--operator ""` clears the operator.
 */
export function logInfoArgs(o: Record<string, string | boolean | undefined>): { url?: string; operator?: string } | undefined {
  const url = o.url as string | undefined;
  const operator = o.operator as string | undefined;
  if (url === undefined && operator === undefined) return undefined;
  if (url !== undefined && !/^https?:\/\/[^\s?#]+$/.test(url))
    throw new CliError(`--url must be an http(s):// URL without query or fragment (the gateway's PUBLIC_URL), got "${url}"`);
  if (url !== undefined && Buffer.byteLength(url) > 512) throw new CliError("--url must be at most 512 bytes");
  if (operator !== undefined && operator !== "" && !DEPARTMENT_ID.test(operator))
    throw new CliError(`--operator must be a department id (1–64 of [a-z0-9._-], starting with a letter or digit), got "${operator}"`);
  return { ...(url !== undefined ? { url: url.replace(/\/+$/, "") } : {}), ...(operator !== undefined ? { operator } : {}) };
}

/** Prints one administrative step: what changed, or that it already held. */
export function stepLine(what: string, c: Change): string {
  return c.changed ? `${what} (tx ${c.txHash}, block ${c.blockNumber})` : `${what}: already so, no transaction sent`;
}

export const USAGE =
  "usage: dxledger deploy --rpc URL [--anchorer ADDR] [--registrar ADDR] [--admin ADDR] [--log-name NAME] [--url URL] [--operator DEPT] [--recovery-delay SECONDS] [--admin-delay SECONDS] [--json]";

/** A delay in whole seconds from a flag; `min` is the least the contract accepts. */
export function secondsArg(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,12}$/.test(value) || Number(value) < min) throw new CliError(`${name} must be a whole number of seconds ≥ ${min}, got "${value}"`);
  return Number(value);
}

export function deployCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runCli(async () => {
    const a = deployArgs(args, env);
    const { provider, chainId } = await openChain(a.rpcUrl, a.settings.rpcTimeoutMs);
    try {
      const r = deployRun(a, provider, chainId);
      const d = await deployContract(r);
      const bind = await bindStep(r, d);
      const entry = await directoryStep(r, d);
      const reg = await registrarStep(r, d);
      const handover = await handoverStep(r, d);
      const head = await confirmStep(r, d);
      const evm = await probeEvmFeatures(provider).catch(() => undefined);
      const done: Done = { bind, entry, reg, handover, head, evm, serviceEnv: serviceEnv(r, d.address) };
      if (a.json) printJson(r, d, done);
      else printEnvironment(r, done, env);
      return 0;
    } finally {
      provider.destroy();
    }
  });
}

const DEPLOY_OPTIONS = {
  rpc: { type: "string" },
  anchorer: { type: "string" },
  registrar: { type: "string" },
  admin: { type: "string" },
  "log-name": { type: "string" },
  url: { type: "string" },
  operator: { type: "string" },
  "recovery-delay": { type: "string" },
  "admin-delay": { type: "string" },
  json: { type: "boolean" },
} as const;

/** `deploy`'s arguments and environment, checked. */
interface DeployArgs {
  readonly info: { url?: string; operator?: string } | undefined;
  readonly recoveryDelay: number;
  readonly adminDelay: number;
  readonly rpcUrl: string;
  readonly settings: ChainSettings;
  readonly logName: string;
  readonly key: string;
  readonly anchorer: string | undefined;
  readonly registrar: string | undefined;
  readonly admin: string | undefined;
  readonly json: boolean;
}

/** Checked in this order: the first problem is the one reported. */
function deployArgs(args: string[], env: NodeJS.ProcessEnv): DeployArgs {
  const o = parse(args, DEPLOY_OPTIONS, USAGE);
  return {
    info: logInfoArgs(o),
    recoveryDelay: secondsArg(o["recovery-delay"] as string | undefined, "--recovery-delay", DEFAULT_RECOVERY_DELAY_SECONDS, 1),
    adminDelay: secondsArg(o["admin-delay"] as string | undefined, "--admin-delay", DEFAULT_ADMIN_DELAY_SECONDS, 0),
    rpcUrl: rpcArg(o.rpc as string | undefined, env),
    settings: chainSettings(env),
    logName: logNameArg(o["log-name"] as string | undefined, env),
    key: deployerKey(env),
    anchorer: addressArg(o.anchorer as string | undefined, "--anchorer"),
    registrar: addressArg(o.registrar as string | undefined, "--registrar"),
    admin: addressArg(o.admin as string | undefined, "--admin"),
    json: Boolean(o.json),
  };
}

/** One deployment under way: its arguments, the deployer's signer on the open chain, and the accounts each role goes to. */
interface DeployRun {
  readonly a: DeployArgs;
  readonly s: AdminSigner;
  readonly provider: JsonRpcProvider;
  readonly chainId: number;
  readonly logId: string;
  readonly deployer: string;
  readonly anchorer: string;
  readonly registrar: string;
  readonly admin: string;
  /** A progress line; none with --json. */
  readonly say: (line: string) => void;
}

/** anchorer = the deployer, registrar = the anchorer, admin = the deployer, unless given. */
function deployRun(a: DeployArgs, provider: JsonRpcProvider, chainId: number): DeployRun {
  const wallet = new Wallet(a.key, provider) as AdminSigner["wallet"];
  const deployer = wallet.address.toLowerCase();
  const anchorer = a.anchorer ?? deployer;
  const say = (line: string) => {
    if (!a.json) process.stdout.write(`${line}\n`);
  };
  return {
    a,
    s: { wallet, fees: a.settings.fees },
    provider,
    chainId,
    logId: logIdOf(a.logName),
    deployer,
    anchorer,
    registrar: a.registrar ?? anchorer,
    admin: a.admin ?? deployer,
    say,
  };
}

/** The deployed contract, and how each step after it runs. */
interface Deployed extends SentTx {
  readonly address: string;
  /**
   * Runs one step after the deployment: a failure names the deployed address
   * (to finish by hand); a change raises the block whose confirmations are awaited.
   */
  readonly after: <T>(what: string, f: () => Promise<T>) => Promise<T>;
  /** The block of the deployment or of its latest change. */
  readonly lastBlock: () => number;
}

async function deployContract(r: DeployRun): Promise<Deployed> {
  const { recoveryDelay, adminDelay } = r.a;
  const d = await deployLedger(r.s, r.deployer, { adminDelay, recoveryDelay });
  r.say(
    `ExchangeLedger deployed at ${d.address} on chain ${r.chainId} (tx ${d.txHash}, block ${d.blockNumber}); recovery delay ${recoveryDelay} s, admin delay ${adminDelay} s`,
  );
  let lastBlock = d.blockNumber;
  const track = (c: Change) => {
    if (c.changed) lastBlock = Math.max(lastBlock, c.blockNumber);
  };
  const after = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      const result = await f();
      if (result && typeof result === "object" && "changed" in result) track(result as Change);
      return result;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new CliError(`deployed ExchangeLedger at ${d.address}, but ${what} failed: ${msg} — finish with \`dxledger chain …\` against that address`);
    }
  };
  return { ...d, after, lastBlock: () => lastBlock };
}

async function bindStep(r: DeployRun, d: Deployed): Promise<Change> {
  const bind = await d.after("bindLog", () => bindLog(r.s, d.address, r.logId, r.anchorer));
  r.say(stepLine(`log "${r.a.logName}" (${r.logId}) bound to anchorer ${r.anchorer}`, bind));
  return bind;
}

/** The log's entry in the federation directory, when --url or --operator is given. */
async function directoryStep(r: DeployRun, d: Deployed): Promise<Change | undefined> {
  const { info, logName } = r.a;
  if (!info) return undefined;
  const entry = await d.after("setLogInfo", () => setLogInfo(r.s, ledgerAt(d.address, r.s.wallet), r.logId, logName, info.url ?? "", info.operator ?? ""));
  r.say(stepLine(`log "${logName}" in the directory: URL ${nonEmpty(info.url) ?? "(none)"}, operator ${nonEmpty(info.operator) ?? "(none)"}`, entry));
  return entry;
}

async function registrarStep(r: DeployRun, d: Deployed): Promise<Change> {
  const reg = await d.after("granting REGISTRAR_ROLE", () => grantRole(r.s, d.address, "registrar", r.registrar));
  r.say(stepLine(`REGISTRAR_ROLE held by ${r.registrar}`, reg));
  return reg;
}

/** The handover's transactions (grant_registrar, begin_admin_transfer, renounce_registrar) and when the new admin may accept. */
interface Handover {
  readonly txs: Record<string, string>;
  readonly acceptableAt: number | null;
}

/** With `--admin X` (X ≠ deployer): X gets REGISTRAR_ROLE, the handover to X starts, and the deployer renounces REGISTRAR_ROLE unless it is the registrar. */
async function handoverStep(r: DeployRun, d: Deployed): Promise<Handover> {
  const txs: Record<string, string> = {};
  if (r.admin === r.deployer) return { txs, acceptableAt: null };
  const { admin } = r;
  const g = await d.after(`granting registrar to ${admin}`, () => grantRole(r.s, d.address, "registrar", admin));
  r.say(stepLine(`REGISTRAR_ROLE granted to ${admin}`, g));
  if (g.changed) txs.grant_registrar = g.txHash;
  const t = await d.after(`starting the admin handover to ${admin}`, () => beginAdminTransfer(r.s, d.address, admin));
  if (t.changed) txs.begin_admin_transfer = t.txHash;
  const acceptableAt = (await d.after("reading the admin handover", () => readAdmin(ledgerAt(d.address, r.provider)))).pending?.acceptableAt ?? null;
  r.say(
    stepLine(
      `DEFAULT_ADMIN_ROLE handover to ${admin} started: ${admin} accepts with \`dxledger chain accept-admin\` after ${acceptableAt === null ? "?" : new Date(acceptableAt * 1000).toISOString()} (chain time); the deployer holds it until then`,
      t,
    ),
  );
  if (r.registrar !== r.deployer) {
    const c = await d.after("renouncing the deployer's REGISTRAR_ROLE", () => renounceRole(r.s, d.address, "registrar"));
    r.say(stepLine(`deployer ${r.deployer} renounced REGISTRAR_ROLE`, c));
    if (c.changed) txs.renounce_registrar = c.txHash;
  }
  return { txs, acceptableAt };
}

/** Waits for CONFIRMATIONS on the last block changed; returns the head. */
async function confirmStep(r: DeployRun, d: Deployed): Promise<number> {
  const { confirmations } = r.a.settings;
  const head = await d.after(`waiting for ${confirmations} confirmation(s)`, () => waitConfirmations(r.provider, d.lastBlock(), confirmations));
  r.say(`confirmed: ${confirmations} confirmation(s), head block ${head}`);
  return head;
}

/** What the deployment did, to print. */
interface Done {
  readonly bind: Change;
  readonly entry: Change | undefined;
  readonly reg: Change;
  readonly handover: Handover;
  readonly head: number;
  readonly evm: EvmFeatures | undefined;
  readonly serviceEnv: Record<string, string>;
}

/** The service's environment (RPC_URL without credentials). */
function serviceEnv(r: DeployRun, address: string): Record<string, string> {
  const { rpcUrl, logName, info } = r.a;
  return { RPC_URL: redactUrl(rpcUrl), LEDGER_ADDRESS: address, LOG_NAME: logName, ...(info?.url ? { PUBLIC_URL: info.url } : {}) };
}

function printJson(r: DeployRun, d: Deployed, done: Done): void {
  const { a } = r;
  const { bind, entry, reg, handover } = done;
  const out = {
    address: d.address,
    chainId: r.chainId,
    logId: r.logId,
    logName: a.logName,
    txHash: d.txHash,
    blockNumber: d.blockNumber,
    deployer: r.deployer,
    anchorer: r.anchorer,
    registrar: r.registrar,
    admin: r.admin,
    recoveryDelay: a.recoveryDelay,
    adminDelay: a.adminDelay,
    adminAcceptableAt: handover.acceptableAt,
    bindTxHash: bind.changed ? bind.txHash : null,
    logInfo: a.info ? { url: a.info.url ?? "", operator: a.info.operator ?? "", txHash: entry?.changed ? entry.txHash : null } : null,
    registrarTxHash: reg.changed ? reg.txHash : null,
    handover: handover.txs,
    confirmations: a.settings.confirmations,
    headBlock: done.head,
    evm: done.evm ? { missingForks: done.evm.missingForks } : null,
    env: done.serviceEnv,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function printEnvironment(r: DeployRun, done: Done, env: NodeJS.ProcessEnv): void {
  const { say } = r;
  if (done.evm?.missingForks.length) say(`EVM: the chain lacks ${done.evm.missingForks.join(", ")} (fine: the contract needs berlin)`);
  say("");
  say("Put this in the service's environment:");
  for (const [k, v] of Object.entries(done.serviceEnv)) say(`  ${k}=${v}`);
  say(`  ANCHOR_PRIVATE_KEY=<the private key of ${r.anchorer}; not printed: take it from your secret store>`);
  say("  ADMIN_TOKEN=<a random secret of at least 24 characters, e.g. from `openssl rand -hex 32`>");
  for (const k of ["GAS_PRICE", "TX_TYPE", "MAX_GAS_PRICE", "RPC_TIMEOUT_MS", "CONFIRMATIONS"]) if (env[k]) say(`  ${k}=${env[k]}`);
  if (r.a.rpcUrl !== done.serviceEnv.RPC_URL) say("  (credentials removed from RPC_URL above: put them back)");
}
