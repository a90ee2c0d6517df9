/**
 * The hub's composition root: config → chain view → gateways' HTTP →
 * services → app → listen. `stop()` closes the listener, then the chain
 * connection.
 *
 * The gateway tokens are read again without a restart — `reloadGatewayTokens()`
 * (the CLI calls it on SIGHUP), and when HUB_GATEWAY_TOKENS_FILE changes — and
 * validated as at start: a file with a problem keeps the tokens in force and
 * logs one error naming it. Every request after a reload uses the new tokens.
 */
import type { Server } from "node:http";
import type { Logger } from "../adapters/http/errors.ts";
import { readGatewayTokens, type HubConfig } from "./config.ts";
import type { LogRef } from "./ports.ts";
import { ChainLedgerView } from "./adapters/ledger-view.ts";
import { fetchGateways } from "./adapters/gateway-http.ts";
import { hubTokens } from "./adapters/hub-tokens.ts";
import { watchFile } from "./adapters/file-watch.ts";
import { FederationLogs } from "./services/logs.ts";
import { Gatherer } from "./services/gather.ts";
import { FederatedStats } from "./services/stats.ts";
import { FederatedRecords } from "./services/records.ts";
import { FederationView } from "./services/view.ts";
import { createHubApp } from "./routes/app.ts";

export interface RunningHub {
  readonly url: string;
  readonly chainId: number;
  readonly contract: string;
  readonly directory: string;
  readonly logs: readonly LogRef[];
  /** Reads the gateway tokens again; false (and one error logged) when they have a problem: the old ones stay. */
  reloadGatewayTokens(): boolean;
  stop(): Promise<void>;
}

export async function startHub(config: HubConfig, log: Logger): Promise<RunningHub> {
  const ledger = await ChainLedgerView.connect(config.rpcUrl, config.ledgerAddress, config.timeoutMs);
  try {
    const logs = new FederationLogs(ledger, fetchGateways, config.gateways, config.timeoutMs);
    const first = await logs.list();
    let gatewayTokens = config.gatewayTokens;
    const reloadGatewayTokens = (): boolean => {
      try {
        gatewayTokens = readGatewayTokens(config.gatewayTokenSources);
        log.info("gateway tokens reloaded", { count: gatewayTokens.size });
        return true;
      } catch (e) {
        log.error(`gateway tokens not reloaded, the ${gatewayTokens.size} in force are kept: ${(e as Error).message}`);
        return false;
      }
    };
    // The hub's gateway token for a log: by its URL, else by its log name.
    const tokenFor = (l: LogRef) => gatewayTokens.get(l.url) ?? (l.name ? gatewayTokens.get(l.name) : undefined);
    const gatherer = new Gatherer(logs, ledger, fetchGateways, config.timeoutMs);
    const app = createHubApp({
      tokens: hubTokens(config.tokens),
      stats: new FederatedStats(gatherer, tokenFor),
      records: new FederatedRecords(gatherer, tokenFor),
      view: new FederationView(logs, ledger, fetchGateways, config.timeoutMs, tokenFor),
      log,
      rateLimitRps: config.rateLimitRps,
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host, () => resolve(s));
      s.once("error", reject);
    });
    const file = config.gatewayTokenSources.file;
    let watcher: { close(): void } | undefined;
    try {
      watcher = file ? watchFile(file, reloadGatewayTokens) : undefined;
    } catch (e) {
      // No watch left (inotify limits): the file is still read again on SIGHUP.
      log.error(`HUB_GATEWAY_TOKENS_FILE is not watched (${(e as Error).message}): send SIGHUP after changing it`);
    }
    const addr = server.address() as { port: number };
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${addr.port}`;
    log.info("dxledger hub is listening", { url, chainId: ledger.chainId, contract: ledger.contract, directory: first.source, logs: first.logs.length });
    return {
      url,
      chainId: ledger.chainId,
      contract: ledger.contract,
      directory: first.source,
      logs: first.logs,
      reloadGatewayTokens,
      async stop() {
        watcher?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await ledger.close();
      },
    };
  } catch (e) {
    await ledger.close();
    throw e;
  }
}
