/**
 * The service's logger: the `Logger` port (src/adapters/http/errors.ts)
 * implemented with pino in src/adapters/log/pino.ts. This module only
 * re-exports it for composition roots (the CLI, scripts, test helpers).
 */
export { createLogger, type LoggerOptions, type LogFormat, type LogLevel } from "./adapters/log/pino.ts";
