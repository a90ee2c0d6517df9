/**
 * `dxledger chain status [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]`:
 * what the service needs on chain, each problem with what to do (exit 0 all
 * in place, 1 a problem, 2 usage or an unreachable chain); and the log's entry
 * in the federation directory (name, URL, operator) with the number of logs
 * on the ledger (docs/federation.md "Adding a gateway").
 */
import { formatEther, Wallet, type JsonRpcProvider } from "ethers";
import { logIdOf, type ChainSettings } from "../config.ts";
import { inspectLedger } from "../adapters/chain/contract-check.ts";
import { toChainError } from "../adapters/chain/to-chain-error.ts";
import { hasRole, readAdmin, readLedger } from "../adapters/chain/deploy.ts";
import { ChainLogDirectory } from "../adapters/chain/log-directory.ts";
import { ANCHOR_GAS, feeProblem, feesFor, pricePerGas } from "../adapters/chain/fees.ts";
import { probeEvmFeatures } from "../adapters/chain/evm-features.ts";
import { addressArg, chainSettings, CliError, logNameArg, openChain, parse, rpcArg } from "./deploy.ts";
import { contractArg, USAGE } from "./chain-args.ts";

/** The balance should pay this many anchors. */
export const ANCHORS_AHEAD = 100n;

interface Problem {
  readonly what: string;
  readonly fix: string;
}

export async function status(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const a = statusArgs(args, env);
  const { provider, chainId } = await openChain(a.rpcUrl, a.settings.rpcTimeoutMs);
  const r: Report = { out: { chainId, contract: a.contract, logName: a.logName, logId: a.logId }, lines: [], problems: [] };
  try {
    await checkHead(provider, chainId, r);
    const { led, bound } = await checkLedger(a, provider, chainId, r);
    const account = await checkAnchorer(a, led, bound, r);
    const price = await checkFees(a, provider, r);
    if (account) await checkBalance(provider, account, price, r);
    await checkEvm(provider, r);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`chain status: ${toChainError(e).message}`);
  } finally {
    provider.destroy();
  }
  return printStatus(r, a.json);
}

/** `chain status`'s arguments and environment, checked. */
interface StatusArgs {
  readonly rpcUrl: string;
  readonly contract: string;
  readonly logName: string;
  readonly logId: string;
  readonly settings: ChainSettings;
  /** The account to check as the anchorer: --anchorer, else that of ANCHOR_PRIVATE_KEY, else none (the bound account is checked). */
  readonly anchorer: string | undefined;
  readonly anchorerSource: string | undefined;
  readonly json: boolean;
}

function statusArgs(args: string[], env: NodeJS.ProcessEnv): StatusArgs {
  const o = parse(
    args,
    { rpc: { type: "string" }, contract: { type: "string" }, "log-name": { type: "string" }, anchorer: { type: "string" }, json: { type: "boolean" } },
    USAGE,
  );
  const rpcUrl = rpcArg(o.rpc as string | undefined, env);
  const contract = contractArg(o.contract as string | undefined, env);
  const logName = logNameArg(o["log-name"] as string | undefined, env);
  const settings = chainSettings(env);
  const anchorer = addressArg(o.anchorer as string | undefined, "--anchorer");
  const common = { rpcUrl, contract, logName, logId: logIdOf(logName), settings, json: Boolean(o.json) };
  if (anchorer) return { ...common, anchorer, anchorerSource: "--anchorer" };
  if (!env.ANCHOR_PRIVATE_KEY) return { ...common, anchorer: undefined, anchorerSource: undefined };
  if (!/^0x[0-9a-fA-F]{64}$/.test(env.ANCHOR_PRIVATE_KEY)) throw new CliError("ANCHOR_PRIVATE_KEY must be 0x + 64 hex digits");
  return { ...common, anchorer: new Wallet(env.ANCHOR_PRIVATE_KEY).address.toLowerCase(), anchorerSource: "ANCHOR_PRIVATE_KEY" };
}

/** What the checks found: the JSON answer, the lines of the text answer, and the problems with what to do. */
interface Report {
  readonly out: Record<string, unknown>;
  readonly lines: Array<[string, string]>;
  readonly problems: Problem[];
}

type Ledger = Awaited<ReturnType<typeof readLedger>>;

async function checkHead(provider: JsonRpcProvider, chainId: number, r: Report): Promise<void> {
  const head = await provider.getBlockNumber();
  r.out.headBlock = head;
  r.lines.push(["chain", `id ${chainId}, head block ${head}`]);
}

