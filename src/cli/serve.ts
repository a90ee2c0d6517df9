/** `dxledger serve`: runs the service until SIGINT/SIGTERM, then shuts down in order. */
import { ConfigError, loadConfig, redactUrl, secretsOf } from "../config.ts";
import { createLogger } from "../logger.ts";
import { startService } from "../server.ts";
import { redactText } from "../adapters/http/redact.ts";
import { untilSignal } from "./until-signal.ts";

export async function serveCommand(env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`dxledger: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // Logs: JSON on stderr (pretty on a terminal, or LOG_FORMAT), never a configured secret.
  const log = createLogger({ minLevel: config.logLevel, format: config.logFormat, secrets: secretsOf(config) });
  let svc;
  try {
    svc = await startService(config, log);
  } catch (e) {
    process.stderr.write(`dxledger: could not start: ${redactText((e as Error).message.split("\n")[0] ?? "")}\n`);
    return 1;
  }
  const lines = [
    "dxledger is running",
    `  API          ${svc.url}/v1/info`,
    `  chain        ${redactUrl(svc.rpcUrl)} (chain id ${svc.chainId}${config.embedded ? ", embedded Anvil" : ""})`,
    `  contract     ${svc.contract}`,
    `  log          ${config.logName} (${config.logId})`,
    `  data dir     ${svc.dataDir}`,
    `  limits       ${config.rateLimitRps ? `${config.rateLimitRps} requests/s per token (per address without one)` : "no rate limit (RATE_LIMIT_RPS=0)"}; ${config.bodyBudgetBytes / 1048576} MiB of request bodies in flight`,
    `  CORS         ${config.corsOrigins.length ? config.corsOrigins.join(", ") : "closed (CORS_ORIGINS unset)"}`,
    `  fail-closed  ${config.maxUnanchoredAgeMs ? `writes refused once an entry waits ${config.maxUnanchoredAgeMs / 1000} s for its anchor` : "off (MAX_UNANCHORED_AGE_MS=0)"}`,
  ];
  if (svc.feeProblem) lines.push(`  WARNING      anchoring will fail: ${svc.feeProblem}`);
  if (svc.adminTokenGenerated) lines.push(`  admin token  ${svc.adminToken}   (shown once; also saved in ${svc.adminTokenFile})`);
  else if (svc.adminTokenFile) lines.push(`  admin token  in ${svc.adminTokenFile}`);
  else lines.push("  admin token  from ADMIN_TOKEN");
  process.stdout.write(`${lines.join("\n")}\n`);

  await untilSignal();
  await svc.stop();
  return 0;
}
