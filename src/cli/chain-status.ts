/**
 * `dxledger chain status [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]`:
 * what the service needs on chain, each problem with what to do (exit 0 all
 * in place, 1 a problem, 2 usage or an unreachable chain); and the log's entry
 * in the federation directory (name, URL, operator) with the number of logs
 * on the ledger (docs/federation.md "Adding a gateway").
 */
import { formatEther, Wallet } from "ethers";
import { logIdOf } from "../config.ts";
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

// eslint-disable-next-line complexity, max-lines-per-function -- a CLI command's flow from arguments to exit code; to become a list of steps (issue 19 item 3)
export async function status(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const o = parse(
    args,
    { rpc: { type: "string" }, contract: { type: "string" }, "log-name": { type: "string" }, anchorer: { type: "string" }, json: { type: "boolean" } },
    USAGE,
  );
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
        const dir = new ChainLogDirectory(led.contract);
        const [e, count] = await Promise.all([dir.entry(logId), dir.count()]);
        out.logInfo = { name: e.name, url: e.url, operator: e.operator };
        out.logCount = count;
        // Not a problem: one gateway alone needs no URL on chain; a federation does (docs/federation.md "Adding a gateway").
        const none = bound
          ? ` (other gateways, hubs and monitors find it by its URL: dxledger chain set-log-info --log-name ${logName} --url URL, or PUBLIC_URL)`
          : "";
        lines.push([
          "directory",
          `${count} log(s) on the ledger; this one: ${e.name ? `name "${e.name}", URL ${e.url || "(none)"}, operator ${e.operator || "(none)"}` : "no entry set"}${e.url ? "" : none}`,
        ]);
      }
      if (ins.kind === "ledger") {
        const a = await readAdmin(led.contract);
        out.admin = a.admin;
        out.pendingAdmin = a.pending;
        out.adminDelaySeconds = a.adminDelay;
        out.recoveryDelaySeconds = a.recoveryDelay;
        lines.push([
          "admin",
          `${a.admin} (handover delay ${a.adminDelay} s)${a.pending ? `; handover to ${a.pending.account} pending, acceptable after ${new Date(a.pending.acceptableAt * 1000).toISOString()}` : ""}`,
        ]);
        lines.push([
          "recovery",
          `a registrar's key recovery waits ${a.recoveryDelay} s (${(a.recoveryDelay / 86400).toFixed(2)} days) before it can be executed`,
        ]);
      }
      if (!bound)
        problems.push({
          what: `log "${logName}" is not bound to an anchoring account`,
          fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer <address of ANCHOR_PRIVATE_KEY>`,
        });
      else if (anchorer && bound !== anchorer) {
        problems.push({
          what: `log "${logName}" is bound to ${bound}, not to the anchorer ${anchorer} (${anchorerSource}): every anchor would revert`,
          fix: `dxledger chain bind-log --contract ${contract} --log-name ${logName} --anchorer ${anchorer}, or use the key of ${bound}`,
        });
      }
    }
    const account = anchorer ?? bound;
    out.anchorer = account ?? null;
    out.anchorerSource = anchorerSource ?? (bound ? "bound account" : null);
    if (account) {
      lines.push([
        "anchorer",
        `${account} (${anchorerSource ?? "the bound account; give --anchorer or ANCHOR_PRIVATE_KEY to check yours"})${bound ? (bound === account ? ", bound to the log" : ", NOT the bound account") : ""}`,
      ]);
      if (led) {
        const reg = await hasRole(led.contract, "registrar", account);
        out.anchorerIsRegistrar = reg;
        lines.push(["registrar", reg ? `${account} has REGISTRAR_ROLE` : `${account} lacks REGISTRAR_ROLE`]);
        if (!reg)
          problems.push({
            what: `${account} lacks REGISTRAR_ROLE: POST /v1/departments would fail`,
            fix: `dxledger chain grant --contract ${contract} --role registrar --account ${account}`,
          });
      }
    }

    const { fees, baseFee } = await feesFor(provider, settings.fees);
    const price = pricePerGas(fees);
    const feeIssue = feeProblem(fees, baseFee);
    out.fees = {
      mode: fees.type === 0 ? "legacy" : "eip1559",
      txType: settings.fees.txType,
      baseFeeWei: baseFee?.toString() ?? null,
      pricePerGasWei: price.toString(),
    };
    lines.push([
      "fees",
      `${fees.type === 0 ? "legacy" : "eip1559"} (TX_TYPE=${settings.fees.txType}), base fee ${baseFee === undefined ? "none (pre-London)" : `${baseFee} wei`}, paying up to ${price} wei per gas${settings.fees.gasPriceWei !== undefined ? " (GAS_PRICE)" : ""}`,
    ]);
    if (feeIssue) problems.push({ what: feeIssue, fix: "set GAS_PRICE / TX_TYPE / MAX_GAS_PRICE to what the chain accepts" });
    if (account) {
      const balance = await provider.getBalance(account);
      const perAnchor = ANCHOR_GAS * price;
      const affordable = perAnchor === 0n ? null : balance / perAnchor;
      out.balanceWei = balance.toString();
      out.anchorsAffordable = affordable === null ? "unlimited" : affordable.toString();
      lines.push([
        "balance",
        `${formatEther(balance)} (${balance} wei) = ${affordable === null ? "unlimited anchors (free gas)" : `${affordable} anchors at ${ANCHOR_GAS} gas`}`,
      ]);
      if (affordable !== null && affordable < ANCHORS_AHEAD) {
        problems.push({
          what: `${account} can pay only ${affordable} anchors (needs ${ANCHORS_AHEAD} × ${ANCHOR_GAS} gas × ${price} wei = ${ANCHORS_AHEAD * perAnchor} wei)`,
          fix: "fund the anchoring account, or on a free-gas network set GAS_PRICE=0",
        });
      }
    }

    const evm = await probeEvmFeatures(provider);
    out.evm = { missing: evm.missing, missingForks: evm.missingForks };
    lines.push([
      "evm",
      evm.missing.length
        ? `lacks ${evm.missing.map((m) => `${m.opcode} (${m.fork})`).join(", ")}${evm.runsContract ? " — fine: the contract needs berlin" : ""}`
        : "has every probed opcode (istanbul … cancun)",
    ]);
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
