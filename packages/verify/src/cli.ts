/**
 * `dxledger-verify <receipt-or-bundle.json> --rpc URL [--json] [--chain-id N]
 *   [--contract ADDR] [--log-id HEX] [--block-hash HEX]` (RPC_URL may stand
 * for --rpc), or `--offline --block-hash HEX` for a receipt with a stateProof:
 * no RPC is read at all (verdict scope "offline", see types.ts).
 * Exit: 0 valid, 1 invalid (the reason is printed), 2 usage or I/O error, or
 * an RPC that cannot check the receipt (another chain, no ledger at the
 * address, unreachable) — never the code that means INVALID.
 * `dxledger verify` runs this same command.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isBundle, verifyBundle, type BundleVerdict } from "./bundle.ts";
import { verifyReceipt } from "./receipt.ts";
import { CANNOT_CHECK, type Pins, type Verdict } from "./types.ts";

export interface CliIo {
  readonly env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** Told a bundle's progress in receipts (bundle.ts `onProgress`); the command draws it, on a terminal only. */
  progress?(done: number, total: number): void;
}

const usageOf = (name: string) =>
  `usage: ${name} <receipt.json | bundle.json> --rpc URL [--json] [--chain-id N] [--contract ADDR] [--log-id HEX] [--block-hash HEX]\n` +
  `       ${name} <receipt.json> --offline --block-hash HEX [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]`;

const OPTIONS = {
  rpc: { type: "string" },
  json: { type: "boolean", default: false },
  "chain-id": { type: "string" },
  contract: { type: "string" },
  "log-id": { type: "string" },
  "block-hash": { type: "string" },
  offline: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;

/**
 * The arguments, or what makes them a usage error (`problem`). Reads no file,
 * environment or chain: a caller (`dxledger verify`) may check the arguments
 * before it brings a chain up. RPC_URL standing for --rpc is checked by runCli.
 */
export function parseCliArgs(args: string[]): { parsed: Parsed; problem?: undefined } | { problem: string } {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return { problem: (e as Error).message };
  }
  const o = parsed.values;
  if (o.help) return { parsed };
  const problem =
    parsed.positionals.length !== 1
      ? parsed.positionals.length
        ? "one file at a time"
        : "missing <receipt.json>"
      : o.offline && o.rpc !== undefined
        ? "--offline reads no RPC: drop --rpc"
        : flagProblem(o);
  return problem ? { problem } : { parsed };
}

function flagProblem(o: Parsed["values"]): string | undefined {
  const blockHash = o["block-hash"];
  if (blockHash !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(blockHash)) return "--block-hash must be 0x + 64 hex";
  if (o.offline && blockHash === undefined) return "--offline needs --block-hash HEX: the hash of a block you trust";
  if (o["chain-id"] !== undefined && !Number.isSafeInteger(Number(o["chain-id"]))) return "--chain-id must be an integer";
  if (o.contract !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.contract)) return "--contract must be 0x + 40 hex";
  if (o["log-id"] !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(o["log-id"])) return "--log-id must be 0x + 64 hex";
  return undefined;
}

export async function runCli(args: string[], io: CliIo, name = "dxledger-verify"): Promise<number> {
  const usage = (msg: string) => {
    io.err(`${name}: ${msg}\n${usageOf(name)}\n`);
    return 2;
  };
  const checked = parseCliArgs(args);
  if (checked.problem !== undefined) return usage(checked.problem);
  const { parsed } = checked;
  const o = parsed.values;
  if (o.help) {
    io.out(`${usageOf(name)}\n`);
    return 0;
  }
  // Offline, RPC_URL is ignored: nothing may touch a chain.
  const rpcUrl = o.offline ? undefined : (o.rpc ?? io.env.RPC_URL);
  if (!rpcUrl && !o.offline) return usage("give the chain's RPC with --rpc URL (or RPC_URL), or --offline --block-hash HEX");
  const blockHash = o["block-hash"];
  const chainId = o["chain-id"] === undefined ? undefined : Number(o["chain-id"]);
  const pins: Pins = { chainId, contract: o.contract, logId: o["log-id"]?.toLowerCase() };
  const file = parsed.positionals[0]!;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    io.err(`${name}: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const unpinned = [pins.chainId === undefined && "chain id", pins.contract === undefined && "contract", pins.logId === undefined && "log id"].filter(Boolean);
  if (unpinned.length) io.err(`${name}: NOT PINNED — trusting the receipt's ${unpinned.join(", ")}; pin them with --chain-id, --contract, --log-id\n`);
  if (isBundle(json)) {
    if (!rpcUrl) return usage("a bundle is verified against the chain: give --rpc URL, not --offline");
    return printBundle(
      await verifyBundle(json, { rpcUrl, pins, ...(io.progress ? { onProgress: (d: number, t: number) => io.progress?.(d, t) } : {}) }),
      o.json,
      io,
      name,
    );
  }
  const trustedBlockHash = blockHash?.toLowerCase();
  return printReceipt(await verifyReceipt(json, { ...(rpcUrl ? { rpcUrl } : {}), pins, trustedBlockHash }), o.json, io, name);
}

function printReceipt(out: Verdict, json: boolean, io: CliIo, name: string): number {
  const cannot = out.checks.find((c) => !c.ok && CANNOT_CHECK.has(c.code));
  if (cannot) {
    io.err(`${name}: cannot check this receipt here: ${cannot.code}: ${cannot.message}\n`);
    return 2;
  }
  if (json) io.out(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const offline = out.scope === "offline";
    for (const c of out.checks) {
      const mark = c.ok ? "ok  " : c.code === "NOT_CHECKED" ? "skip" : "FAIL";
      io.out(`${mark} ${c.step}${c.ok ? "" : ` [${c.code}]`}: ${c.message}\n`);
    }
    for (const f of out.flags) io.out(`FLAG ${f}\n`);
    if (offline) io.out(out.valid ? "receipt is VALID offline (signer key history and consistency need the chain: not checked)\n" : "receipt is INVALID\n");
    else io.out(out.valid ? "receipt is VALID\n" : "receipt is INVALID\n");
  }
  return out.valid ? 0 : 1;
}

function printBundle(b: BundleVerdict, json: boolean, io: CliIo, name: string): number {
  if (b.cannotCheck) {
    io.err(`${name}: cannot check this bundle here: ${b.cannotCheck.code}: ${b.cannotCheck.message}\n`);
    return 2;
  }
  if (json) io.out(`${JSON.stringify(b, null, 2)}\n`);
  else {
    for (const i of b.invalid) io.out(`FAIL seq ${String(i.seq)}: ${i.checks.map((c) => `${c.step} [${c.code}] ${c.message}`).join("; ")}\n`);
    for (const f of b.flagged) io.out(`FLAG seq ${f.seq}: ${f.flags.join(", ")}\n`);
    io.out(`bundle of ${b.dataset}: ${b.verified}/${b.receipts} receipts valid, ${b.pending.length} exchanges not yet anchored\n`);
    io.out(b.valid ? "bundle is VALID\n" : "bundle is INVALID\n");
  }
  return b.valid ? 0 : 1;
}
