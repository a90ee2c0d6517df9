/**
 * Every environment variable of `dxledger serve`, as one zod schema: its
 * type, constraints, default and meaning. The schema is the documentation:
 * docs/configuration.md's table is `configTable()` (written by
 * `node scripts/config-table.ts --write`; test/config.test.ts fails when they
 * differ).
 *
 * Contract:
 * - Each variable's problem is one line that names it; a secret's value
 *   (`secret: true`) MUST NOT appear in any message.
 * - An empty variable counts as unset (`FOO= dxledger serve`).
 * - Rules between variables (MAX_UNANCHORED_AGE_MS > ANCHOR_INTERVAL_MS, what
 *   RPC_URL requires, GAS_PRICE ≤ MAX_GAS_PRICE) are checks of the schema too,
 *   run even when another variable is wrong, so every problem is told at once.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { DEFAULT_RPC_TIMEOUT_MS } from "./adapters/chain/rpc.ts";
import { DEFAULT_REPLACE_AFTER_MS } from "./adapters/chain/tx-sender.ts";
import { redactText } from "./adapters/http/redact.ts";

/** Default MAX_UNANCHORED_AGE_MS: writes are refused once an entry waits this long for its anchor. */
export const DEFAULT_MAX_UNANCHORED_AGE_MS = 600_000;
/** Default RATE_LIMIT_RPS (docs/operators.md "Sizing a city" says why 5 000). */
export const DEFAULT_RATE_LIMIT_RPS = 5000;
/** Default BODY_BUDGET_MB: request body bytes (MiB) in flight across all requests before 503 OVERLOADED. */
export const DEFAULT_BODY_BUDGET_MB = 256;

/** What the table shows for a variable: `default` is markdown (a literal default is shown as code). */
export interface VarDoc {
  readonly default: string;
  readonly description: string;
  /** Its value is a credential: never echoed in a problem, never logged. */
  readonly secret?: boolean;
}

const custom = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: "custom", message });

/** An integer variable in [min, max]; `def` when unset. */
function int(def: number, min: number, max: number, d: Omit<VarDoc, "default"> & { default?: string }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return def;
      const n = Number(raw);
      if (/^\d+$/.test(raw) && Number.isSafeInteger(n) && n >= min && n <= max) return n;
      custom(ctx, `must be an integer from ${min} to ${max}, got "${raw}"`);
      return z.NEVER;
    })
    .meta({ default: `\`${def}\``, ...d });
}

/** A string variable matching `re` (`what` says what it must be); `show` prints a bad value in the message. */
function text(re: RegExp | undefined, what: string, d: VarDoc, show: (raw: string) => string | undefined = (raw) => raw) {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (raw === undefined || re === undefined || re.test(raw)) return;
      const shown = d.secret ? undefined : show(raw);
      custom(ctx, `must be ${what}${shown === undefined ? "" : `, got "${shown}"`}`);
    })
    .meta({ ...d });
}

/** A string variable with a default (shown as code in the table). */
function textOr(def: string, re: RegExp | undefined, what: string, d: Omit<VarDoc, "default">) {
  return text(re, what, { default: `\`${def}\``, ...d })
    .transform((raw) => raw ?? def)
    .meta({ default: `\`${def}\``, ...d });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, def: T[number], d: Omit<VarDoc, "default">) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T[number] => {
      if (raw === undefined) return def;
      if ((values as readonly string[]).includes(raw)) return raw;
      custom(ctx, `must be ${values.slice(0, -1).join(", ")} or ${values.at(-1)}, got "${raw}"`);
      return z.NEVER;
    })
    .meta({ default: `\`${def}\``, ...d });
}

const wei = (d: VarDoc) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      if (/^\d{1,30}$/.test(raw)) return BigInt(raw);
      custom(ctx, `must be a whole number of wei (e.g. 0 or 1000000000), got "${raw}"`);
      return z.NEVER;
    })
    .meta({ ...d });

/** CORS_ORIGINS: comma-separated origins (scheme://host[:port], no path, no wildcard); one problem per bad origin. */
const origins = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const out: string[] = [];
    for (const o of (raw ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)) {
      let ok: boolean;
      try {
        const u = new URL(o);
        ok = (u.protocol === "http:" || u.protocol === "https:") && u.origin === o.replace(/\/$/, "") && !u.username && !u.password;
      } catch {
        ok = false;
      }
      if (ok) out.push(o.replace(/\/$/, ""));
      else custom(ctx, `must list origins like https://console.example.org (scheme, host, optional port; no path, no "*"), got "${o}"`);
    }
    return out;
  })
  .meta({
    default: "unset (closed)",
    description:
      "comma-separated browser origins (`https://console.example.org`, no path, no `*`) allowed to call the API. Unset: no CORS header is ever sent, so browsers refuse cross-origin reads.",
  });