/** The contract at the address, the log's binding and checkpoints and, on this build of the ledger, its directory entry and admin. */
async function checkLedger(a: StatusArgs, provider: JsonRpcProvider, chainId: number, r: Report): Promise<{ led?: Ledger; bound?: string }> {
  const ins = await inspectLedger(provider, a.contract, chainId);
  r.out.contractKind = ins.kind;
  r.lines.push(["contract", ins.message]);
  if (ins.kind === "no-code" || ins.kind === "not-ledger") {
    r.problems.push({ what: ins.message, fix: "set LEDGER_ADDRESS (or --contract) to the address `dxledger deploy` printed, on this chain" });
    return {};
  }
  const led = await readLedger(provider, a.contract, a.logId);
  const bound = led.anchorer;
  r.out.boundTo = bound ?? null;
  r.out.checkpoints = led.checkpoints;
  r.lines.push(["log", `"${a.logName}" (${a.logId}) ${bound ? `bound to ${bound}` : "NOT bound to any account"}`]);
  r.lines.push(["checkpoints", String(led.checkpoints)]);
  if (ins.kind === "ledger") {
    await checkDirectory(a, led, bound, r);
    await checkAdmin(led, r);
  }
  checkBinding(a, bound, r);
  return { led, bound };
}

/** The log's entry in the federation directory and the number of logs on the ledger. */
async function checkDirectory(a: StatusArgs, led: Ledger, bound: string | undefined, r: Report): Promise<void> {
  const dir = new ChainLogDirectory(led.contract);
  const [e, count] = await Promise.all([dir.entry(a.logId), dir.count()]);
  r.out.logInfo = { name: e.name, url: e.url, operator: e.operator };
  r.out.logCount = count;
  // Not a problem: one gateway alone needs no URL on chain; a federation does (docs/federation.md "Adding a gateway").
  const none = bound
    ? ` (other gateways, hubs and monitors find it by its URL: dxledger chain set-log-info --log-name ${a.logName} --url URL, or PUBLIC_URL)`
    : "";
  r.lines.push([
    "directory",
    `${count} log(s) on the ledger; this one: ${e.name ? `name "${e.name}", URL ${e.url || "(none)"}, operator ${e.operator || "(none)"}` : "no entry set"}${e.url ? "" : none}`,
  ]);
}

async function checkAdmin(led: Ledger, r: Report): Promise<void> {
  const a = await readAdmin(led.contract);
  r.out.admin = a.admin;
  r.out.pendingAdmin = a.pending;
  r.out.adminDelaySeconds = a.adminDelay;
  r.out.recoveryDelaySeconds = a.recoveryDelay;
  r.lines.push([
    "admin",
    `${a.admin} (handover delay ${a.adminDelay} s)${a.pending ? `; handover to ${a.pending.account} pending, acceptable after ${new Date(a.pending.acceptableAt * 1000).toISOString()}` : ""}`,
  ]);
  r.lines.push(["recovery", `a registrar's key recovery waits ${a.recoveryDelay} s (${(a.recoveryDelay / 86400).toFixed(2)} days) before it can be executed`]);
}

/** The log must be bound, and to the anchorer when one is given. */
function checkBinding(a: StatusArgs, bound: string | undefined, r: Report): void {
  const { contract, logName, anchorer } = a;
  if (!bound)
    r.problems.push({
      what: `log "${logName}" is not bound to an anchoring account`,
      fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer <address of ANCHOR_PRIVATE_KEY>`,
    });
  else if (anchorer && bound !== anchorer) {
    r.problems.push({
      what: `log "${logName}" is bound to ${bound}, not to the anchorer ${anchorer} (${a.anchorerSource}): every anchor would revert`,
      fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer ${anchorer}, or use the key of ${bound}`,
    });
  }
}

