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
import { logIdOf } from "../config.ts";
import { chainForCli } from "./chain-for-cli.ts";
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

// eslint-disable-next-line complexity, max-lines-per-function -- a CLI command's flow from arguments to exit code; to become a list of steps (issue 19 item 3)
export async function auditCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let o;
  try {
    o = parseArgs({
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
  } catch (e) {
    process.stderr.write(
      `dxledger audit: ${(e as Error).message}\nusage: dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]\n`,
    );
    return 2;
  }
  const dataDir = resolve(o["data-dir"] ?? env.DATA_DIR ?? "./data");
  const say = (line: string) => process.stderr.write(`dxledger audit: ${line}\n`);
  let store: Store;
  try {
    store = await Store.open(resolve(dataDir, "ledger"));
  } catch (e) {
    say(`cannot open the store in ${dataDir}: ${(e as Error).message.split("\n")[0]} (is the service still running? stop it first)`);
    return 2;
  }
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  let client: LedgerClient | undefined;
  let pool: SignerPool | undefined;
  try {
    const deployment = await store.getJson<{ address: string; chainId: number; deployedAtBlock?: number; logName?: string; logId?: string }>(K.deployment);
    const contract = (o.contract ?? env.LEDGER_ADDRESS ?? deployment?.address)?.toLowerCase();
    // The log: --log-id, else the one the data dir holds, else LOG_NAME (default "default").
    if (o["log-id"] === undefined && env.LOG_NAME && deployment?.logId && logIdOf(env.LOG_NAME) !== deployment.logId) {
      say(`wrong log: this data dir holds log "${deployment.logName}" (${deployment.logId}), LOG_NAME names "${env.LOG_NAME}"`);
      return 2;
    }
    const logFrom = o["log-id"] !== undefined ? "--log-id" : deployment?.logId ? "the data dir" : env.LOG_NAME ? "LOG_NAME" : 'the default LOG_NAME "default"';
    const logId = (o["log-id"] ?? deployment?.logId ?? logIdOf(nonEmpty(env.LOG_NAME) ?? "default")).toLowerCase();
    if (!contract) {
      say("no contract: give --contract or LEDGER_ADDRESS (the data dir names none)");
      return 2;
    }
    chain = await chainForCli(o.rpc, { ...env, DATA_DIR: dataDir });
    if (chain.note) say(chain.note);
    const rpc = await connectRpc(chain.rpcUrl);
    let ledger;
    try {
      if (o["chain-id"] !== undefined && Number(o["chain-id"]) !== rpc.chainId) {
        say(`wrong chain: the RPC serves chain ${rpc.chainId}, pinned chain id is ${o["chain-id"]}`);
        return 2;
      }
      if (deployment && deployment.chainId !== rpc.chainId) {
        say(`wrong chain: the RPC serves chain ${rpc.chainId}, but this data dir ran against chain ${deployment.chainId} (contract ${deployment.address})`);
        return 2;
      }
      ledger = await inspectLedger(rpc.provider, contract, rpc.chainId);
    } finally {
      rpc.provider.destroy();
    }
    if (ledger.kind === "no-code" || ledger.kind === "not-ledger") {
      say(`wrong contract: ${ledger.message}`);
      return 2;
    }
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
    const unpinned = [
      o["chain-id"] === undefined ? `chain id ${client.chainId} (from the RPC)` : "",
      o.contract === undefined ? `contract ${contract} (from ${env.LEDGER_ADDRESS ? "LEDGER_ADDRESS" : "the data dir"})` : "",
      o["log-id"] === undefined ? `log id ${logId} (from ${logFrom})` : "",
    ].filter(Boolean);
    if (unpinned.length) say(`NOT PINNED — trusting ${unpinned.join(", ")}; pin them with --chain-id, --contract, --log-id`);

    const bar =
      !o.json && process.stderr.isTTY
        ? new cliProgress.SingleBar({ format: "audit [{bar}] {percentage}% | {value}/{total} entries | ETA {eta}s" }, cliProgress.Presets.shades_classic)
        : undefined;
    let started = false;
    if ((await store.size()) >= POOL_FROM_ENTRIES) pool = new SignerPool(eip712Domain(client.chainId, client.address), Math.max(1, availableParallelism() - 1)); // the scan keeps one core
    // The pool's workers are unref'd (they must not keep a service alive): hold the loop open while one works.
    const recover =
      pool &&
      (async (rs: Parameters<SignerPool["recover"]>[0]) => {
        const hold = setInterval(() => {}, 60_000);
        try {
          return await pool!.recover(rs);
        } finally {
          clearInterval(hold);
        }
      });
    const report: AuditReport = await audit(
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
      recover,
    );
    bar?.stop();
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const d of report.discrepancies) process.stdout.write(`${d.seq === undefined ? "-" : `seq ${d.seq}`}\t${d.kind}\t${d.detail}\n`);
      process.stdout.write(
        `${report.entriesChecked} entries, ${report.checkpointsChecked} checkpoints checked${report.pending ? ` (${report.pending} entries not yet anchored: checked against the store and the current registry only)` : ""}: ${report.clean ? "CLEAN" : `${report.discrepancies.length} DISCREPANCIES`}\n`,
      );
    }
    return report.clean ? 0 : 1;
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await pool?.close();
    await client?.close();
    await chain?.stop();
    await store.close();
  }
}
