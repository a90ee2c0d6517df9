/** Starts the real service (embedded Anvil, LevelDB in a temp dir, HTTP on an ephemeral loopback port). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { freeLoopbackPort } from "../../src/adapters/chain/loopback-port.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import type { Logger } from "../../src/adapters/http/errors.ts";
import { startService, type RunningService } from "../../src/server.ts";
import { signExchange, payloadDigest, type UnsignedExchange } from "../../src/client/sign.ts";
import { testWallet } from "./seeded.ts";

/** A free loopback port below the ephemeral range (src/adapters/chain/loopback-port.ts). */
export const freePort = freeLoopbackPort;

export function tempDir(prefix = "dxledger-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `log`: where the service logs (default: nowhere). */
export async function start(
  dataDir: string,
  env: Record<string, string> = {},
  chainPort?: number,
  log: Logger = createLogger({ silent: true }),
): Promise<RunningService & { chainPort: number }> {
  const cp = chainPort ?? (await freePort());
  const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", CHAIN_PORT: String(cp), ANCHOR_INTERVAL_MS: "600000", MAX_UNANCHORED_AGE_MS: "0", ...env });
  const svc = await startService(config, log);
  return Object.assign(svc, { chainPort: cp });
}

export class Api {
  readonly base: string;
  token: string | undefined;
  constructor(base: string, token?: string) {
    this.base = base;
    this.token = token;
  }
  async req(method: string, path: string, body?: unknown, opts: { token?: string | null; raw?: string; contentType?: string } = {}) {
    const headers: Record<string, string> = {};
    const tok = opts.token === undefined ? this.token : opts.token;
    if (tok) headers.authorization = `Bearer ${tok}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  get = (p: string, o?: { token?: string | null }) => this.req("GET", p, undefined, o);
  post = (p: string, b?: unknown, o?: { token?: string | null; raw?: string; contentType?: string }) => this.req("POST", p, b, o);
}

export interface Dept {
  readonly id: string;
  readonly wallet: Wallet;
}

export function dept(id: string): Dept {
  return { id, wallet: testWallet() };
}

let counter = 0;
export function unsigned(provider: string, consumer: string, patch: Partial<UnsignedExchange> = {}): UnsignedExchange {
  counter++;
  return {
    id: `x-${Date.now()}-${counter}`,
    provider,
    consumer,
    dataset: "population/register",
    purpose: "benefit eligibility",
    recordCount: 10 + counter,
    payloadDigest: payloadDigest(`payload ${counter}`),
    occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, counter % 60)).toISOString(),
    ...patch,
  };
}

export { signExchange };

/** Polls `f` until it returns a value other than undefined; fails after `ms` (tests wait for conditions, not times). */
export async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * `v`, typed as possibly unset: for after() hooks, which mocha runs even when
 * the before() hook that sets `v` failed half-way (`await ifSet(svc)?.stop()`).
 */
export function ifSet<T>(v: T): T | undefined {
  return v;
}
