/**
 * `dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]`
 * Runs with the service stopped. Exit: 0 clean, 1 discrepancies (each printed
 * with its seq), 2 error. Without pins it says which chain, contract and log
 * it took from the data dir and the RPC, i.e. what it trusted.
 *
 * The contract: --contract, else LEDGER_ADDRESS, else the one the data dir
 * remembers (K.deployment). Setup problems end it with one line and exit 2:
 * an RPC serving another chain than the data dir ran against (or than
 * --chain-id), no code at the address, or a contract that is not an ExchangeLedger.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { Store } from "../adapters/leveldb/store.ts";
import { K } from "../adapters/leveldb/keys.ts";
import { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { connectRpc } from "../adapters/chain/rpc.ts";
import { inspectLedger } from "../adapters/chain/contract-check.ts";
import { registryHistories } from "../adapters/chain/registry-history.ts";
import { eip712Domain } from "../core/eip712.ts";
import { audit, type AuditChain, type AuditReport } from "../services/audit/audit.ts";
import { SignerPool } from "../adapters/workers/signer-pool.ts";
import type { RecoverRecords } from "../core/signature-audit.ts";
import { logIdOf } from "../config.ts";
import { chainForCli, type CliChain } from "./chain-for-cli.ts";
import { nonEmpty } from "./non-empty.ts";

/** Below this many entries, signatures are recovered inline (starting worker threads costs more). */
const POOL_FROM_ENTRIES = 20_000;

/** The audit's chain port over a connected ledger client. */
export function auditChainOf(client: LedgerClient): AuditChain {
  return {
    chainId: client.chainId,
    address: client.address,
    checkpointCount: (logId) => client.checkpointCount(logId),
    checkpointAt: (logId, index) => client.checkpointAt(logId, index),
    blockNumber: () => client.blockNumber(),
    keyHistories: () => registryHistories(client.provider, client.address),
  };
}

/** `dxledger audit`: arguments → open the store → connect to the chain → run → print → exit code. */
export async function auditCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = auditArgs(argv, env);
  if (!args) return 2;
  const store = await openStore(args.dataDir);
  if (!store) return 2;
  const held: Held = {};
  try {
    const target = await connect(store, args, env, held);
    const report = await runAudit(store, target, args.json, held);
    printReport(report, args.json);
    return report.clean ? 0 : 1;
  } catch (e) {
    say(e instanceof Refusal ? e.message : `error: ${(e as Error).message}`);
    return 2;
  } finally {
    await held.pool?.close();
    await held.client?.close();
    await held.chain?.stop();
    await store.close();
  }
}

const USAGE = "usage: dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]";

interface AuditArgs {
  readonly dataDir: string;
  readonly rpc: string | undefined;
  readonly json: boolean;
  /** The pins, undefined where not given. */
  readonly chainId: string | undefined;
  readonly contract: string | undefined;
  readonly logId: string | undefined;
}

/** What the command holds open, closed when it ends (whatever it got to). */
interface Held {
  chain?: CliChain;
  client?: LedgerClient;
  pool?: SignerPool;
}

/** What the audit runs against: the ledger client and the log. */
interface Target {
  readonly client: LedgerClient;
  readonly logId: string;
}

interface Deployment {
  address: string;
  chainId: number;
  deployedAtBlock?: number;
  logName?: string;
  logId?: string;
}

/** A setup problem: its line is said as it is, and the command exits 2. */
class Refusal extends Error {}

function say(line: string): void {
  process.stderr.write(`dxledger audit: ${line}\n`);
}

/** The arguments; undefined (with the usage said) when they do not parse. */
function auditArgs(argv: string[], env: NodeJS.ProcessEnv): AuditArgs | undefined {
  try {
    const o = parseArgs({
      args: argv,
      options: {
        "data-dir": { type: "string" },
        rpc: { type: "string" },
        json: { type: "boolean", default: false },
        "chain-id": { type: "string" },
        contract: { type: "string" },
        "log-id": { type: "string" },
      },
    }).values;
    return {
      dataDir: resolve(o["data-dir"] ?? env.DATA_DIR ?? "./data"),
      rpc: o.rpc,
      json: o.json,
      chainId: o["chain-id"],
      contract: o.contract,
      logId: o["log-id"],
    };
  } catch (e) {
    say(`${(e as Error).message}\n${USAGE}`);
    return undefined;
  }
}

/** The data dir's store; undefined (with why said) when it cannot be opened. */
async function openStore(dataDir: string): Promise<Store | undefined> {
  try {
    return await Store.open(resolve(dataDir, "ledger"));
  } catch (e) {
    say(`cannot open the store in ${dataDir}: ${(e as Error).message.split("\n")[0]} (is the service still running? stop it first)`);
    return undefined;
  }
}

/**
 * The log and the contract (pinned, else from the environment or the data dir), the chain checked
 * against the pins and the data dir, the contract checked to be a ledger; says what it trusted unpinned.
 */
