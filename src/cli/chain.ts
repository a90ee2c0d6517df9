/**
 * `dxledger chain …`: an existing deployment, read and changed.
 *
 *   chain status   [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]
 *   chain bind-log  --rpc URL --contract ADDR [--log-name NAME] --anchorer ADDR [--json]
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
import { formatEther, Wallet, type JsonRpcProvider } from "ethers";
import { isChainError, type ChainError } from "../core/chain-error.ts";
import { logIdOf } from "../config.ts";
import { inspectLedger } from "../adapters/chain/contract-check.ts";
import { toChainError } from "../adapters/chain/to-chain-error.ts";
import { ledgerAt, acceptAdminTransfer, ADMIN_NOT_GRANTABLE, beginAdminTransfer, bindLog, grantRole, hasRole, readAdmin, readLedger, revokeRole, waitConfirmations, type Change, type RoleName, type AdminSigner } from "../adapters/chain/deploy.ts";
import { ANCHOR_GAS, feeProblem, feesFor, pricePerGas } from "../adapters/chain/fees.ts";
import { probeEvmFeatures } from "../adapters/chain/evm-features.ts";
import { addressArg, chainSettings, CliError, deployerKey, logNameArg, openChain, parse, rpcArg, runCli, stepLine } from "./deploy.ts";

/** The balance should pay this many anchors. */
export const ANCHORS_AHEAD = 100n;

const USAGE = `usage:
  dxledger chain status   [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]
  dxledger chain bind-log [--rpc URL] [--contract ADDR] [--log-name NAME] --anchorer ADDR [--json]
  dxledger chain grant    [--rpc URL] [--contract ADDR] --role registrar --account ADDR [--json]
  dxledger chain revoke   [--rpc URL] [--contract ADDR] --role registrar --account ADDR [--json]
  dxledger chain transfer-admin [--rpc URL] [--contract ADDR] --account ADDR [--json]
  dxledger chain accept-admin   [--rpc URL] [--contract ADDR] [--json]`;

export function chainCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "status":
      return runCli(() => status(rest, env));
    case "bind-log":
      return runCli(() => admin("bind-log", rest, env));
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

