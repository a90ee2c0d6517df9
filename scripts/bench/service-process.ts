/** Runs `dxledger serve` as a child process on a fresh data dir and reads where it listens. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freeLoopbackPort } from "../../src/adapters/chain/loopback-port.ts";

export interface ServiceProcess {
  readonly url: string;
  readonly adminToken: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `execArgv`: node options for the service (e.g. `--cpu-prof`). Without a
 * CHAIN_PORT in `env`, the embedded chain gets a free loopback port, and
 * another if that one was taken before Anvil could bind it.
 */
export async function spawnService(root: string, env: Record<string, string>, execArgv: string[] = []): Promise<ServiceProcess> {
  if (env.CHAIN_PORT !== undefined) return spawnOnce(root, env, execArgv);
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(root, { ...env, CHAIN_PORT: String(await freeLoopbackPort()) }, execArgv);
    } catch (e) {
      const taken = /Address already in use|already in use by another JSON-RPC server/.test(String(e));
      if (attempt === 3 || !taken) throw e;
    }
  }
}

async function spawnOnce(root: string, env: Record<string, string>, execArgv: string[]): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...execArgv, join(root, "src/cli/main.ts"), "serve"], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${err}`)), 60_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const u = /API\s+(http:\/\/\S+)\/v1\/info/.exec(out);
      // First start: the token itself; a restart on the same data dir: the file that holds it.
      const f = /admin token\s+in (\S+)/.exec(out);
      const t = f ? [f[0], readFileSync(f[1]!, "utf8").trim()] : /admin token\s+(\S+)/.exec(out);
      if (u && t) {
        clearTimeout(timer);
        resolve({ url: u[1]!, token: t[1]! });
      }
    });
    child.once("exit", (code) => reject(new Error(`service exited (${code}): ${err}`)));
  });
  return {
    url,
    adminToken: token,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