/** The variables, without the rules between them (a plain object, so that subsets can be picked). */
export const envShape = z.object({
  PORT: int(8080, 0, 65535, { description: "HTTP listen port (`0`: any free port)" }),
  HOST: textOr("127.0.0.1", undefined, "", { description: "HTTP listen address" }),
  DATA_DIR: textOr("./data", undefined, "", { description: "LevelDB (`ledger/`), the embedded chain's state (`chain/`), `admin-token`" }),
  RPC_URL: text(
    /^https?:\/\/\S+$/,
    "an http:// or https:// URL",
    {
      default: "unset",
      description:
        "EVM JSON-RPC; unset → the embedded local chain. Credentials in it (`user:password@`, `key`/`token` query values) are redacted wherever it is shown or logged",
    },
    (raw) => redactText(raw),
  ),
  CHAIN_PORT: int(8545, 1, 65535, { description: "loopback port of the embedded local chain" }),
  LEDGER_ADDRESS: text(/^0x[0-9a-fA-F]{40}$/, "0x + 40 hex digits", {
    default: "unset",
    description: "deployed `ExchangeLedger`; unset on the embedded chain → deploy (and remember it in the data dir); required with `RPC_URL`",
  }),
  LOG_NAME: textOr("default", /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 of [A-Za-z0-9._-], starting with a letter or digit", {
    description: 'this instance\'s log name; `logId = keccak256("dxledger:" + LOG_NAME)`',
  }),
  PUBLIC_URL: text(/^https?:\/\/[^\s?#]+$/, "an http:// or https:// URL without query or fragment", {
    default: "unset",
    description:
      "the URL other gateways, hubs and monitors reach this gateway at (the federation directory on chain, `GET /v1/federation`). At start, when the log's on-chain URL differs and this gateway's anchoring account is the log's anchorer, it is updated there (one transaction, logged); otherwise a warning. Unset on the embedded chain: the address this gateway listens on (a single install names its own log)",
  }),
  ANCHOR_INTERVAL_MS: int(5000, 50, 86_400_000, { description: "longest time an entry waits to be anchored" }),
  ANCHOR_MAX_LEAVES: int(10_000, 1, 10_000_000, { description: "anchor early when this many entries are pending" }),
  CONFIRMATIONS: int(1, 1, 1000, { description: "blocks before a checkpoint counts as anchored" }),
  ANCHOR_PRIVATE_KEY: text(/^0x[0-9a-fA-F]{64}$/, "0x + 64 hex digits", {
    default: "Anvil's first dev key on the embedded chain",
    description: "the anchoring account; required with `RPC_URL`",
    secret: true,
  }),
  SIGNER_THREADS: int(availableParallelism(), 0, 64, {
    default: "number of CPU cores",
    description: "worker threads that check signatures (0: on the main thread)",
  }),
  ADMIN_TOKEN: text(/^.{24,}$/s, "at least 24 characters", {
    default: "embedded default: generated, printed once, written to `DATA_DIR/admin-token`",
    description: "bootstrap admin bearer token (≥ 24 chars); required with `RPC_URL`",
    secret: true,
  }),
  RPC_TIMEOUT_MS: int(DEFAULT_RPC_TIMEOUT_MS, 100, 600_000, {
    description:
      "the longest any one JSON-RPC call may take; an endpoint that needs the chain answers `503 CHAIN_UNAVAILABLE` within it (twice it when it waits for an anchoring already under way)",
  }),
  GAS_PRICE: wei({
    default: "unset: ask the node",
    description:
      "wei per gas, overriding the node's suggestion; `0` on free-gas networks (legacy: the gas price; EIP-1559: the max fee); at most `MAX_GAS_PRICE`",
  }),
  TX_TYPE: oneOf(["auto", "legacy", "eip1559"], "auto", {
    description: "`auto` (legacy transactions when the latest block has no base fee, EIP-1559 otherwise), `legacy`, `eip1559`",
  }),
  MAX_GAS_PRICE: wei({
    default: "unset: 10 × the first price of each transaction",
    description: "never offer more than this many wei per gas when replacing a stuck transaction; at the cap the last version is broadcast again instead",
  }),
  TX_REPLACE_AFTER_MS: int(DEFAULT_REPLACE_AFTER_MS, 100, 3_600_000, {
    description:
      "an anchoring transaction still unmined after this long is replaced: same nonce, fee + 15 % (never above the cap); a background anchoring gives up after max(60 s, 4 × this) and the next one settles its transaction first",
  }),
  MAX_UNANCHORED_AGE_MS: int(DEFAULT_MAX_UNANCHORED_AGE_MS, 0, 30 * 86_400_000, {
    default: `\`${DEFAULT_MAX_UNANCHORED_AGE_MS}\` (10 min)`,
    description:
      "fail closed: once the oldest unanchored entry is older, writes get `503 ANCHORING_STALLED` until anchoring catches up; `0` = no limit; must exceed `ANCHOR_INTERVAL_MS`",
  }),
  RATE_LIMIT_RPS: int(DEFAULT_RATE_LIMIT_RPS, 0, 1_000_000, {
    description:
      "requests per second per token; requests without a valid token count per client address. `0` = no limit. Over it: `429 RATE_LIMITED` with `Retry-After` and the IETF `RateLimit` / `RateLimit-Policy` headers (draft 8). 5 000 is above what one gateway ingests as single records (~3 000/s here, `npm run bench`), and a batch carries up to 10 000 records: it never slows a department loading in bulk; it stops floods and token guessing.",
  }),
  BODY_BUDGET_MB: int(DEFAULT_BODY_BUDGET_MB, 1, 65_536, {
    description:
      "request body bytes (MiB) in flight across all requests. A request reserves its `Content-Length` (a chunked body reserves 64 MiB, the largest body any route takes) before a byte is read and gives it back when answered; over the budget → `503 OVERLOADED`, `Retry-After: 1`. One request is always let in when none is in flight.",
  }),
  CORS_ORIGINS: origins,
  LOG_LEVEL: oneOf(["debug", "info", "warn", "error"], "info", {
    description:
      'the lowest level logged. Client errors (4xx, and 503 OVERLOADED) are logged at `debug`, and summed in one `info` line a minute at most ("N client error(s) in the last 60 s", by code): a burst of bad requests cannot flood the log. `debug` also logs one line per request.',
  }),
  LOG_FORMAT: oneOf(["auto", "json", "pretty"], "auto", {
    description:
      "`json`: one JSON object per line on stderr (pino); `pretty`: coloured lines for people (pino-pretty); `auto`: pretty when stderr is a terminal, JSON otherwise",
  }),
  METRICS_TOKEN: text(/^[\x21-\x7e]{24,}$/, "at least 24 printable characters, no spaces", {
    default: "unset: only admin tokens may read `/metrics`",
    description:
      "a bearer token that may read `GET /metrics` and nothing else, for Prometheus (`authorization.credentials_file`); admin tokens may read it too",
    secret: true,
  }),
});

