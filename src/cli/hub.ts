/** `dxledger hub`: federated statistics and provenance across every gateway of one ledger, until SIGINT/SIGTERM. */
import { createLogger } from "../logger.ts";
import { redactUrl } from "../config.ts";
import { redactText } from "../adapters/http/redact.ts";
import { HubConfigError, hubSecrets, loadHubConfig } from "../hub/config.ts";
import { startHub } from "../hub/server.ts";
import { untilSignal } from "./until-signal.ts";

export async function hubCommand(env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = loadHubConfig(env);
  } catch (e) {
    if (e instanceof HubConfigError) {
      process.stderr.write(`dxledger hub: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const log = createLogger({ minLevel: env.LOG_LEVEL === "debug" ? "debug" : "info", secrets: hubSecrets(config) });
  let hub: Awaited<ReturnType<typeof startHub>> | undefined;
  // SIGHUP reads the gateway tokens again (HUB_GATEWAY_TOKENS_FILE); a change of the file does too. Handled from
  // before start to exit: Node's default for SIGHUP would end the hub (a reload while it starts or stops).
  const onHup = () => void hub?.reloadGatewayTokens();
  process.on("SIGHUP", onHup);
  try {
    hub = await startHub(config, log);
  } catch (e) {
    process.stderr.write(`dxledger hub: could not start: ${redactText((e as Error).message.split("\n")[0] ?? "")}\n`);
    return 1;
  }
  const lines = [
    "dxledger hub is running",
    `  API          ${hub.url}/v1/federation`,
    `  chain        ${redactUrl(config.rpcUrl)} (chain id ${hub.chainId})`,
    `  contract     ${hub.contract}`,
    `  gateways     ${hub.logs.length} from the ${hub.directory}: ${hub.logs.map((l) => `${l.name ?? "?"} ${l.url}`).join(", ")}`,
    `  hub tokens   ${config.tokens.map((t) => t.role).join(", ")} (from HUB_TOKENS)`,
    `  gw tokens    ${config.gatewayTokens.size}${config.gatewayTokenSources.file ? ` (HUB_GATEWAY_TOKENS_FILE is read again when it changes, and on SIGHUP)` : ""}`,
    `  timeout      ${config.timeoutMs} ms per gateway`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  await untilSignal();
  await hub.stop();
  return 0;
}
