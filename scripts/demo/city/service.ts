/**
 * The demo's service: the embedded default, started in this process through
 * the very code `npm start` runs (loadConfig → startService), on its own data
 * dir. A data dir the demo did not make MUST be new or empty: the demo never
 * writes into an existing installation (./data least of all).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freeLoopbackPort } from "../../../src/adapters/chain/loopback-port.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logger.ts";
import { startService, type RunningService } from "../../../src/server.ts";
import { UsageError, type DemoOptions } from "./options.ts";

/** The data dir to use: a fresh temp dir, or the one given if it is missing or empty. */
export function demoDataDir(o: DemoOptions): string {
  if (o.dataDir === undefined) return mkdtempSync(join(tmpdir(), `dxledger-demo-${o.seed}-`));
  const dir = resolve(o.dataDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UsageError(
      `--data-dir ${dir} is not empty; the demo builds its city only in a new or empty dir (if it holds a city the demo built, look at it with DATA_DIR=${dir} npm start)`,
    );
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function startDemoService(o: DemoOptions, dataDir: string): Promise<RunningService & { chainPort: number }> {
  const chainPort = o.chainPort ?? (await freeLoopbackPort());
  // Only what the demo chooses: an RPC_URL or ADMIN_TOKEN in the caller's environment must not turn the demo away from the embedded default.
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: o.host,
    PORT: String(o.port),
    CHAIN_PORT: String(chainPort),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  const svc = await startService(config, createLogger({ minLevel: config.logLevel }));
  return Object.assign(svc, { chainPort });
}
