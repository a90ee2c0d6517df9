/**
 * `dxledger chain …`: an existing deployment, read and changed.
 *
 *   chain status   [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]
 *   chain bind-log  --rpc URL --contract ADDR [--log-name NAME] --anchorer ADDR [--url URL] [--operator DEPT] [--json]
 *   chain set-log-info --rpc URL --contract ADDR [--log-name NAME] [--url URL] [--operator DEPT] [--json]
 *                   (the log's entry in the federation directory; an omitted flag keeps what the chain has)
 *   chain grant     --rpc URL --contract ADDR --role registrar|admin --account ADDR [--json]
 *   chain revoke    --rpc URL --contract ADDR --role registrar --account ADDR [--json]
 *   chain transfer-admin --rpc URL --contract ADDR --account ADDR [--json]   (step 1, by the admin)
 *   chain accept-admin   --rpc URL --contract ADDR [--json]                  (step 2, by the new admin, after the admin delay)
 *
 * DEFAULT_ADMIN_ROLE cannot be granted or revoked (AccessControlDefaultAdminRules):
 * `grant|revoke --role admin` say so and send nothing.
 * `--rpc`, `--contract` and `--log-name` default to RPC_URL, LEDGER_ADDRESS and
 * LOG_NAME. The changing commands sign with DEPLOYER_PRIVATE_KEY (the key that
 * holds DEFAULT_ADMIN_ROLE), are idempotent — when the state already holds they
 * say so and send nothing — and exit 0 done, 2 error. `status` exits 0 when
 * everything the service needs is in place, 1 when something is not (each
 * problem printed with what to do), 2 on usage or an unreachable chain.
 */
import { Wallet, type JsonRpcProvider } from "ethers";
import { isChainError } from "../core/chain-error.ts";
import { logIdOf, type ChainSettings } from "../config.ts";
import { inspectLedger } from "../adapters/chain/contract-check.ts";
import { toChainError } from "../adapters/chain/to-chain-error.ts";
import { ChainLogDirectory } from "../adapters/chain/log-directory.ts";
import {
  ledgerAt,
  acceptAdminTransfer,
  ADMIN_NOT_GRANTABLE,
  beginAdminTransfer,
  bindLog,
  grantRole,
  readAdmin,
  revokeRole,
  waitConfirmations,
  type Change,
  type RoleName,
  type AdminSigner,
} from "../adapters/chain/deploy.ts";
import { setLogInfo } from "../adapters/chain/log-directory.ts";
import { addressArg, chainSettings, CliError, deployerKey, logInfoArgs, logNameArg, openChain, parse, rpcArg, runCli, stepLine } from "./deploy.ts";
import { status } from "./chain-status.ts";
import { contractArg, USAGE } from "./chain-args.ts";

export function chainCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "status":
      return runCli(() => status(rest, env));
    case "bind-log":
      return runCli(() => admin("bind-log", rest, env));
    case "set-log-info":
      return runCli(() => admin("set-log-info", rest, env));
    case "grant":
      return runCli(() => admin("grant", rest, env));
    case "revoke":
      return runCli(() => admin("revoke", rest, env));
    case "transfer-admin":
      return runCli(() => admin("transfer-admin", rest, env));
    case "accept-admin":
      return runCli(() => admin("accept-admin", rest, env));
    default:
      process.stderr.write(`dxledger: ${sub ? `unknown chain command ${sub}` : "missing chain command"}\n${USAGE}\n`);
      return Promise.resolve(2);
  }
}

async function requireLedger(provider: JsonRpcProvider, contract: string, chainId: number): Promise<void> {
  let ins;
  try {
    ins = await inspectLedger(provider, contract, chainId);
  } catch (e) {
    throw toChainError(e);
  }
  if (ins.kind === "no-code" || ins.kind === "not-ledger") throw new CliError(ins.message);
}

type AdminCommand = "bind-log" | "set-log-info" | "grant" | "revoke" | "transfer-admin" | "accept-admin";

async function admin(cmd: AdminCommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const a = adminArgs(cmd, args, env);
  const { provider, chainId } = await openChain(a.rpcUrl, a.settings.rpcTimeoutMs);
  try {
    const wallet = new Wallet(a.key, provider) as AdminSigner["wallet"];
    const me = wallet.address.toLowerCase();
    await requireLedger(provider, a.contract, chainId);
    const done = await act(a, { wallet, fees: a.settings.fees }, me).catch((e: unknown) => {
      throw unauthorized(e, me, a.contract);
    });
    await confirm(provider, done, a.settings.confirmations);
    print(a, chainId, done);
    return 0;
  } finally {
    provider.destroy();
  }
}