/** The anchoring account (the one given, else the bound one) and its REGISTRAR_ROLE; returns the account. */
async function checkAnchorer(a: StatusArgs, led: Ledger | undefined, bound: string | undefined, r: Report): Promise<string | undefined> {
  const account = a.anchorer ?? bound;
  r.out.anchorer = account ?? null;
  r.out.anchorerSource = a.anchorerSource ?? (bound ? "bound account" : null);
  if (!account) return undefined;
  r.lines.push([
    "anchorer",
    `${account} (${a.anchorerSource ?? "the bound account; give --anchorer or ANCHOR_PRIVATE_KEY to check yours"})${bound ? (bound === account ? ", bound to the log" : ", NOT the bound account") : ""}`,
  ]);
  if (led) {
    const reg = await hasRole(led.contract, "registrar", account);
    r.out.anchorerIsRegistrar = reg;
    r.lines.push(["registrar", reg ? `${account} has REGISTRAR_ROLE` : `${account} lacks REGISTRAR_ROLE`]);
    if (!reg)
      r.problems.push({
        what: `${account} lacks REGISTRAR_ROLE: POST /v1/departments would fail`,
        fix: `dxledger chain grant --contract ${a.contract} --role registrar --account ${account}`,
      });
  }
  return account;
}

/** The fees a transaction would pay; returns the price per gas. */
async function checkFees(a: StatusArgs, provider: JsonRpcProvider, r: Report): Promise<bigint> {
  const settings = a.settings.fees;
  const { fees, baseFee } = await feesFor(provider, settings);
  const price = pricePerGas(fees);
  const feeIssue = feeProblem(fees, baseFee);
  const mode = fees.type === 0 ? "legacy" : "eip1559";
  r.out.fees = { mode, txType: settings.txType, baseFeeWei: baseFee?.toString() ?? null, pricePerGasWei: price.toString() };
  r.lines.push([
    "fees",
    `${mode} (TX_TYPE=${settings.txType}), base fee ${baseFee === undefined ? "none (pre-London)" : `${baseFee} wei`}, paying up to ${price} wei per gas${settings.gasPriceWei !== undefined ? " (GAS_PRICE)" : ""}`,
  ]);
  if (feeIssue) r.problems.push({ what: feeIssue, fix: "set GAS_PRICE / TX_TYPE / MAX_GAS_PRICE to what the chain accepts" });
  return price;
}

/** The anchoring account's balance should pay ANCHORS_AHEAD anchors. */
async function checkBalance(provider: JsonRpcProvider, account: string, price: bigint, r: Report): Promise<void> {
  const balance = await provider.getBalance(account);
  const perAnchor = ANCHOR_GAS * price;
  const affordable = perAnchor === 0n ? null : balance / perAnchor;
  r.out.balanceWei = balance.toString();
  r.out.anchorsAffordable = affordable === null ? "unlimited" : affordable.toString();
  r.lines.push([
    "balance",
    `${formatEther(balance)} (${balance} wei) = ${affordable === null ? "unlimited anchors (free gas)" : `${affordable} anchors at ${ANCHOR_GAS} gas`}`,
  ]);
  if (affordable !== null && affordable < ANCHORS_AHEAD) {
    r.problems.push({
      what: `${account} can pay only ${affordable} anchors (needs ${ANCHORS_AHEAD} × ${ANCHOR_GAS} gas × ${price} wei = ${ANCHORS_AHEAD * perAnchor} wei)`,
      fix: "fund the anchoring account, or on a free-gas network set GAS_PRICE=0",
    });
  }
}

async function checkEvm(provider: JsonRpcProvider, r: Report): Promise<void> {
  const evm = await probeEvmFeatures(provider);
  r.out.evm = { missing: evm.missing, missingForks: evm.missingForks };
  r.lines.push([
    "evm",
    evm.missing.length
      ? `lacks ${evm.missing.map((m) => `${m.opcode} (${m.fork})`).join(", ")}${evm.runsContract ? " — fine: the contract needs berlin" : ""}`
      : "has every probed opcode (istanbul … cancun)",
  ]);
  if (!evm.runsContract) r.problems.push({ what: "the chain lacks istanbul's CHAINID: older than berlin", fix: "the contract needs EVM berlin or later" });
}

/** Prints the report; exit 0 when there is no problem, else 1. */
function printStatus({ out, lines, problems }: Report, json: boolean): number {
  out.ok = problems.length === 0;
  out.problems = problems;
  if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    for (const [k, v] of lines) process.stdout.write(`${k.padEnd(12)} ${v}\n`);
    for (const p of problems) process.stdout.write(`PROBLEM     ${p.what}\n            fix: ${p.fix}\n`);
    process.stdout.write(problems.length ? `status: ${problems.length} problem(s)\n` : "status: OK, everything the service needs is in place\n");
  }
  return problems.length ? 1 : 0;
}