export type EnvInput = z.input<typeof envShape>;
export type Env = z.output<typeof envShape>;

/** The schema with the rules between variables. */
export const envSchema = envShape.check(
  z.superRefine(
    (v: Partial<Env>, ctx) => {
      const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message, input: undefined });
      const n = (x: unknown): x is number => typeof x === "number";
      if (n(v.MAX_UNANCHORED_AGE_MS) && n(v.ANCHOR_INTERVAL_MS) && v.MAX_UNANCHORED_AGE_MS > 0 && v.MAX_UNANCHORED_AGE_MS <= v.ANCHOR_INTERVAL_MS) {
        problem(
          "MAX_UNANCHORED_AGE_MS",
          `(${v.MAX_UNANCHORED_AGE_MS}) must be 0 (no limit) or longer than ANCHOR_INTERVAL_MS (${v.ANCHOR_INTERVAL_MS}), or every write would be refused between anchors`,
        );
      }
      gasRule(v, problem);
      if (v.RPC_URL !== undefined) {
        if (v.ANCHOR_PRIVATE_KEY === undefined) problem("ANCHOR_PRIVATE_KEY", "is required when RPC_URL is set");
        if (v.ADMIN_TOKEN === undefined) problem("ADMIN_TOKEN", "is required when RPC_URL is set");
        if (v.LEDGER_ADDRESS === undefined) problem("LEDGER_ADDRESS", "is required when RPC_URL is set (deploy one with: dxledger deploy --rpc URL)");
      }
    },
    { when: () => true },
  ),
);

function gasRule(v: Partial<Env>, problem: (path: string, message: string) => void): void {
  if (typeof v.GAS_PRICE === "bigint" && typeof v.MAX_GAS_PRICE === "bigint" && v.GAS_PRICE > v.MAX_GAS_PRICE) {
    problem("GAS_PRICE", `(${v.GAS_PRICE}) is above MAX_GAS_PRICE (${v.MAX_GAS_PRICE})`);
  }
}

/** The variables every command that sends transactions reads (serve, deploy, chain …). */
export const chainEnvSchema = envShape
  .pick({ GAS_PRICE: true, TX_TYPE: true, MAX_GAS_PRICE: true, RPC_TIMEOUT_MS: true, CONFIRMATIONS: true, TX_REPLACE_AFTER_MS: true })
  .check(
    z.superRefine((v: Partial<Env>, ctx) => gasRule(v, (path, message) => ctx.addIssue({ code: "custom", path: [path], message, input: undefined })), {
      when: () => true,
    }),
  );

/** The documentation of variable `name`. */
export function docOf(name: keyof Env): VarDoc {
  return envShape.shape[name].meta() as unknown as VarDoc;
}

/** Names of the variables whose values are credentials. */
export const SECRET_VARIABLES: ReadonlyArray<keyof Env> = (Object.keys(envShape.shape) as Array<keyof Env>).filter((k) => docOf(k).secret);

/** docs/configuration.md's table (markdown), generated from the schema. */
export function configTable(): string {
  const rows = (Object.keys(envShape.shape) as Array<keyof Env>).map((k) => {
    const d = docOf(k);
    return `| \`${k}\` | ${d.default} | ${d.description.replaceAll("|", "\\|")} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** `env` with empty values removed (an empty variable counts as unset). */
export function presentEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(envShape.shape)) {
    const v = env[k];
    if (v !== undefined && v !== "") out[k] = v;
  }
  return out;
}

/** One line per problem, naming its variable. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${String(i.path[0] ?? "configuration")} ${i.message}`);
}
