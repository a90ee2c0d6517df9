/**
 * A city on one chain: one ledger, several gateways — each `dxledger serve`
 * in its own process, with its own LOG_NAME, DATA_DIR, port and anchoring
 * account (bound to its log on chain, listed in the directory with its URL)
 * — and the hub, a process too. Every process started here is killed when
 * the test process exits, whatever happens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { logIdOf } from "../../src/config.ts";
import { DEV_KEYS } from "./evm.ts";
import { deployLedger, TEST_ADMIN_TOKEN } from "./external-chain.ts";
import { freePort, tempDir } from "./service.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export interface CityLog {
  readonly name: string;
  readonly logId: string;
  readonly anchorKey: string;
  readonly port: number;
  readonly url: string;
}

/**
 * Deploys the ledger (admin: DEV_KEYS[0]) and binds one log per name to its
 * own anchoring account (DEV_KEYS[i]), which may also register departments;
 * the directory names each log's URL (a free loopback port chosen now).
 */
export async function deployCity(rpcUrl: string, names: readonly string[]): Promise<{ ledger: string; logs: CityLog[] }> {
  if (names.length > DEV_KEYS.length) throw new Error(`at most ${DEV_KEYS.length} gateways (one dev key each)`);
  const logs: CityLog[] = [];
  for (const [i, name] of names.entries()) {
    const port = await freePort();
    logs.push({ name, logId: logIdOf(name), anchorKey: DEV_KEYS[i]!, port, url: `http://127.0.0.1:${port}` });
  }
  const admin = new Wallet(DEV_KEYS[0]);
  const ledger = await deployLedger(rpcUrl, admin.address, names[0]);
  const p = new JsonRpcProvider(rpcUrl);
  try {
    const dev = new Wallet(DEV_KEYS[0], p);
    const c = new Contract(ledger, ledgerArtifact().abi as never[], dev);
    let nonce = await p.getTransactionCount(dev.address, "latest");
    const registrar = await c.getFunction("REGISTRAR_ROLE")();
    const sent = [];
    for (const l of logs.slice(1)) {
      const anchorer = new Wallet(l.anchorKey).address;
      sent.push(await c.getFunction("bindLog")(l.logId, anchorer, { nonce: nonce++ }));
      sent.push(await c.getFunction("grantRole")(registrar, anchorer, { nonce: nonce++ }));
    }
    for (const l of logs) sent.push(await c.getFunction("setLogInfo")(l.logId, l.name, l.url, "", { nonce: nonce++ }));
    for (const tx of sent) await tx.wait();
  } finally {
    p.destroy();
  }
  return { ledger, logs };
}

export interface Proc {
  readonly url: string;
  readonly pid: number;
  /** What the process wrote to stdout and stderr (the last 8 KiB of each). */
  output(): string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a gateway that hangs without closing its connections. */
  pause(): void;
  resume(): void;
}

/** Runs `node src/cli/main.ts <command>` with `env` alone (plus PATH/HOME) and waits for its first line naming `urlLine`. */
async function run(command: string, env: Record<string, string>, urlLine: RegExp, timeoutMs = 60_000): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), command], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_FORMAT: "json", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-8192)));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      live.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    child.stdout.on("data", (d) => {
      out = (out + d).slice(-8192);
      const m = urlLine.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${child.exitCode}):\n${out}\n${err}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    output: () => `${out}\n${err}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGTERM");
      }
      await exited;
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
  };
}

/** `dxledger serve` for one log of the city, on its port, with its own data dir and anchoring key. */
export function spawnGateway(
  rpcUrl: string,
  ledger: string,
  log: CityLog,
  env: Record<string, string> = {},
): Promise<Proc & { dataDir: string; adminToken: string }> {
  const dataDir = tempDir(`dxledger-${log.name}-`);
  return run(
    "serve",
    {
      RPC_URL: rpcUrl,
      LEDGER_ADDRESS: ledger,
      LOG_NAME: log.name,
      DATA_DIR: dataDir,
      PORT: String(log.port),
      ANCHOR_PRIVATE_KEY: log.anchorKey,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ANCHOR_INTERVAL_MS: "600000",
      MAX_UNANCHORED_AGE_MS: "0",
      RATE_LIMIT_RPS: "0",
      ...env,
    },
    /API\s+(http:\/\/\S+)\/v1\/info/,
  ).then((p) => Object.assign(p, { dataDir, adminToken: TEST_ADMIN_TOKEN }));
}

/** `dxledger hub` on a free port. */
export async function spawnHub(env: Record<string, string>): Promise<Proc> {
  return run("hub", { PORT: String(await freePort()), ...env }, /API\s+(http:\/\/\S+)\/v1\/federation/);
}
