/**
 * `dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]`
 * Runs with the service stopped. Exit: 0 clean, 1 discrepancies (each printed
 * with its seq), 2 error. Without pins it says which chain, contract and log
 * it took from the data dir and the RPC, i.e. what it trusted.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { Store } from "../adapters/leveldb/store.ts";
import { K } from "../adapters/leveldb/keys.ts";
import { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { audit, type AuditReport } from "../services/audit.ts";
import { logIdOf } from "../config.ts";
import { chainForCli } from "./chain-for-cli.ts";

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
    process.stderr.write(`dxledger audit: ${(e as Error).message}\nusage: dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]\n`);
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
  try {
    const deployment = await store.getJson<{ address: string; chainId: number }>(K.deployment);
    const contract = (o.contract ?? env.LEDGER_ADDRESS ?? deployment?.address)?.toLowerCase();
    const logId = (o["log-id"] ?? logIdOf(env.LOG_NAME || "default")).toLowerCase();
    if (!contract) {
      say("no contract: give --contract or LEDGER_ADDRESS (the data dir names none)");
      return 2;
    }
    chain = await chainForCli(o.rpc, { ...env, DATA_DIR: dataDir });
    if (chain.note) say(chain.note);
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
    if (o["chain-id"] !== undefined && Number(o["chain-id"]) !== client.chainId) {
      say(`the RPC is chain ${client.chainId}, pinned chain id is ${o["chain-id"]}`);
      return 2;
    }
    const unpinned = [
      o["chain-id"] === undefined ? `chain id ${client.chainId} (from the RPC)` : "",
      o.contract === undefined ? `contract ${contract} (from ${env.LEDGER_ADDRESS ? "LEDGER_ADDRESS" : "the data dir"})` : "",
      o["log-id"] === undefined ? `log id ${logId} (from LOG_NAME)` : "",
    ].filter(Boolean);
    if (unpinned.length) say(`NOT PINNED — trusting ${unpinned.join(", ")}; pin them with --chain-id, --contract, --log-id`);

    const bar = !o.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: "audit [{bar}] {percentage}% | {value}/{total} entries | ETA {eta}s" }, cliProgress.Presets.shades_classic) : undefined;
    let started = false;
    const report: AuditReport = await audit(store, client, logId, (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    });
    bar?.stop();
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const d of report.discrepancies) process.stdout.write(`${d.seq === undefined ? "-" : `seq ${d.seq}`}\t${d.kind}\t${d.detail}\n`);
      process.stdout.write(
        `${report.entriesChecked} entries, ${report.checkpointsChecked} checkpoints checked: ${report.clean ? "CLEAN" : `${report.discrepancies.length} DISCREPANCIES`}\n`,
      );
    }
    return report.clean ? 0 : 1;
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await client?.close();
    await chain?.stop();
    await store.close();
  }
}
