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
} from "../adapters/chain/deploy.ts";
import { probeEvmFeatures } from "../adapters/chain/evm-features.ts";
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

// eslint-disable-next-line max-lines-per-function -- a CLI command's flow from arguments to exit code; to become a list of steps (issue 19 item 3)
export function deployCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // eslint-disable-next-line complexity, max-lines-per-function -- a CLI command's flow from arguments to exit code; to become a list of steps (issue 19 item 3)
  return runCli(async () => {
    const o = parse(
      args,
      {
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
      },
      USAGE,
    );
    const info = logInfoArgs(o);
    const recoveryDelay = secondsArg(o["recovery-delay"] as string | undefined, "--recovery-delay", DEFAULT_RECOVERY_DELAY_SECONDS, 1);
    const adminDelay = secondsArg(o["admin-delay"] as string | undefined, "--admin-delay", DEFAULT_ADMIN_DELAY_SECONDS, 0);
    const rpcUrl = rpcArg(o.rpc as string | undefined, env);
    const settings = chainSettings(env);
    const logName = logNameArg(o["log-name"] as string | undefined, env);
    const key = deployerKey(env);
    const anchorerArg = addressArg(o.anchorer as string | undefined, "--anchorer");
    const registrarArg = addressArg(o.registrar as string | undefined, "--registrar");
    const adminArg = addressArg(o.admin as string | undefined, "--admin");
    const json = Boolean(o.json);
    const say = (line: string) => {
      if (!json) process.stdout.write(`${line}\n`);
    };

    const { provider, chainId } = await openChain(rpcUrl, settings.rpcTimeoutMs);
    try {
      const wallet = new Wallet(key, provider) as AdminSigner["wallet"];
      const deployer = wallet.address.toLowerCase();
      const anchorer = anchorerArg ?? deployer;
      const registrar = registrarArg ?? anchorer;
      const admin = adminArg ?? deployer;
      const logId = logIdOf(logName);
      const s: AdminSigner = { wallet, fees: settings.fees };

      const d = await deployLedger(s, deployer, { adminDelay, recoveryDelay });
      let lastBlock = d.blockNumber;
      const track = (c: Change): Change => {
        if (c.changed) lastBlock = Math.max(lastBlock, c.blockNumber);
        return c;
      };
      say(
        `ExchangeLedger deployed at ${d.address} on chain ${chainId} (tx ${d.txHash}, block ${d.blockNumber}); recovery delay ${recoveryDelay} s, admin delay ${adminDelay} s`,
      );
      const after = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
        try {
          const r = await f();
          if (r && typeof r === "object" && "changed" in r) track(r as Change);
          return r;
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw new CliError(`deployed ExchangeLedger at ${d.address}, but ${what} failed: ${msg} — finish with \`dxledger chain …\` against that address`);
        }
      };
      const bind = await after("bindLog", () => bindLog(s, d.address, logId, anchorer));
      say(stepLine(`log "${logName}" (${logId}) bound to anchorer ${anchorer}`, bind));
      const entry = info
        ? await after("setLogInfo", () => setLogInfo(s, ledgerAt(d.address, wallet), logId, logName, info.url ?? "", info.operator ?? ""))
        : undefined;
      if (entry)
        say(stepLine(`log "${logName}" in the directory: URL ${nonEmpty(info!.url) ?? "(none)"}, operator ${nonEmpty(info!.operator) ?? "(none)"}`, entry));
      const reg = await after("granting REGISTRAR_ROLE", () => grantRole(s, d.address, "registrar", registrar));
      say(stepLine(`REGISTRAR_ROLE held by ${registrar}`, reg));
      const handover: Record<string, string> = {};
      let adminAcceptableAt: number | null = null;
      if (admin !== deployer) {
        const g = await after(`granting registrar to ${admin}`, () => grantRole(s, d.address, "registrar", admin));
        say(stepLine(`REGISTRAR_ROLE granted to ${admin}`, g));
        if (g.changed) handover.grant_registrar = g.txHash;
        const t = await after(`starting the admin handover to ${admin}`, () => beginAdminTransfer(s, d.address, admin));
        if (t.changed) handover.begin_admin_transfer = t.txHash;
        adminAcceptableAt = (await after("reading the admin handover", () => readAdmin(ledgerAt(d.address, provider)))).pending?.acceptableAt ?? null;
        say(
          stepLine(
            `DEFAULT_ADMIN_ROLE handover to ${admin} started: ${admin} accepts with \`dxledger chain accept-admin\` after ${adminAcceptableAt === null ? "?" : new Date(adminAcceptableAt * 1000).toISOString()} (chain time); the deployer holds it until then`,
            t,
          ),
        );
        if (registrar !== deployer) {
          const c = await after("renouncing the deployer's REGISTRAR_ROLE", () => renounceRole(s, d.address, "registrar"));
          say(stepLine(`deployer ${deployer} renounced REGISTRAR_ROLE`, c));
          if (c.changed) handover.renounce_registrar = c.txHash;
        }
      }
      const head = await after(`waiting for ${settings.confirmations} confirmation(s)`, () => waitConfirmations(provider, lastBlock, settings.confirmations));
      say(`confirmed: ${settings.confirmations} confirmation(s), head block ${head}`);
      const evm = await probeEvmFeatures(provider).catch(() => undefined);
      const env2: Record<string, string> = {
        RPC_URL: redactUrl(rpcUrl),
        LEDGER_ADDRESS: d.address,
        LOG_NAME: logName,
        ...(info?.url ? { PUBLIC_URL: info.url } : {}),
      };

      if (json) {
        const out = {
          address: d.address,
          chainId,
          logId,
          logName,
          txHash: d.txHash,
          blockNumber: d.blockNumber,
          deployer,
          anchorer,
          registrar,
          admin,
          recoveryDelay,
          adminDelay,
          adminAcceptableAt,
          bindTxHash: bind.changed ? bind.txHash : null,
          logInfo: info ? { url: info.url ?? "", operator: info.operator ?? "", txHash: entry?.changed ? entry.txHash : null } : null,
          registrarTxHash: reg.changed ? reg.txHash : null,
          handover,
          confirmations: settings.confirmations,
          headBlock: head,
          evm: evm ? { missingForks: evm.missingForks } : null,
          env: env2,
        };
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return 0;
      }
      if (evm?.missingForks.length) say(`EVM: the chain lacks ${evm.missingForks.join(", ")} (fine: the contract needs berlin)`);
      say("");
      say("Put this in the service's environment:");
      for (const [k, v] of Object.entries(env2)) say(`  ${k}=${v}`);
      say(`  ANCHOR_PRIVATE_KEY=<the private key of ${anchorer}; not printed: take it from your secret store>`);
      say("  ADMIN_TOKEN=<a random secret of at least 24 characters, e.g. from `openssl rand -hex 32`>");
      for (const k of ["GAS_PRICE", "TX_TYPE", "MAX_GAS_PRICE", "RPC_TIMEOUT_MS", "CONFIRMATIONS"]) if (env[k]) say(`  ${k}=${env[k]}`);
      if (rpcUrl !== env2.RPC_URL) say("  (credentials removed from RPC_URL above: put them back)");
      return 0;
    } finally {
      provider.destroy();
    }
  });
}
