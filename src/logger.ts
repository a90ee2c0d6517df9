/**
 * Line-oriented logger: one JSON object per line on stderr; `silent` for tests.
 * Levels debug < info < warn < error; lines below `minLevel` (LOG_LEVEL) are
 * dropped. Every line MUST pass through `redactText`: credentials in URLs
 * never reach the log.
 */
import type { Logger } from "./adapters/http/errors.ts";
import { redactText } from "./adapters/http/redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER = { debug: 0, info: 1, warn: 2, error: 3 } as const;

export function createLogger(opts: { silent?: boolean; minLevel?: LogLevel; write?: (line: string) => void } = {}): Logger & { debug: NonNullable<Logger["debug"]> } {
  const min = ORDER[opts.minLevel ?? "info"];
  const out = opts.write ?? ((line: string) => process.stderr.write(line));
  const write = (level: LogLevel, msg: string, extra?: unknown): void => {
    if (opts.silent || ORDER[level] < min) return;
    const line: Record<string, unknown> = { t: new Date().toISOString(), level, msg };
    if (extra !== undefined) line.extra = extra;
    out(`${redactText(JSON.stringify(line))}\n`);
  };
  return {
    debug: (m, e) => write("debug", m, e),
    info: (m, e) => write("info", m, e),
    warn: (m, e) => write("warn", m, e),
    error: (m, e) => write("error", m, e),
  };
}
