/** Line-oriented logger: one JSON object per line on stderr; `silent` for tests. */
import type { Logger } from "./adapters/http/errors.ts";

export function createLogger(opts: { silent?: boolean; minLevel?: "info" | "warn" | "error" } = {}): Logger {
  const order = { info: 0, warn: 1, error: 2 } as const;
  const min = order[opts.minLevel ?? "info"];
  const write = (level: keyof typeof order, msg: string, extra?: unknown): void => {
    if (opts.silent || order[level] < min) return;
    const line: Record<string, unknown> = { t: new Date().toISOString(), level, msg };
    if (extra !== undefined) line.extra = extra;
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (m, e) => write("info", m, e),
    warn: (m, e) => write("warn", m, e),
    error: (m, e) => write("error", m, e),
  };
}
