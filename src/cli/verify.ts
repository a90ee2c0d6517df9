/**
 * `dxledger verify <receipt.json> [--rpc URL]`: checks a receipt with nothing
 * but a chain RPC — leaf hash, inclusion proof, the checkpoint on chain (and
 * the contract's own inclusion check), and the provider's EIP-712 signature
 * against the signer the on-chain registry gave that department when the
 * entry was accepted. Pins (chain id, contract, log id) come from the
 * auditor, never from the receipt; unpinned values are reported as trusted.
 * Exit: 0 valid, 1 invalid, 2 usage or I/O error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Contract } from "ethers";
import { checkReceiptOffline } from "../core/receipt.ts";
import { Eip712Digester, eip712Domain } from "../core/eip712.ts";
import { recoverSigner } from "../core/signature.ts";
import { ledgerArtifact } from "../adapters/chain/artifact.ts";
import { makeProvider } from "../adapters/chain/ledger-client.ts";
import { chainForCli } from "./chain-for-cli.ts";
import { registryHistory } from "../adapters/chain/registry-history.ts";
import { signersActiveAt } from "../core/key-history.ts";

export interface VerifyOutcome {
  readonly valid: boolean;
  readonly checks: Array<{ check: string; ok: boolean; detail?: string }>;
}

export interface Pins {
  readonly chainId?: number;
  readonly contract?: string;
  readonly logId?: string;
}

export async function verifyReceipt(receiptJson: unknown, rpcUrl: string, pins: Pins = {}): Promise<VerifyOutcome> {
  const checks: VerifyOutcome["checks"] = [];
  const done = (): VerifyOutcome => ({ valid: checks.every((c) => c.ok), checks });
  const off = checkReceiptOffline(receiptJson);
  if (!off.ok) {
    checks.push({ check: "receipt, leaf hash and inclusion proof", ok: false, detail: off.reason });
    return done();
  }
  const r = off.receipt;
  const cp = r.checkpoint;
  checks.push({ check: "leaf hash and inclusion proof", ok: true, detail: `root ${off.root}` });
  const pinned: Array<[string, unknown, unknown]> = [
    ["chain id", pins.chainId, cp.chainId],
    ["contract", pins.contract?.toLowerCase(), cp.contract.toLowerCase()],
    ["log id", pins.logId?.toLowerCase(), cp.logId],
  ];
  for (const [what, pin, named] of pinned) {
    if (pin === undefined) continue;
    if (pin !== named) {
      checks.push({ check: `pinned ${what}`, ok: false, detail: `the receipt names ${named}; you pinned ${pin}` });
      return done();
    }
    checks.push({ check: `pinned ${what}`, ok: true, detail: String(pin) });
  }

  const provider = makeProvider(rpcUrl);
  try {
    const net = await provider.getNetwork();
    if (Number(net.chainId) !== cp.chainId) {
      checks.push({ check: "chain id", ok: false, detail: `RPC is chain ${net.chainId}, receipt names ${cp.chainId}` });
      return done();
    }
    const ledger = new Contract(cp.contract, ledgerArtifact().abi as never[], provider);
    const count = Number(await ledger.getFunction("checkpointCount")(cp.logId));
    if (cp.index >= count) {
      checks.push({ check: "checkpoint on chain", ok: false, detail: `log ${cp.logId} has ${count} checkpoints on chain; receipt names index ${cp.index}` });
      return done();
    }
    const onChain = await ledger.getFunction("checkpointAt")(cp.logId, cp.index);
    const size = Number(onChain[0]);
    const root = String(onChain[1]).toLowerCase();
    const same = size === cp.treeSize && root === cp.rootHash;
    checks.push({
      check: "checkpoint on chain",
      ok: same,
      detail: same ? `index ${cp.index}, size ${size}, block ${onChain[3]}` : `chain has size ${size} root ${root}`,
    });
    const included = Boolean(await ledger.getFunction("verifyInclusion")(cp.logId, cp.index, r.leafIndex, r.leafHash, r.inclusionProof));
    checks.push({ check: "contract verifyInclusion", ok: included });

    const rec = r.entry.record;
    const digester = new Eip712Digester(eip712Domain(cp.chainId, cp.contract));
    const signer = recoverSigner(digester.digest(rec), rec.signature);
    if (!signer.ok) {
      checks.push({ check: "provider signature", ok: false, detail: signer.reason });
      return done();
    }
    const history = await registryHistory(provider, cp.contract, rec.provider);
    const active = signersActiveAt(history, Date.parse(r.entry.receivedAt));
    const ok = active.has(signer.address);
    checks.push({
      check: "provider signature (key history)",
      ok,
      detail: ok
        ? `signed by ${signer.address}, ${rec.provider}'s active signer when the entry was accepted (${r.entry.receivedAt})`
        : `signed by ${signer.address}; ${rec.provider}'s signer at ${r.entry.receivedAt} was ${[...active].join(" or ") || "none (not registered or revoked)"}`,
    });
    return done();
  } finally {
    provider.destroy();
  }
}

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
    out = await verifyReceipt(receipt, chain.rpcUrl, pins);
  } catch (e) {
    process.stderr.write(`dxledger verify: chain error: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await chain?.stop();
  }
  if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    for (const c of out.checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.check}${c.detail ? `: ${c.detail}` : ""}\n`);
    process.stdout.write(out.valid ? "receipt is VALID\n" : "receipt is INVALID\n");
  }
  return out.valid ? 0 : 1;
}

function usage(msg: string): number {
  process.stderr.write(`dxledger verify: ${msg}\n${USAGE}\n`);
  return 2;
}
