/**
 * The `Logger` port (src/adapters/http/errors.ts) implemented with pino.
 *
 * - JSON, one object per line on stderr: `{"level":"info","time":"…","msg":"…", …fields}`;
 *   pretty lines (pino-pretty) with `format: "pretty"`, or `"auto"` on a terminal.
 * - Inside a request, every line carries its `requestId` (context.ts).
 * - No secret is ever written. Three layers, each enough on its own for what
 *   it covers: pino's `redact` blanks credential fields by name (authorization
 *   headers, tokens, keys, passwords); every finished line then goes through
 *   `scrub`: URL credentials (redact.ts), bearer tokens, dxledger token
 *   secrets, and the configured secret values themselves (`secrets`: the
 *   anchoring key, admin and metrics tokens, the RPC URL's credentials).
 */
import { Writable } from "node:stream";
import { pino, type Logger as Pino } from "pino";
import pretty from "pino-pretty";
import type { Logger } from "../http/errors.ts";
import { redactText } from "../http/redact.ts";
import { requestContext } from "./context.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "auto" | "json" | "pretty";

export interface LoggerOptions {
  /** Writes nothing (tests that do not look at the log). */
  readonly silent?: boolean;
  /** LOG_LEVEL: lines below it are dropped (default info). */
  readonly minLevel?: LogLevel;
  /** LOG_FORMAT (default auto: pretty when stderr is a terminal). */
  readonly format?: LogFormat;
  /** Where lines go instead of stderr (tests capture them). */
  readonly write?: (line: string) => void;
  /** Values that MUST NOT appear in any line (from config.ts `secretsOf`). */
  readonly secrets?: readonly string[];
}

const CENSOR = "[redacted]";

/** Field names whose values are credentials, at the top level and one level down. */
const SECRET_FIELDS = [
  "authorization",
  "cookie",
  "token",
  "secret",
  "password",
  "privateKey",
  "anchorPrivateKey",
  "adminToken",
  "metricsToken",
  "ANCHOR_PRIVATE_KEY",
  "ADMIN_TOKEN",
  "METRICS_TOKEN",
  "DEPLOYER_PRIVATE_KEY",
  "DEPARTMENT_PRIVATE_KEY",
  "DXLEDGER_TOKEN",
];
const REDACT_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), "*.headers.authorization", "*.headers.cookie"];

const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
/** A dxledger API token: the id may be logged, the secret part never. */
const API_TOKEN = /\b(dxl_[A-Za-z0-9]+_)[A-Za-z0-9_-]+/g;

/** `line` without credentials. */
export function scrubber(secrets: readonly string[] = []): (line: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = redactText(line).replace(BEARER, `$1${CENSOR}`).replace(API_TOKEN, `$1${CENSOR}`);
    for (const v of values) if (out.includes(v)) out = out.split(v).join(CENSOR);
    return out;
  };
}

function destination(opts: LoggerOptions): NodeJS.WritableStream | number {
  if (!opts.write) return 2;
  const write = opts.write;
  return new Writable({
    write(chunk, _enc, cb) {
      write(String(chunk));
      cb();
    },
  });
}

/**
 * Lines to file descriptor `fd`. pino's destination already stops writing on
 * EPIPE (the reader is gone); any other write error stops it too, instead of
 * ending the process: logging never takes the service down.
 */
function fdDestination(fd: number): ReturnType<typeof pino.destination> {
  const d = pino.destination({ dest: fd, sync: true });
  d.on("error", () => {
    d.write = () => true;
  });
  return d;
}

const RESERVED = new Set(["level", "time", "msg", "pid", "hostname", "requestId"]);

/** Whether stderr is a terminal, as a boolean: on a pipe or a file `isTTY` is undefined (not false, as @types/node has it). */
const stderrIsTty = (): boolean => (process.stderr as { isTTY?: boolean }).isTTY === true;

/** The pino logger behind `createLogger` (for adapters that want pino itself). */
export function createPino(opts: LoggerOptions = {}): Pino {
  const format = opts.format ?? "auto";
  const dest = destination(opts);
  const usePretty = format === "pretty" || (format === "auto" && !opts.write && stderrIsTty());
  const stream = usePretty
    ? pretty({ destination: dest as never, colorize: !opts.write && stderrIsTty(), sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
    : typeof dest === "number"
      ? fdDestination(dest)
      : dest;
  return pino(
    {
      level: opts.silent ? "silent" : (opts.minLevel ?? "info"),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const c = requestContext.getStore();
        return c ? { requestId: c.requestId } : {};
      },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      hooks: { streamWrite: scrubber(opts.secrets) },
    },
    stream as never,
  );
}

/** The Logger port on pino; `extra` becomes the line's fields (an Error its `err`, anything else `extra`). */
export function createLogger(opts: LoggerOptions = {}): Logger & { debug: NonNullable<Logger["debug"]> } {
  const p = createPino(opts);
  const at = (level: LogLevel) => (msg: string, extra?: unknown) => {
    if (!p.isLevelEnabled(level)) return;
    if (extra === undefined) p[level](msg);
    else if (extra instanceof Error) p[level]({ err: extra }, msg);
    else if (isPlainObject(extra) && !Object.keys(extra).some((k) => RESERVED.has(k) && k !== "requestId")) p[level](extra, msg);
    else p[level]({ extra }, msg);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
