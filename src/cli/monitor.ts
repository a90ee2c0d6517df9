/**
 * `dxledger monitor --service URL [--rpc URL] [--contract ADDR] [--log-id HEX]
 *   [--interval MS] [--once] [--json]`: follows the log's checkpoints on chain
 * and alarms when the service does not know one or cannot prove it consistent.
 * With --once: exit 0 if all is well, 1 on any alarm, 2 on error. Followed, it
 * runs until interrupted and prints alarms as they happen.
 */
import { parseArgs } from "node:util";
import { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { Monitor, type MonitorEvent, type MonitorService } from "../services/monitor.ts";
import { chainForCli } from "./chain-for-cli.ts";

export function httpService(base: string): MonitorService {
  const get = async (path: string) => {
    const res = await fetch(`${base.replace(/\/$/, "")}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    async checkpoint(index) {
      const r = await get(index === 0 ? "/v1/checkpoints?limit=1" : `/v1/checkpoints?after=${index - 1}&limit=1`);
      if (r.status !== 200) throw new Error(`GET /v1/checkpoints: ${r.status}`);
      const cp = r.body.checkpoints?.[0];
      return cp && cp.index === index ? { treeSize: cp.treeSize, rootHash: cp.rootHash } : undefined;
    },
    async consistency(from, to) {
      const r = await get(`/v1/proofs/consistency?from=${from}&to=${to}`);
      if (r.status !== 200) throw new Error(`GET /v1/proofs/consistency: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.proof;
    },
  };
}

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
        once: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`dxledger monitor: ${(e as Error).message}\n`);
    return 2;
  }
  const say = (s: string) => process.stderr.write(`dxledger monitor: ${s}\n`);
  if (!o.service) {
    say("--service URL is required (the dxledger service to hold to the chain)");
    return 2;
  }
  const service = httpService(o.service);
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  let client: LedgerClient | undefined;
  try {
    const info = (await (await fetch(`${o.service.replace(/\/$/, "")}/v1/info`)).json()) as { contract: string; logId: string; rpcUrl: string };
    const contract = o.contract ?? info.contract;
    const logId = o["log-id"] ?? info.logId;
    if (!o.contract || !o["log-id"]) say(`NOT PINNED — trusting the service's ${[!o.contract && "contract", !o["log-id"] && "log id"].filter(Boolean).join(" and ")}; pin with --contract and --log-id`);
    chain = await chainForCli(o.rpc ?? info.rpcUrl, env);
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
    const monitor = new Monitor(client, service, logId);
    let alarms = 0;
    const report = (e: MonitorEvent) => {
      if (e.kind === "alarm") alarms++;
      if (o.json) process.stdout.write(`${JSON.stringify(e)}\n`);
      else if (e.kind === "ok") process.stdout.write(`ok    checkpoint ${e.index}: size ${e.treeSize}, root ${e.rootHash}\n`);
      else process.stdout.write(`ALARM checkpoint ${e.index}: ${e.reason} ${JSON.stringify(e.evidence)}\n`);
    };
    for (;;) {
      (await monitor.poll()).forEach(report);
      if (o.once) return alarms ? 1 : 0;
      await new Promise((r) => setTimeout(r, Number(o.interval)));
    }
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await client?.close();
    await chain?.stop();
  }
}
