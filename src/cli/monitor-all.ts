/**
 * `dxledger monitor --all-logs --rpc URL --contract ADDR [--stale-after S]
 *   [--interval MS] [--since-block N] [--once] [--json]`: every log of the
 * ledger's directory on chain, each held to its own gateway (the URL on
 * chain) as `--service` holds one (services/federation/monitor-all.ts), and the
 * department-key recoveries as always. ALARM when a gateway cannot back a
 * checkpoint, cannot be asked (no URL, unreachable, another log), or has
 * stopped anchoring (pending entries older than --stale-after seconds, default
 * 3600, and no checkpoint on chain newer than that). The contract is pinned
 * by the caller: nothing here is taken from a gateway's word.
 * --once: exit 0 all well, 1 any alarm, a recovery pending now or executed
 * since --since-block, 2 on error.
 */
import { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { ChainLogDirectory } from "../adapters/chain/log-directory.ts";
import { HttpGatewayProbe } from "../adapters/http/gateway-probe.ts";
import { FederationMonitor, type FederationEvent } from "../services/federation/monitor-all.ts";
import { chainForCli } from "./chain-for-cli.ts";
import { watchWithKeys } from "./monitor-report.ts";
import { httpService } from "./monitor-http.ts";

type Opts = Record<string, string | boolean | undefined>;

function line(e: FederationEvent): string {
  const who = `log "${e.log.name}" (${e.log.url || "no URL"})`;
  if (e.kind === "ok") return `ok    ${who} checkpoint ${e.index}: size ${e.treeSize}, root ${e.rootHash}`;
  if (e.kind === "alarm") return `ALARM ${who} checkpoint ${e.index}: ${e.reason} ${JSON.stringify(e.evidence)}`;
  if (e.kind === "gateway-alarm") return `ALARM ${who}: ${e.reason}`;
  return `note  ${who}: ${e.reason}`;
}

export async function monitorAllLogs(o: Opts, env: NodeJS.ProcessEnv, say: (s: string) => void): Promise<number> {
  const contract = (o.contract as string | undefined) ?? env.LEDGER_ADDRESS;
  if (!contract || !/^0x[0-9a-fA-F]{40}$/.test(contract)) {
    say("--all-logs needs --contract ADDR (or LEDGER_ADDRESS): the ledger whose directory to follow");
    return 2;
  }
  if (o.service) say("--service is ignored with --all-logs: each log's gateway is the URL the directory on chain names");
  const staleAfter = String(o["stale-after"] ?? "3600");
  if (!/^\d{1,9}$/.test(staleAfter) || Number(staleAfter) < 1) {
    say(`--stale-after must be a whole number of seconds ≥ 1, got "${staleAfter}"`);
    return 2;
  }
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  let client: LedgerClient | undefined;
  try {
    chain = await chainForCli((o.rpc as string | undefined) ?? env.RPC_URL, env);
    if (chain.note) say(chain.note);
    client = await LedgerClient.connect({ rpcUrl: chain.rpcUrl, address: contract });
    const c = client;
    const fed = new FederationMonitor({
      directory: new ChainLogDirectory(c.contract),
      chain: c,
      serviceAt: httpService,
      probe: new HttpGatewayProbe(),
      staleAfterMs: Number(staleAfter) * 1000,
    });
    const watch = { json: Boolean(o.json), once: Boolean(o.once), interval: Number(o.interval), sinceBlock: Number(o["since-block"]) || 0 };
    return await watchWithKeys(c, watch, async () => {
      let alarms = 0;
      for (const e of await fed.poll()) {
        if (e.kind === "alarm" || e.kind === "gateway-alarm") alarms++;
        process.stdout.write(`${o.json ? JSON.stringify(e) : line(e)}\n`);
      }
      return alarms;
    });
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await client?.close();
    await chain?.stop();
  }
}
