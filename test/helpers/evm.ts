/**
 * Standalone EVM nodes for tests: Anvil with any extra arguments
 * (`--hardfork berlin`, `--gas-price 0 --base-fee 0`, …) and Hardhat's own
 * node (`hardhat node`), a second, independent EVM implementation.
 *
 * Contracts:
 * - Both listen on 127.0.0.1 only, on a free port, in their own process group.
 * - They resolve once the node answers eth_chainId (no fixed sleeps).
 * - `pid` is exposed for fault tests (SIGSTOP / SIGCONT / SIGKILL). `stop()` is
 *   idempotent, works on a stopped (SIGSTOP) or already killed node, and
 *   resolves once the process has exited.
 * - A node left running when the test process exits is killed with it.
 * - Both answer evm_snapshot / evm_revert / evm_increaseTime / evm_mine (use `rpc`).
 * Both use chain id 31337 and the same well-known dev accounts (DEV_KEYS).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { rpcReady, runAnvil } from "../../src/adapters/chain/anvil.ts";
import { freePort } from "./service.ts";

export interface EvmNode {
  readonly rpcUrl: string;
  readonly port: number;
  readonly pid: number;
  readonly kind: "anvil" | "hardhat";
  stop(): Promise<void>;
}

/** The first dev accounts' keys of both Anvil and Hardhat (public test mnemonic; local use only). */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;

const ROOT = join(import.meta.dirname, "..", "..");
const live = new Set<number>();
process.once("exit", () => {
  for (const pid of live) signal(pid, "SIGKILL");
});

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** One JSON-RPC call (for evm_snapshot, evm_revert, evm_mine …); throws on a JSON-RPC error. */
export async function rpc<T = unknown>(rpcUrl: string, method: string, params: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Anvil on a free loopback port with `extraArgs` (chain id 31337). */
export async function startAnvilNode(extraArgs: readonly string[] = [], opts: { port?: number; timeoutMs?: number; label?: string } = {}): Promise<EvmNode> {
  const port = opts.port ?? (await freePort());
  const chain = await runAnvil([...extraArgs], port, opts.timeoutMs ?? 30_000, opts.label ?? `test anvil ${extraArgs.join(" ")}`);
  live.add(chain.pid);
  let stopping: Promise<void> | undefined;
  return {
    rpcUrl: chain.rpcUrl,
    port,
    pid: chain.pid,
    kind: "anvil",
    stop() {
      stopping ??= (async () => {
        signal(chain.pid, "SIGCONT"); // a SIGSTOPped node would never see SIGTERM
        await chain.stop();
        live.delete(chain.pid);
      })();
      return stopping;
    },
  };
}

/** Hardhat's node (`hardhat node`) on a free loopback port, run from the repo root (its config). */
export async function startHardhatNode(extraArgs: readonly string[] = [], opts: { port?: number; timeoutMs?: number } = {}): Promise<EvmNode> {
  const port = opts.port ?? (await freePort());
  const rpcUrl = `http://127.0.0.1:${port}`;
  if (await rpcReady(rpcUrl)) throw new Error(`port ${port} is already in use by a JSON-RPC server`);
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port), ...extraArgs],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true, env: { ...process.env, NO_COLOR: "1" } },
  );
  const pid = child.pid!;
  live.add(pid);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  // Read through a function: the exit handler sets it, which the compiler's narrowing does not see.
  const hasExited = (): boolean => exited;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      live.delete(pid);
      resolve();
    });
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!(await rpcReady(rpcUrl))) {
    if (hasExited()) throw new Error(`hardhat node exited before answering: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      signal(pid, "SIGKILL");
      await exit;
      throw new Error(`hardhat node did not answer on ${rpcUrl} within ${opts.timeoutMs ?? 60_000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopping: Promise<void> | undefined;
  return {
    rpcUrl,
    port,
    pid,
    kind: "hardhat",
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        signal(pid, "SIGCONT");
        signal(pid, "SIGTERM");
        const timer = setTimeout(() => signal(pid, "SIGKILL"), 10_000);
        await exit;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Starts a node of `kind` (for tests that run on both EVMs). */
export function startNode(kind: "anvil" | "hardhat", extraArgs: readonly string[] = []): Promise<EvmNode> {
  return kind === "anvil" ? startAnvilNode(extraArgs) : startHardhatNode(extraArgs);
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `dxledger …args` (src/cli/main.ts) as a subprocess with only `env`
 * (plus PATH and HOME): nothing leaks in from the test's own environment.
 * Killed after `timeoutMs`.
 */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