/** An administrative command's arguments and environment, checked. */
interface AdminArgs {
  readonly cmd: AdminCommand;
  readonly rpcUrl: string;
  readonly contract: string;
  readonly settings: ChainSettings;
  readonly key: string;
  readonly json: boolean;
  /** --url and --operator of bind-log and set-log-info. */
  readonly info: { url?: string; operator?: string } | undefined;
  readonly role?: RoleName;
  readonly account?: string;
  readonly logName?: string;
}

type Options = ReturnType<typeof parse>;

/** Checked in this order: the first problem is the one reported. */
function adminArgs(cmd: AdminCommand, args: string[], env: NodeJS.ProcessEnv): AdminArgs {
  const o = parse(args, optionsOf(cmd), USAGE);
  const rpcUrl = rpcArg(o.rpc as string | undefined, env);
  const contract = contractArg(o.contract as string | undefined, env);
  const settings = chainSettings(env);
  const key = deployerKey(env);
  const info = cmd === "bind-log" || cmd === "set-log-info" ? logInfoArgs(o) : undefined;
  return { cmd, rpcUrl, contract, settings, key, json: Boolean(o.json), info, ...targetArgs(cmd, o, info, env) };
}

function optionsOf(cmd: AdminCommand): Record<string, { type: "string" | "boolean" }> {
  const opts = { rpc: { type: "string" }, contract: { type: "string" }, json: { type: "boolean" } } as const;
  switch (cmd) {
    case "bind-log":
    case "set-log-info":
      return { ...opts, "log-name": { type: "string" }, anchorer: { type: "string" }, url: { type: "string" }, operator: { type: "string" } };
    case "accept-admin":
      return opts;
    case "transfer-admin":
      return { ...opts, account: { type: "string" } };
    case "grant":
    case "revoke":
      return { ...opts, role: { type: "string" }, account: { type: "string" } };
  }
}

/** What the command acts on: the log, the role, the account. */
function targetArgs(cmd: AdminCommand, o: Options, info: AdminArgs["info"], env: NodeJS.ProcessEnv): Pick<AdminArgs, "role" | "account" | "logName"> {
  switch (cmd) {
    case "bind-log": {
      const logName = logNameArg(o["log-name"] as string | undefined, env);
      const account = addressArg(o.anchorer as string | undefined, "--anchorer");
      if (!account) throw new CliError("bind-log needs --anchorer ADDR");
      return { logName, account };
    }
    case "set-log-info": {
      const logName = logNameArg(o["log-name"] as string | undefined, env);
      if (o.anchorer !== undefined) throw new CliError("set-log-info takes no --anchorer (bind the log with bind-log)");
      if (!info) throw new CliError("set-log-info needs --url URL and/or --operator DEPT");
      return { logName };
    }
    case "transfer-admin": {
      const account = addressArg(o.account as string | undefined, "--account");
      if (!account) throw new CliError("transfer-admin needs --account ADDR (the new admin)");
      return { account };
    }
    case "grant":
    case "revoke":
      return roleArgs(cmd, o);
    case "accept-admin":
      return {};
  }
}

function roleArgs(cmd: "grant" | "revoke", o: Options): { role: RoleName; account: string } {
  if (o.role === "admin") throw new CliError(`${ADMIN_NOT_GRANTABLE} (nothing was sent)`);
  if (o.role !== "registrar" && o.role !== "admin")
    throw new CliError(`--role must be registrar or admin, got ${o.role === undefined ? "nothing" : `"${String(o.role)}"`}`);
  const role = o.role;
  const account = addressArg(o.account as string | undefined, "--account");
  if (!account) throw new CliError(`${cmd} needs --account ADDR`);
  return { role, account };
}

/** What the command did: its change, the line that says so, the account it concerns, and the directory entry's change (bind-log and set-log-info with --url or --operator). */
interface Done {
  readonly c: Change;
  readonly line: string;
  readonly account: string | undefined;
  readonly infoChange?: Change;
}

