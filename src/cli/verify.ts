/**
 * `dxledger verify <receipt.json | bundle.json> [--rpc URL] [--json]
 *   [--chain-id N] [--contract ADDR] [--log-id HEX]`: the standalone verifier
 * `@dxledger/verify` (its `dxledger-verify` command, same arguments and exit
 * codes), with one convenience: without --rpc or RPC_URL it uses the embedded
 * chain (running, or brought up read-only from DATA_DIR) — except with
 * --offline, which reads no chain at all.
 * On a terminal, a bundle's progress is a bar on stderr (cli-progress).
 * Exit: 0 valid, 1 invalid, 2 usage or I/O error, or an RPC that cannot check
 * the receipt (another chain, no ExchangeLedger at the address) — one line.
 */
import cliProgress from "cli-progress";
import { parseCliArgs, runCli, type CliIo } from "@dxledger/verify/cli";
import { chainForCli } from "./chain-for-cli.ts";

export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const bar = progressBar();
  try {
    return await verifyWith(args, env, bar?.draw);
  } finally {
    // A bundle that stops early (a receipt this RPC cannot check, an error) never reaches its total: the bar's redraw timer must not keep the process alive.
    bar?.stop();
  }
}

async function verifyWith(args: string[], env: NodeJS.ProcessEnv, progress: CliIo["progress"]): Promise<number> {
  const io: CliIo = { env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), progress };
  const given = args.some((a) => a === "--rpc" || a.startsWith("--rpc=")) || env.RPC_URL;
  // Usage errors and --help are answered by runCli before any chain is brought up.
  const checked = parseCliArgs(args);
  const needsNoChain = checked.problem !== undefined || checked.parsed.values.help || checked.parsed.values.offline;
  if (given || needsNoChain) return runCli(args, io, "dxledger verify");
  let chain: Awaited<ReturnType<typeof chainForCli>>;
  try {
    chain = await chainForCli(undefined, env);
  } catch (e) {
    process.stderr.write(`dxledger verify: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    if (chain.note) process.stderr.write(`dxledger verify: ${chain.note}\n`);
    return await runCli([...args, "--rpc", chain.rpcUrl], io, "dxledger verify");
  } finally {
    await chain.stop();
  }
}

/** A bundle's progress as a bar on stderr, on a terminal only: piped output stays clean. */
function progressBar(): { draw: NonNullable<CliIo["progress"]>; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  let running = false;
  const stop = () => {
    if (running) bar?.stop();
    running = false;
  };
  const draw = (done: number, total: number) => {
    bar ??= new cliProgress.SingleBar({ format: "verify [{bar}] {percentage}% | {value}/{total} receipts | ETA {eta}s" }, cliProgress.Presets.shades_classic);
    if (!running) {
      bar.start(total, done);
      running = true;
    } else bar.update(done);
    if (done >= total) stop();
  };
  return { draw, stop };
}
