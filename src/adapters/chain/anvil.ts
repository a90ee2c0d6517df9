/**
 * The embedded local chain: Anvil (from `@foundry-rs/anvil`) on a loopback
 * port, its state kept in a file under the data dir so the chain survives
 * restarts. Shutdown order: SIGTERM (Anvil dumps its state), then wait for exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freeLoopbackPort } from "./loopback-port.ts";

const require = createRequire(import.meta.url);

/** Seconds between state dumps; after a hard kill at most this much chain history is lost. */
export const STATE_INTERVAL_SECONDS = 1;
export const ANVIL_CHAIN_ID = 31337;
/** Anvil's first dev account (well known; local use only). */
export const ANVIL_DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * Anvil mines a block only when a transaction arrives, so a confirmation
 * beyond the first would wait for the next transaction. With CONFIRMATIONS > 1
 * it also mines a block every second (transactions are still mined at once).
 */
export function miningArgs(confirmations: number): string[] {
  return confirmations > 1 ? ["--block-time", "1", "--mixed-mining"] : [];
}

function anvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  return join(dirname(require.resolve(`${pkg}/package.json`)), "bin", "anvil");
}

export interface EmbeddedChain {
  readonly rpcUrl: string;
  readonly stateFile: string;
  stop(): Promise<void>;
}

/** True when a JSON-RPC server answers eth_chainId at `url` (within 2 s). */
export async function rpcReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Stops an Anvil left running on this state dir by a service that was killed
 * (the pid file names it; it is stopped only if it is still that Anvil).
 * SIGTERM lets it write its state first.
 */
async function stopOrphan(pidFile: string, stateFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8"));
  } catch {
    return;
  }
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // not running (or no /proc): nothing to stop
  }
  if (cmdline.includes("anvil") && cmdline.includes(stateFile)) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  rmSync(pidFile, { force: true });
}

/** Starts Anvil on 127.0.0.1:`port` with state in `stateDir`; resolves once its RPC answers. */
export async function startAnvil(stateDir: string, port: number, timeoutMs = 30_000, extraArgs: readonly string[] = []): Promise<EmbeddedChain> {
  mkdirSync(stateDir, { recursive: true });
  const stateFile = join(stateDir, "anvil-state.json");
  const pidFile = join(stateDir, "anvil.pid");
  await stopOrphan(pidFile, stateFile);
  const args = ["--state", stateFile, "--state-interval", String(STATE_INTERVAL_SECONDS), "--preserve-historical-states", ...extraArgs];
  const chain = await runAnvil(args, port, timeoutMs, stateFile);
  writeFileSync(pidFile, String(chain.pid));
  return {
    rpcUrl: chain.rpcUrl,
    stateFile,
    async stop() {
      await chain.stop();
      rmSync(pidFile, { force: true });
    },
  };
}

/**
 * Brings up, read-only, the chain a stopped installation left in `stateFile`:
 * Anvil loads a copy of it on a free loopback port and writes nothing back.
 * For `dxledger verify` and `audit` with the service stopped.
 */
export async function startAnvilReadOnly(stateFile: string, timeoutMs = 30_000): Promise<EmbeddedChain> {
  const dir = mkdtempSync(join(tmpdir(), "dxledger-chain-"));
  const copy = join(dir, "state.json");
  copyFileSync(stateFile, copy);
  const chain = await runAnvil(["--load-state", copy], await freeLoopbackPort(), timeoutMs, stateFile);
  return {
    rpcUrl: chain.rpcUrl,
    stateFile,
    async stop() {
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The parent-death watch Anvil runs under. */
const WATCH = join(import.meta.dirname, "anvil-watch.ts");

/** SIGKILL to the watch and Anvil both (their own process group), so a stuck Anvil is not left behind its watch. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Anvil's pid, the first line the watch writes on its stdout. */
function firstLinePid(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
}

/**
 * Runs Anvil on 127.0.0.1:`port` with `extra` arguments (e.g. `--hardfork berlin`,
 * `--gas-price 0`). It runs in its own process group, so a terminal's Ctrl-C
 * (SIGINT to the foreground group) does not reach it: its owner stops it last.
 * It never outlives its owner: it runs under anvil-watch.ts, which stops it
 * when this process dies. The returned `pid` is Anvil's own (a signal to it
 * reaches the chain itself: SIGSTOP freezes it); `stop` goes through the watch.
 */
export async function runAnvil(
  extra: string[],
  port: number,
  timeoutMs: number,
  stateFile: string,
): Promise<{ rpcUrl: string; pid: number; stop(): Promise<void> }> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  if (await rpcReady(rpcUrl)) throw new Error(`CHAIN_PORT ${port} is already in use by another JSON-RPC server`);
  // Through the parent-death watch (anvil-watch.ts): its stdin is a pipe from this process, so Anvil stops when this process dies, even by SIGKILL.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WATCH,
      anvilBinary(),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...(extra.includes("--chain-id") ? [] : ["--chain-id", String(ANVIL_CHAIN_ID)]),
      ...extra,
      "--silent",
    ],
    { stdio: ["pipe", "pipe", "pipe"], detached: true },
  );
  child.stdin?.on("error", () => {
    // the watch exited (Anvil with it): nothing is ever written on this pipe
  });
  const anvilPid = firstLinePid(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code) => {
      exited = code;
      child.stdin?.destroy();
      resolve();
    });
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await rpcReady(rpcUrl))) {
    if (exited !== undefined) throw new Error(`embedded chain (anvil, ${stateFile}) exited with code ${exited}: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`embedded chain (anvil) did not answer on ${rpcUrl} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = await Promise.race([anvilPid, exit.then(() => undefined)]);
  if (pid === undefined) throw new Error(`embedded chain (anvil, ${stateFile}) exited with code ${exited}: ${stderr.trim()}`);
  return {
    rpcUrl,
    pid,
    async stop() {
      if (exited !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
