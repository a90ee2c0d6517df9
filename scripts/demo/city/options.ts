/** `npm run demo -- [options]`: the demo's command line, validated at once (every problem reported). */
import { isIP } from "node:net";
import { parseArgs } from "node:util";

/** Default volume: the whole demo is ready in well under a minute on two cores (docs/demo.md). */
export const DEFAULT_EXCHANGES = 15_000;
export const DEFAULT_DAYS = 30;
export const DEFAULT_SEED = 1;
export const DEFAULT_PORT = 8080;
/** Loopback: the demo's tokens are printed in the clear, so nothing listens beyond this machine unless asked. */
export const DEFAULT_HOST = "127.0.0.1";

export interface DemoOptions {
  readonly exchanges: number;
  readonly days: number;
  readonly seed: number;
  /** HTTP port; 0: any free port. */
  readonly port: number;
  /** The address every gateway (and the hub) binds: an IPv4 or IPv6 address. */
  readonly host: string;
  /** The embedded chain's port; undefined: any free port. */
  readonly chainPort: number | undefined;
  /** undefined: a new temp dir. */
  readonly dataDir: string | undefined;
  /** 00:00 UTC of the last simulated day, in ms. */
  readonly endDayMs: number;
  /** Gateways on one chain (1: the embedded default); with more, a hub too. */
  readonly gateways: number;
}

export const USAGE = `usage: npm run demo -- [--exchanges N] [--days N] [--seed N] [--end YYYY-MM-DD]
                       [--host ADDR] [--port N] [--chain-port N] [--data-dir DIR] [--gateways N]

Starts the embedded default service and fills it with a simulated city
(80 departments, 10 districts, a few hundred datasets, skewed traffic,
acknowledgements, checkpoints) through the HTTP API, prints the console's
URL and a token per role, and serves until Ctrl-C.

  --exchanges N   exchanges to record (default ${DEFAULT_EXCHANGES})
  --days N        days they are spread over (default ${DEFAULT_DAYS})
  --seed N        the city: the same seed (and --end) gives the same city (default ${DEFAULT_SEED})
  --end DAY       the last simulated day, UTC (default: yesterday)
  --host ADDR     the address to listen on (default ${DEFAULT_HOST}: this machine only;
                  0.0.0.0 for every interface — the printed tokens are then reachable)
  --port N        HTTP port (default ${DEFAULT_PORT}; 0: any free port)
  --chain-port N  the embedded chain's port (default: any free port)
  --data-dir DIR  where the service keeps its data; must be new or empty
                  (default: a new temp dir, kept after exit)
  --gateways N    N gateways on one chain (default 1: the embedded default);
                  with 2 to 8, each has its own log, data dir, port and anchoring
                  account, the departments are spread over them, and a hub
                  answers across all (its URL and tokens are printed)`;

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[], now = Date.now()): DemoOptions | "help" {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      options: {
        exchanges: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
        end: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "chain-port": { type: "string" },
        "data-dir": { type: "string" },
        gateways: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (v.help) return "help";
  const problems: string[] = [];
  const int = (name: string, raw: string | undefined, def: number, min: number, max: number): number => {
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const exchanges = int("exchanges", v.exchanges, DEFAULT_EXCHANGES, 1, 10_000_000);
  const days = int("days", v.days, DEFAULT_DAYS, 1, 3660);
  const seed = int("seed", v.seed, DEFAULT_SEED, 0, 2 ** 32 - 1);
  const port = int("port", v.port, DEFAULT_PORT, 0, 65535);
  const chainPort = v["chain-port"] === undefined ? undefined : int("chain-port", v["chain-port"], 0, 1, 65535);
  const gateways = int("gateways", v.gateways, 1, 1, 8);
  const host = v.host ?? DEFAULT_HOST;
  if (isIP(host) === 0) problems.push(`--host must be an IPv4 or IPv6 address, got "${host}"`);
  const yesterday = Math.floor(now / 86_400_000) * 86_400_000 - 86_400_000;
  let endDayMs = yesterday;
  if (v.end !== undefined) {
    endDayMs = /^\d{4}-\d{2}-\d{2}$/.test(v.end) ? Date.parse(`${v.end}T00:00:00.000Z`) : Number.NaN;
    if (Number.isNaN(endDayMs) || new Date(endDayMs).toISOString().slice(0, 10) !== v.end) problems.push(`--end must be a day YYYY-MM-DD, got "${v.end}"`);
  }
  if (problems.length) throw new UsageError(problems.join("\n"));
  return { exchanges, days, seed, port, host, chainPort, dataDir: v["data-dir"], endDayMs, gateways };
}