async function connect(store: Store, args: AuditArgs, env: NodeJS.ProcessEnv, held: Held): Promise<Target> {
  const deployment = await store.getJson<Deployment>(K.deployment);
  const contract = (args.contract ?? env.LEDGER_ADDRESS ?? deployment?.address)?.toLowerCase();
  const { logId, logFrom } = chooseLog(args, env, deployment);
  if (!contract) throw new Refusal("no contract: give --contract or LEDGER_ADDRESS (the data dir names none)");
  const chain = (held.chain = await chainForCli(args.rpc, { ...env, DATA_DIR: args.dataDir }));
  if (chain.note) say(chain.note);
  await checkLedger(chain.rpcUrl, contract, args, deployment);
  const client = (held.client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract }));
  const unpinned = [
    args.chainId === undefined ? `chain id ${client.chainId} (from the RPC)` : "",
    args.contract === undefined ? `contract ${contract} (from ${env.LEDGER_ADDRESS ? "LEDGER_ADDRESS" : "the data dir"})` : "",
    args.logId === undefined ? `log id ${logId} (from ${logFrom})` : "",
  ].filter(Boolean);
  if (unpinned.length) say(`NOT PINNED — trusting ${unpinned.join(", ")}; pin them with --chain-id, --contract, --log-id`);
  return { client, logId };
}

/** The log: --log-id, else the one the data dir holds, else LOG_NAME (default "default"); and where it came from. */
function chooseLog(args: AuditArgs, env: NodeJS.ProcessEnv, deployment: Deployment | undefined): { logId: string; logFrom: string } {
  if (args.logId === undefined && env.LOG_NAME && deployment?.logId && logIdOf(env.LOG_NAME) !== deployment.logId) {
    throw new Refusal(`wrong log: this data dir holds log "${deployment.logName}" (${deployment.logId}), LOG_NAME names "${env.LOG_NAME}"`);
  }
  const logFrom = args.logId !== undefined ? "--log-id" : deployment?.logId ? "the data dir" : env.LOG_NAME ? "LOG_NAME" : 'the default LOG_NAME "default"';
  const logId = (args.logId ?? deployment?.logId ?? logIdOf(nonEmpty(env.LOG_NAME) ?? "default")).toLowerCase();
  return { logId, logFrom };
}

/** The RPC serves the pinned chain and the one the data dir ran against, and `contract` there is an ExchangeLedger. */
async function checkLedger(rpcUrl: string, contract: string, args: AuditArgs, deployment: Deployment | undefined): Promise<void> {
  const rpc = await connectRpc(rpcUrl);
  let ledger;
  try {
    if (args.chainId !== undefined && Number(args.chainId) !== rpc.chainId) {
      throw new Refusal(`wrong chain: the RPC serves chain ${rpc.chainId}, pinned chain id is ${args.chainId}`);
    }
    if (deployment && deployment.chainId !== rpc.chainId) {
      throw new Refusal(
        `wrong chain: the RPC serves chain ${rpc.chainId}, but this data dir ran against chain ${deployment.chainId} (contract ${deployment.address})`,
      );
    }
    ledger = await inspectLedger(rpc.provider, contract, rpc.chainId);
  } finally {
    rpc.provider.destroy();
  }
  if (ledger.kind === "no-code" || ledger.kind === "not-ledger") throw new Refusal(`wrong contract: ${ledger.message}`);
}

/** The audit, with a progress bar on a terminal, and signatures recovered by a worker pool over a large log. */
async function runAudit(store: Store, target: Target, json: boolean, held: Held): Promise<AuditReport> {
  const { client, logId } = target;
  const bar =
    !json && process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: "audit [{bar}] {percentage}% | {value}/{total} entries | ETA {eta}s" }, cliProgress.Presets.shades_classic)
      : undefined;
  let started = false;
  if ((await store.size()) >= POOL_FROM_ENTRIES)
    held.pool = new SignerPool(eip712Domain(client.chainId, client.address), Math.max(1, availableParallelism() - 1)); // the scan keeps one core
  const report = await audit(
    store,
    auditChainOf(client),
    logId,
    (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    held.pool && recoverHoldingLoop(held.pool),
  );
  bar?.stop();
  return report;
}

/** The pool's workers are unref'd (they must not keep a service alive): hold the loop open while one works. */
function recoverHoldingLoop(pool: SignerPool): RecoverRecords {
  return async (rs) => {
    const hold = setInterval(() => {}, 60_000);
    try {
      return await pool.recover(rs);
    } finally {
      clearInterval(hold);
    }
  };
}

/** The report as JSON, or one line per discrepancy and a summary line. */
function printReport(report: AuditReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const d of report.discrepancies) process.stdout.write(`${d.seq === undefined ? "-" : `seq ${d.seq}`}\t${d.kind}\t${d.detail}\n`);
  const pending = report.pending ? ` (${report.pending} entries not yet anchored: checked against the store and the current registry only)` : "";
  process.stdout.write(
    `${report.entriesChecked} entries, ${report.checkpointsChecked} checkpoints checked${pending}: ${report.clean ? "CLEAN" : `${report.discrepancies.length} DISCREPANCIES`}\n`,
  );
}
