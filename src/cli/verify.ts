/**
 * `dxledger verify <receipt.json> [--rpc URL]`: checks a receipt with nothing
 * but a chain RPC — leaf hash, inclusion proof, the checkpoint on chain (and
 * the contract's own inclusion check), and the provider's EIP-712 signature
 * against the signers the on-chain registry gave that department.
 * Exit: 0 valid, 1 invalid, 2 usage or I/O error.
 */
import { readFileSync } from "node:fs";
import { Contract, id as keccakId } from "ethers";
import { checkReceiptOffline } from "../core/receipt.ts";
import { Eip712Digester, eip712Domain } from "../core/eip712.ts";
import { recoverSigner } from "../core/signature.ts";
import { ledgerArtifact } from "../adapters/chain/artifact.ts";
import { makeProvider } from "../adapters/chain/ledger-client.ts";
import { chainForCli } from "./chain-for-cli.ts";

export interface VerifyOutcome {
  readonly valid: boolean;
  readonly checks: Array<{ check: string; ok: boolean; detail?: string }>;
}

export async function verifyReceipt(receiptJson: unknown, rpcUrl: string): Promise<VerifyOutcome> {
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
    const idHash = keccakId(rec.provider);
    const iface = ledger.interface;
    const logs = await provider.getLogs({
      address: cp.contract,
      topics: [[iface.getEvent("DepartmentRegistered")!.topicHash, iface.getEvent("SignerRotated")!.topicHash], idHash],
      fromBlock: 0,
      toBlock: "latest",
    });
    const signers = new Set<string>();
    for (const log of logs) {
      const p = iface.parseLog(log);
      if (p?.name === "DepartmentRegistered") signers.add(String(p.args[2]).toLowerCase());
      if (p?.name === "SignerRotated") signers.add(String(p.args[3]).toLowerCase());
    }
    if (signers.size === 0) {
      const cur = await ledger.getFunction("departmentSigner")(rec.provider);
      signers.add(String(cur[0]).toLowerCase());
    }
    const known = signers.has(signer.address);
    checks.push({
      check: "provider signature",
      ok: known,
      detail: known ? `signed by ${signer.address}, a registered signer of ${rec.provider}` : `signed by ${signer.address}, never a signer of ${rec.provider} on chain`,
    });
    return done();
  } finally {
    provider.destroy();
  }
}

export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let file: string | undefined;
  let rpc = env.RPC_URL || undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--rpc") rpc = args[++i];
    else if (a.startsWith("--rpc=")) rpc = a.slice(6);
    else if (a === "--json") json = true;
    else if (a.startsWith("-")) return usage(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else return usage(`unexpected argument ${a}`);
  }
  if (!file) return usage("missing <receipt.json>");
  let receipt: unknown;
  try {
    receipt = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    process.stderr.write(`dxledger verify: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let out: VerifyOutcome;
  let chain: Awaited<ReturnType<typeof chainForCli>> | undefined;
  try {
    chain = await chainForCli(rpc, env);
    if (chain.note) process.stderr.write(`dxledger verify: ${chain.note}\n`);
    out = await verifyReceipt(receipt, chain.rpcUrl);
  } catch (e) {
    process.stderr.write(`dxledger verify: chain error: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await chain?.stop();
  }
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    for (const c of out.checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.check}${c.detail ? `: ${c.detail}` : ""}\n`);
    process.stdout.write(out.valid ? "receipt is VALID\n" : "receipt is INVALID\n");
  }
  return out.valid ? 0 : 1;
}

function usage(msg: string): number {
  process.stderr.write(`dxledger verify: ${msg}\nusage: dxledger verify <receipt.json> [--rpc URL] [--json]\n`);
  return 2;
}