function contractArg(v: string | undefined, env: NodeJS.ProcessEnv): string {
  const c = addressArg(v ?? (env.LEDGER_ADDRESS || undefined), v === undefined ? "LEDGER_ADDRESS" : "--contract");
  if (!c) throw new CliError("no contract: give --contract ADDR (or set LEDGER_ADDRESS)");
  return c;
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

type AdminCommand = "bind-log" | "grant" | "revoke" | "transfer-admin" | "accept-admin";

async function admin(cmd: AdminCommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const opts = { rpc: { type: "string" }, contract: { type: "string" }, json: { type: "boolean" } } as const;
  const o =
    cmd === "bind-log"
      ? parse(args, { ...opts, "log-name": { type: "string" }, anchorer: { type: "string" } }, USAGE)
      : cmd === "accept-admin"
        ? parse(args, opts, USAGE)
        : cmd === "transfer-admin"
          ? parse(args, { ...opts, account: { type: "string" } }, USAGE)
          : parse(args, { ...opts, role: { type: "string" }, account: { type: "string" } }, USAGE);
  const rpcUrl = rpcArg(o.rpc as string | undefined, env);
  const contract = contractArg(o.contract as string | undefined, env);
  const settings = chainSettings(env);
  const key = deployerKey(env);
  let role: RoleName | undefined;
  let account: string | undefined;
  let logName: string | undefined;
  if (cmd === "bind-log") {
    logName = logNameArg(o["log-name"] as string | undefined, env);
    account = addressArg(o.anchorer as string | undefined, "--anchorer");
    if (!account) throw new CliError("bind-log needs --anchorer ADDR");
  } else if (cmd === "transfer-admin") {
    account = addressArg(o.account as string | undefined, "--account");
    if (!account) throw new CliError("transfer-admin needs --account ADDR (the new admin)");
  } else if (cmd === "grant" || cmd === "revoke") {
    if (o.role === "admin") throw new CliError(`${ADMIN_NOT_GRANTABLE} (nothing was sent)`);
    if (o.role !== "registrar" && o.role !== "admin") throw new CliError(`--role must be registrar or admin, got ${o.role === undefined ? "nothing" : `"${String(o.role)}"`}`);
    role = o.role;
    account = addressArg(o.account as string | undefined, "--account");
    if (!account) throw new CliError(`${cmd} needs --account ADDR`);
  }
  const { provider, chainId } = await openChain(rpcUrl, settings.rpcTimeoutMs);
  try {
    const wallet = new Wallet(key, provider) as AdminSigner["wallet"];
    const me = wallet.address.toLowerCase();
    await requireLedger(provider, contract, chainId);
    const s: AdminSigner = { wallet, fees: settings.fees };
    let c: Change;
    let what: string;
    try {
      if (cmd === "bind-log") {
        c = await bindLog(s, contract, logIdOf(logName!), account!);
        what = `log "${logName}" (${logIdOf(logName!)}) bound to ${account}`;
      } else if (cmd === "grant") {
        c = await grantRole(s, contract, role!, account!);
        what = `${role} role held by ${account}`;
      } else if (cmd === "transfer-admin") {
        c = await beginAdminTransfer(s, contract, account!);
        const p = (await readAdmin(ledgerAt(contract, provider))).pending;
        what = `DEFAULT_ADMIN_ROLE handover to ${account} pending: ${account} runs \`dxledger chain accept-admin\` after ${p ? new Date(p.acceptableAt * 1000).toISOString() : "?"} (chain time)`;
      } else if (cmd === "accept-admin") {
        account = me;
        c = await acceptAdminTransfer(s, contract);
        what = `DEFAULT_ADMIN_ROLE held by ${me}`;
      } else {
        c = await revokeRole(s, contract, role!, account!);
        what = `${role} role not held by ${account}`;
      }
    } catch (e) {
      throw unauthorized(e, me, contract);
    }
    if (c.changed) await waitConfirmations(provider, c.blockNumber, settings.confirmations);
    if (o.json) {
      const out = { command: cmd, chainId, contract, changed: c.changed, txHash: c.changed ? c.txHash : null, blockNumber: c.changed ? c.blockNumber : null, account, ...(role ? { role } : {}), ...(logName ? { logName, logId: logIdOf(logName) } : {}) };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else process.stdout.write(`${stepLine(what, c)}\n`);
    return 0;
  } finally {
    provider.destroy();
  }
}

function unauthorized(e: unknown, me: string, contract: string): unknown {
  const name = isChainError(e) ? (e as ChainError).revert?.name : undefined;
  if (name === "AccessControlUnauthorizedAccount") {
    return new CliError(`the account ${me} of DEPLOYER_PRIVATE_KEY lacks DEFAULT_ADMIN_ROLE on ${contract}: use the admin's key (nothing was sent)`);
  }
  if (name === "AccessControlEnforcedDefaultAdminDelay") return new CliError(`the admin delay has not passed yet: accept later (nothing changed)`);
  return e;
}

interface Problem {
  readonly what: string;
  readonly fix: string;
}

async function status(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const o = parse(args, { rpc: { type: "string" }, contract: { type: "string" }, "log-name": { type: "string" }, anchorer: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const rpcUrl = rpcArg(o.rpc as string | undefined, env);
  const contract = contractArg(o.contract as string | undefined, env);
  const logName = logNameArg(o["log-name"] as string | undefined, env);
  const logId = logIdOf(logName);
  const settings = chainSettings(env);
  let anchorer = addressArg(o.anchorer as string | undefined, "--anchorer");
  let anchorerSource = anchorer ? "--anchorer" : undefined;
  if (!anchorer && env.ANCHOR_PRIVATE_KEY) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(env.ANCHOR_PRIVATE_KEY)) throw new CliError("ANCHOR_PRIVATE_KEY must be 0x + 64 hex digits");
    anchorer = new Wallet(env.ANCHOR_PRIVATE_KEY).address.toLowerCase();
    anchorerSource = "ANCHOR_PRIVATE_KEY";
  }
  const { provider, chainId } = await openChain(rpcUrl, settings.rpcTimeoutMs);
  const problems: Problem[] = [];
  const lines: Array<[string, string]> = [];
  const out: Record<string, unknown> = { chainId, contract, logName, logId };
  try {
    const head = await provider.getBlockNumber();
    out.headBlock = head;
    lines.push(["chain", `id ${chainId}, head block ${head}`]);

    const ins = await inspectLedger(provider, contract, chainId);
    out.contractKind = ins.kind;
    lines.push(["contract", ins.message]);
    let bound: string | undefined;
    let led: Awaited<ReturnType<typeof readLedger>> | undefined;
    if (ins.kind === "no-code" || ins.kind === "not-ledger") {
      problems.push({ what: ins.message, fix: "set LEDGER_ADDRESS (or --contract) to the address `dxledger deploy` printed, on this chain" });
    } else {
      led = await readLedger(provider, contract, logId);
      bound = led.anchorer;
      out.boundTo = bound ?? null;
      out.checkpoints = led.checkpoints;
      lines.push(["log", `"${logName}" (${logId}) ${bound ? `bound to ${bound}` : "NOT bound to any account"}`]);
      lines.push(["checkpoints", String(led.checkpoints)]);
      if (ins.kind === "ledger") {
        const a = await readAdmin(led.contract);
        out.admin = a.admin;
        out.pendingAdmin = a.pending;
        out.adminDelaySeconds = a.adminDelay;
        out.recoveryDelaySeconds = a.recoveryDelay;
        lines.push(["admin", `${a.admin} (handover delay ${a.adminDelay} s)${a.pending ? `; handover to ${a.pending.account} pending, acceptable after ${new Date(a.pending.acceptableAt * 1000).toISOString()}` : ""}`]);
        lines.push(["recovery", `a registrar's key recovery waits ${a.recoveryDelay} s (${(a.recoveryDelay / 86400).toFixed(2)} days) before it can be executed`]);
      }
      if (!bound) problems.push({ what: `log "${logName}" is not bound to an anchoring account`, fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer <address of ANCHOR_PRIVATE_KEY>` });
      else if (anchorer && bound !== anchorer) {
        problems.push({ what: `log "${logName}" is bound to ${bound}, not to the anchorer ${anchorer} (${anchorerSource}): every anchor would revert`, fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer ${anchorer}, or use the key of ${bound}` });
      }
    }
    const account = anchorer ?? bound;
    out.anchorer = account ?? null;
    out.anchorerSource = anchorerSource ?? (bound ? "bound account" : null);
    if (account) {
      lines.push(["anchorer", `${account} (${anchorerSource ?? "the bound account; give --anchorer or ANCHOR_PRIVATE_KEY to check yours"})${bound ? (bound === account ? ", bound to the log" : ", NOT the bound account") : ""}`]);
      if (led) {
        const reg = await hasRole(led.contract, "registrar", account);
        out.anchorerIsRegistrar = reg;
        lines.push(["registrar", reg ? `${account} has REGISTRAR_ROLE` : `${account} lacks REGISTRAR_ROLE`]);
        if (!reg) problems.push({ what: `${account} lacks REGISTRAR_ROLE: POST /v1/departments would fail`, fix: `dxledger chain grant --contract ${contract} --role registrar --account ${account}` });
      }
    }

    const { fees, baseFee } = await feesFor(provider, settings.fees);
    const price = pricePerGas(fees);
    const feeIssue = feeProblem(fees, baseFee);
    out.fees = { mode: fees.type === 0 ? "legacy" : "eip1559", txType: settings.fees.txType, baseFeeWei: baseFee?.toString() ?? null, pricePerGasWei: price.toString() };
    lines.push(["fees", `${fees.type === 0 ? "legacy" : "eip1559"} (TX_TYPE=${settings.fees.txType}), base fee ${baseFee === undefined ? "none (pre-London)" : `${baseFee} wei`}, paying up to ${price} wei per gas${settings.fees.gasPriceWei !== undefined ? " (GAS_PRICE)" : ""}`]);
    if (feeIssue) problems.push({ what: feeIssue, fix: "set GAS_PRICE / TX_TYPE / MAX_GAS_PRICE to what the chain accepts" });
    if (account) {
      const balance = await provider.getBalance(account);
      const perAnchor = ANCHOR_GAS * price;
      const affordable = perAnchor === 0n ? null : balance / perAnchor;
      out.balanceWei = balance.toString();
      out.anchorsAffordable = affordable === null ? "unlimited" : affordable.toString();
      lines.push(["balance", `${formatEther(balance)} (${balance} wei) = ${affordable === null ? "unlimited anchors (free gas)" : `${affordable} anchors at ${ANCHOR_GAS} gas`}`]);
      if (affordable !== null && affordable < ANCHORS_AHEAD) {
        problems.push({ what: `${account} can pay only ${affordable} anchors (needs ${ANCHORS_AHEAD} × ${ANCHOR_GAS} gas × ${price} wei = ${ANCHORS_AHEAD * perAnchor} wei)`, fix: "fund the anchoring account, or on a free-gas network set GAS_PRICE=0" });
      }
    }

    const evm = await probeEvmFeatures(provider);
    out.evm = { missing: evm.missing, missingForks: evm.missingForks };
    lines.push(["evm", evm.missing.length ? `lacks ${evm.missing.map((m) => `${m.opcode} (${m.fork})`).join(", ")}${evm.runsContract ? " — fine: the contract needs berlin" : ""}` : "has every probed opcode (istanbul … cancun)"]);
    if (!evm.runsContract) problems.push({ what: "the chain lacks istanbul's CHAINID: older than berlin", fix: "the contract needs EVM berlin or later" });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`chain status: ${toChainError(e).message}`);
  } finally {
    provider.destroy();
  }
  out.ok = problems.length === 0;
  out.problems = problems;
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    for (const [k, v] of lines) process.stdout.write(`${k.padEnd(12)} ${v}\n`);
    for (const p of problems) process.stdout.write(`PROBLEM     ${p.what}\n            fix: ${p.fix}\n`);
    process.stdout.write(problems.length ? `status: ${problems.length} problem(s)\n` : "status: OK, everything the service needs is in place\n");
  }
  return problems.length ? 1 : 0;
}