async function act(a: AdminArgs, s: AdminSigner, me: string): Promise<Done> {
  const { contract, role, account } = a;
  switch (a.cmd) {
    case "bind-log":
      return bindLogStep(a, s);
    case "set-log-info": {
      const shown = await setLogInfoStep(s, contract, a.logName!, logIdOf(a.logName!), a.info!);
      return { c: shown.c, line: stepLine(shown.what, shown.c), account, infoChange: shown.c };
    }
    case "grant": {
      const c = await grantRole(s, contract, role!, account!);
      return { c, line: stepLine(`${role} role held by ${account}`, c), account };
    }
    case "transfer-admin": {
      const c = await beginAdminTransfer(s, contract, account!);
      const p = (await readAdmin(ledgerAt(contract, s.wallet.provider))).pending;
      const what = `DEFAULT_ADMIN_ROLE handover to ${account} pending: ${account} runs \`dxledger chain accept-admin\` after ${p ? new Date(p.acceptableAt * 1000).toISOString() : "?"} (chain time)`;
      return { c, line: stepLine(what, c), account };
    }
    case "accept-admin": {
      const c = await acceptAdminTransfer(s, contract);
      return { c, line: stepLine(`DEFAULT_ADMIN_ROLE held by ${me}`, c), account: me };
    }
    case "revoke": {
      const c = await revokeRole(s, contract, role!, account!);
      return { c, line: stepLine(`${role} role not held by ${account}`, c), account };
    }
  }
}

/** Binds the log and, with --url or --operator, sets its directory entry: a line for each. */
async function bindLogStep(a: AdminArgs, s: AdminSigner): Promise<Done> {
  const { contract, logName, account } = a;
  const logId = logIdOf(logName!);
  const c = await bindLog(s, contract, logId, account!);
  const what = `log "${logName}" (${logId}) bound to ${account}`;
  if (!a.info) return { c, line: stepLine(what, c), account };
  const shown = await setLogInfoStep(s, contract, logName!, logId, a.info);
  return { c, line: `${stepLine(what, c)}\n${stepLine(shown.what, shown.c)}`, account, infoChange: shown.c };
}

/** Waits for CONFIRMATIONS on the last block changed, if any. */
async function confirm(provider: JsonRpcProvider, { c, infoChange }: Done, confirmations: number): Promise<void> {
  const last = Math.max(c.changed ? c.blockNumber : 0, infoChange?.changed ? infoChange.blockNumber : 0);
  if (last) await waitConfirmations(provider, last, confirmations);
}

function print({ cmd, contract, role, logName, info, json }: AdminArgs, chainId: number, { c, line, account, infoChange }: Done): void {
  if (!json) {
    process.stdout.write(`${line}\n`);
    return;
  }
  const out = {
    command: cmd,
    chainId,
    contract,
    changed: c.changed,
    txHash: c.changed ? c.txHash : null,
    blockNumber: c.changed ? c.blockNumber : null,
    account,
    ...(role ? { role } : {}),
    ...(logName ? { logName, logId: logIdOf(logName) } : {}),
    ...(info && cmd === "bind-log" ? { logInfoChanged: infoChange?.changed ?? false, logInfoTxHash: infoChange?.changed ? infoChange.txHash : null } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Sets the log's directory entry; a flag not given keeps what the chain has. */
async function setLogInfoStep(
  s: AdminSigner,
  contract: string,
  logName: string,
  logId: string,
  info: { url?: string; operator?: string },
): Promise<{ c: Change; what: string }> {
  const ledger = ledgerAt(contract, s.wallet);
  const cur = await new ChainLogDirectory(ledger).entry(logId);
  const url = info.url ?? cur.url;
  const operator = info.operator ?? cur.operator;
  const c = await setLogInfo(s, ledger, logId, logName, url, operator);
  return { c, what: `log "${logName}" in the directory: URL ${url || "(none)"}, operator ${operator || "(none)"}` };
}

function unauthorized(e: unknown, me: string, contract: string): unknown {
  const name = isChainError(e) ? e.revert?.name : undefined;
  if (name === "UnauthorizedLogEditor")
    return new CliError(`the account ${me} of DEPLOYER_PRIVATE_KEY is neither the admin of ${contract} nor the log's anchorer (nothing was sent)`);
  if (name === "AccessControlUnauthorizedAccount") {
    return new CliError(`the account ${me} of DEPLOYER_PRIVATE_KEY lacks DEFAULT_ADMIN_ROLE on ${contract}: use the admin's key (nothing was sent)`);
  }
  if (name === "AccessControlEnforcedDefaultAdminDelay") return new CliError(`the admin delay has not passed yet: accept later (nothing changed)`);
  return e;
}
