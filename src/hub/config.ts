/**
 * Configuration of `dxledger hub`, from the environment: validated at once,
 * every problem reported (one line each, naming the variable, never a
 * secret's value), the result frozen.
 *
 *   PORT, HOST              where the hub listens (8090, 127.0.0.1)
 *   HUB_RPC_URL             the chain (else RPC_URL); required
 *   LEDGER_ADDRESS          the shared ExchangeLedger; required
 *   HUB_GATEWAYS            comma-separated gateway URLs: overrides the chain's directory
 *   HUB_GATEWAY_TOKENS      `<gateway URL or log name>=<token>`, comma-separated: the read
 *                           tokens (auditor or regulator) each gateway's admin issued to the hub
 *   HUB_GATEWAY_TOKENS_FILE the same, one pair a line (# comments), for secrets kept out of the environment;
 *                           read again when it changes and on SIGHUP (src/hub/server.ts)
 *   HUB_TOKENS              `<auditor|regulator>=<token>`, comma-separated: the hub's own tokens (≥ 16 characters)
 *   HUB_TIMEOUT_MS          how long the hub waits for one gateway (3000; 100–60000)
 *   HUB_RATE_LIMIT_RPS      requests per second per caller (20; 0 = no limit): each one fans out to every gateway
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { HubRole } from "./ports.ts";

export interface HubConfig {
  readonly port: number;
  readonly host: string;
  readonly rpcUrl: string;
  readonly ledgerAddress: string;
  readonly gateways: readonly string[] | undefined;
  /** The gateway tokens at start; `gatewayTokenSources` says where to read them again (readGatewayTokens). */
  readonly gatewayTokens: ReadonlyMap<string, string>;
  readonly gatewayTokenSources: GatewayTokenSources;
  readonly tokens: ReadonlyArray<{ role: HubRole; token: string }>;
  readonly timeoutMs: number;
  readonly rateLimitRps: number;
}

export class HubConfigError extends Error {}

/** HUB_GATEWAY_TOKENS (fixed for the process) and HUB_GATEWAY_TOKENS_FILE (read again on SIGHUP and when it changes). */
export interface GatewayTokenSources {
  readonly inline: string | undefined;
  readonly file: string | undefined;
}

const url = z.url({ protocol: /^https?$/ });
const unset = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());
const list = (v: string | undefined): string[] =>
  (unset(v) ?? "")
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("#"));
const trim = (u: string): string => u.replace(/\/+$/, "");

/** `key=value` pairs; a value is never echoed. */
function pairs(name: string, items: string[], problems: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  items.forEach((p, i) => {
    const eq = p.indexOf("=");
    if (eq <= 0 || eq === p.length - 1) problems.push(`${name}: item ${i + 1} is not <key>=<token>`);
    else out.push([p.slice(0, eq).trim(), p.slice(eq + 1).trim()]);
  });
  return out;
}

// eslint-disable-next-line complexity -- one check per setting, every problem reported at once (as src/config.ts)
export function loadHubConfig(env: NodeJS.ProcessEnv): HubConfig {
  const problems: string[] = [];
  const port = Number(unset(env.PORT) ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: must be an integer from 0 to 65535`);
  const timeoutMs = Number(unset(env.HUB_TIMEOUT_MS) ?? 3000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) problems.push(`HUB_TIMEOUT_MS: must be an integer from 100 to 60000`);
  const rateLimitRps = Number(unset(env.HUB_RATE_LIMIT_RPS) ?? 20);
  if (!Number.isInteger(rateLimitRps) || rateLimitRps < 0 || rateLimitRps > 100_000) problems.push("HUB_RATE_LIMIT_RPS: must be an integer from 0 to 100000");
  const rpcUrl = unset(env.HUB_RPC_URL) ?? unset(env.RPC_URL);
  if (!rpcUrl) problems.push("HUB_RPC_URL: required (the chain the gateways anchor to; RPC_URL is used when it is unset)");
  else if (!url.safeParse(rpcUrl).success) problems.push("HUB_RPC_URL: must be an http(s) URL");
  const ledgerAddress = unset(env.LEDGER_ADDRESS)?.toLowerCase();
  if (!ledgerAddress || !/^0x[0-9a-f]{40}$/.test(ledgerAddress))
    problems.push("LEDGER_ADDRESS: required, the address of the shared ExchangeLedger (0x + 40 hex)");

  const gateways = unset(env.HUB_GATEWAYS) === undefined ? undefined : list(env.HUB_GATEWAYS).map(trim);
  for (const g of gateways ?? []) if (!url.safeParse(g).success) problems.push(`HUB_GATEWAYS: "${g.slice(0, 80)}" is not an http(s) URL`);

  const gatewayTokenSources = { inline: unset(env.HUB_GATEWAY_TOKENS), file: unset(env.HUB_GATEWAY_TOKENS_FILE) };
  const gatewayTokens = gatewayTokensFrom(gatewayTokenSources, problems);

  const tokens: Array<{ role: HubRole; token: string }> = [];
  for (const [role, token] of pairs("HUB_TOKENS", list(env.HUB_TOKENS), problems)) {
    if (role !== "auditor" && role !== "regulator")
      problems.push(`HUB_TOKENS: role "${role.slice(0, 20)}" is not auditor or regulator (departments bring their own gateway tokens)`);
    else if (token.length < 16) problems.push(`HUB_TOKENS: a ${role} token is shorter than 16 characters`);
    else tokens.push({ role, token });
  }
  if (tokens.length === 0 && !problems.some((p) => p.startsWith("HUB_TOKENS"))) problems.push("HUB_TOKENS: required, at least one <auditor|regulator>=<token>");

  if (problems.length) throw new HubConfigError(`invalid hub configuration:\n  ${problems.join("\n  ")}`);
  return Object.freeze({
    port,
    host: unset(env.HOST) ?? "127.0.0.1",
    rpcUrl: rpcUrl!,
    ledgerAddress: ledgerAddress!,
    gateways,
    gatewayTokens,
    gatewayTokenSources,
    tokens,
    timeoutMs,
    rateLimitRps,
  });
}

function gatewayTokensFrom(src: GatewayTokenSources, problems: string[]): Map<string, string> {
  let fileItems: string[] = [];
  if (src.file) {
    try {
      fileItems = list(readFileSync(src.file, "utf8"));
    } catch (e) {
      problems.push(`HUB_GATEWAY_TOKENS_FILE: cannot read ${src.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return new Map(pairs("HUB_GATEWAY_TOKENS", [...list(src.inline), ...fileItems], problems).map(([k, v]) => [trim(k), v] as const));
}

/**
 * The gateway tokens as the sources hold them now (HUB_GATEWAY_TOKENS_FILE read
 * again), validated as at start; throws HubConfigError naming every problem,
 * never a token's value.
 */
export function readGatewayTokens(src: GatewayTokenSources): ReadonlyMap<string, string> {
  const problems: string[] = [];
  const m = gatewayTokensFrom(src, problems);
  if (problems.length) throw new HubConfigError(problems.join("; "));
  return m;
}

/** Every secret of the configuration (for log redaction). */
export function hubSecrets(c: HubConfig): string[] {
  return [...c.gatewayTokens.values(), ...c.tokens.map((t) => t.token)];
}
