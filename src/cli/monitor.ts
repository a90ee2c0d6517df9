/**
 * `dxledger monitor --all-logs --rpc URL --contract ADDR [--stale-after S] …`:
 * every log of the ledger's directory, each against its own gateway
 * (cli/monitor-all.ts).
 *
 * `dxledger monitor --service URL [--rpc URL] [--contract ADDR] [--log-id HEX]
 *   [--interval MS] [--since-block N] [--once] [--json]`: follows the log's
 * checkpoints on chain and alarms when the service does not know one or cannot
 * prove it consistent; and follows department-key recoveries (services/
 * key-monitor.ts): ALARM on every proposal and execution, a notice on a
 * cancellation. With --once: exit 0 if all is well; 1 on any checkpoint alarm,
 * a recovery pending now, or a recovery executed at or after --since-block
 * (default 0: ever); 2 on error. Followed, it runs until interrupted and prints
 * alarms as they happen.
 */
import { parseArgs } from "node:util";
import { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { Monitor, type MonitorEvent } from "../services/audit/monitor.ts";
import { chainForCli } from "./chain-for-cli.ts";
import { watchWithKeys } from "./monitor-report.ts";
import { monitorAllLogs } from "./monitor-all.ts";
import { httpService } from "./monitor-http.ts";

export { httpService } from "./monitor-http.ts";

export const USAGE =
  "usage: dxledger monitor --service URL [--rpc URL] [--contract ADDR] [--log-id HEX] [--interval MS] [--since-block N] [--once] [--json]\n" +
  "       dxledger monitor --all-logs [--rpc URL] [--contract ADDR] [--stale-after S] [--interval MS] [--once] [--json]";

export async function monitorCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let o;
  try {
    o = parseArgs({
      args: argv,
      options: {
        service: { type: "string" },
        rpc: { type: "string" },
        contract: { type: "string" },
        "log-id": { type: "string" },
        interval: { type: "string", default: "5000" },
        "since-block": { type: "string", default: "0" },
        once: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "all-logs": { type: "boolean", default: false },
        "stale-after": { type: "string", default: "3600" },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`dxledger monitor: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const say = (s: string) => process.stderr.write(`dxledger monitor: ${s}\n`);
  if (o["all-logs"]) return monitorAllLogs(o, env, say);
  if (!o.service) {
    say(`--service URL is required (the dxledger service to hold to the chain)\n${USAGE}`);
    return 2;
  }
  const service = httpService(o.service);
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  let client: LedgerClient | undefined;
  try {
    const info = (await (await fetch(`${o.service.replace(/\/$/, "")}/v1/info`)).json()) as { contract: string; logId: string; rpcUrl: string };
    const contract = o.contract ?? info.contract;
    const logId = o["log-id"] ?? info.logId;
    if (!o.contract || !o["log-id"])
      say(
        `NOT PINNED — trusting the service's ${[!o.contract && "contract", !o["log-id"] && "log id"].filter(Boolean).join(" and ")}; pin with --contract and --log-id`,
      );
    if (!o.rpc && !env.RPC_URL) say(`NOT PINNED — reading the chain through the service's own RPC (${info.rpcUrl}); give --rpc with your own node`);
    chain = await chainForCli(o.rpc ?? env.RPC_URL ?? info.rpcUrl, env);
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
    const monitor = new Monitor(client, service, logId);
    const report = (e: MonitorEvent) => {
      if (o.json) process.stdout.write(`${JSON.stringify(e)}\n`);
      else if (e.kind === "ok") process.stdout.write(`ok    checkpoint ${e.index}: size ${e.treeSize}, root ${e.rootHash}\n`);
      else process.stdout.write(`ALARM checkpoint ${e.index}: ${e.reason} ${JSON.stringify(e.evidence)}\n`);
    };
    const watch = { json: o.json, once: o.once, interval: Number(o.interval), sinceBlock: Number(o["since-block"]) || 0 };
    return await watchWithKeys(client, watch, async () => {
      const events = await monitor.poll();
      events.forEach(report);
      return events.filter((e) => e.kind === "alarm").length;
    });
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await client?.close();
    await chain?.stop();
  }
}
