/**
 * `dxledger verify <receipt.json> [--rpc URL]`: checks a receipt with nothing
 * but a chain RPC — leaf hash, inclusion proof, the checkpoint on chain (and
 * the contract's own inclusion check), and the signer's EIP-712 signature
 * against the on-chain registry by chain order (client/verify-receipt.ts).
 * Pins (chain id, contract, log id) come from the auditor, never from the
 * receipt; unpinned values are reported as trusted.
 * Exit: 0 valid, 1 invalid, 2 usage or I/O error, or an RPC that cannot check
 * the receipt (another chain, no ExchangeLedger at the address) — one line.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chainForCli } from "./chain-for-cli.ts";
import { CANNOT_CHECK, ChainView, verifyReceipt, verifyWith, type Pins, type VerifyOutcome } from "../client/verify-receipt.ts";

export { verifyReceipt } from "../client/verify-receipt.ts";

const USAGE = "usage: dxledger verify <receipt.json> [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]";

export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        rpc: { type: "string" },
        json: { type: "boolean", default: false },
        "chain-id": { type: "string" },
        contract: { type: "string" },
        "log-id": { type: "string" },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const o = parsed.values;
  if (parsed.positionals.length !== 1) return usage(parsed.positionals.length ? "one receipt at a time" : "missing <receipt.json>");
  const file = parsed.positionals[0]!;
  const chainId = o["chain-id"] === undefined ? undefined : Number(o["chain-id"]);
  if (chainId !== undefined && !Number.isSafeInteger(chainId)) return usage("--chain-id must be an integer");
  const pins: Pins = { chainId, contract: o.contract, logId: o["log-id"] };
  let receipt: unknown;
  try {
    receipt = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    process.stderr.write(`dxledger verify: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const unpinned = [pins.chainId === undefined && "chain id", pins.contract === undefined && "contract", pins.logId === undefined && "log id"].filter(Boolean);
  if (unpinned.length) {
    process.stderr.write(`dxledger verify: NOT PINNED — trusting the receipt's ${unpinned.join(", ")}; pin them with --chain-id, --contract, --log-id\n`);
  }
  let out: VerifyOutcome;
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  try {
    chain = await chainForCli(o.rpc, env);
    if (chain.note) process.stderr.write(`dxledger verify: ${chain.note}\n`);
    if ((receipt as { kind?: string })?.kind === "dxledger-provenance-bundle") return await verifyBundle(receipt as Bundle, chain.rpcUrl, pins, o.json ?? false);
    out = await verifyReceipt(receipt, chain.rpcUrl, pins);
  } catch (e) {
    process.stderr.write(`dxledger verify: chain error: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await chain?.stop();
  }
  const cannot = cannotCheck(out);
  if (cannot) {
    process.stderr.write(`dxledger verify: cannot check this receipt here: ${cannot}\n`);
    return 2;
  }
  if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    for (const c of out.checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.check}${c.code ? ` [${c.code}]` : ""}${c.detail ? `: ${c.detail}` : ""}\n`);
    process.stdout.write(out.valid ? "receipt is VALID\n" : "receipt is INVALID\n");
  }
  return out.valid ? 0 : 1;
}

/** The one line to print when the RPC cannot check a receipt at all (wrong chain, no ledger at the address). */
function cannotCheck(out: VerifyOutcome): string | undefined {
  const c = out.checks.find((x) => !x.ok && x.code !== undefined && CANNOT_CHECK.has(x.code));
  return c && `${c.code}: ${c.detail}`;
}

function usage(msg: string): number {
  process.stderr.write(`dxledger verify: ${msg}\n${USAGE}\n`);
  return 2;
}

interface Bundle {
  readonly dataset: string;
  readonly receipts: unknown[];
  readonly pending: number[];
}

/** Every receipt of a provenance bundle, against the chain (one read per checkpoint and department). */
async function verifyBundle(b: Bundle, rpcUrl: string, pins: Pins, json: boolean): Promise<number> {
  if (!Array.isArray(b.receipts)) {
    process.stderr.write("dxledger verify: the bundle has no receipts array\n");
    return 2;
  }
  const view = new ChainView(rpcUrl);
  const invalid: Array<{ seq: unknown; failed: VerifyOutcome["checks"] }> = [];
  try {
    for (const r of b.receipts) {
      const out = await verifyWith(view, r, pins, false);
      const cannot = cannotCheck(out);
      if (cannot) {
        process.stderr.write(`dxledger verify: cannot check this bundle here: ${cannot}\n`);
        return 2;
      }
      if (!out.valid) invalid.push({ seq: (r as { leafIndex?: unknown })?.leafIndex, failed: out.checks.filter((c) => !c.ok) });
    }
  } finally {
    view.close();
  }
  const summary = { dataset: b.dataset, receipts: b.receipts.length, valid: b.receipts.length - invalid.length, invalid, pending: b.pending ?? [] };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    for (const i of invalid) process.stdout.write(`FAIL seq ${i.seq}: ${i.failed.map((c) => `${c.check}${c.code ? ` [${c.code}]` : ""}${c.detail ? ` (${c.detail})` : ""}`).join("; ")}\n`);
    process.stdout.write(`bundle of ${b.dataset}: ${summary.valid}/${summary.receipts} receipts valid, ${summary.pending.length} exchanges not yet anchored\n`);
    process.stdout.write(invalid.length ? "bundle is INVALID\n" : "bundle is VALID\n");
  }
  return invalid.length ? 1 : 0;
}
