/**
 * Verification of a receipt with nothing but a chain RPC: leaf hash, inclusion
 * proof, the checkpoint on chain in the pinned ledger, the signer's EIP-712
 * signature against the on-chain registry by chain order (the key MUST have
 * been the department's active signer somewhere in blocks [B_{i-2}, B_i], i the
 * first checkpoint covering the entry; no clock is read), and the consistency
 * proof the chain accepted with the next checkpoint. Pins (chain id, contract,
 * log id) come from the auditor, never from the receipt. Never throws: a
 * tampered receipt, or an RPC that fails, is a verdict.
 */
import { receiptSchema, type ParsedReceipt } from "../../../src/core/receipt.ts";
import { logEntryText, type LogEntry } from "../../../src/core/ack.ts";
import { Eip712Digester, eip712Domain } from "../../../src/core/eip712.ts";
import { judgeSigner, signedPart } from "../../../src/core/signer-check.ts";
import { signingWindow, type RegistryEvent } from "../../../src/core/key-history.ts";
import { hashLeaf } from "../../../src/core/merkle/hash.ts";
import { rootFromInclusionProof, verifyConsistency } from "../../../src/core/merkle/verify.ts";
import { fromHex, toHex, utf8 } from "../../../src/core/hex.ts";
import { ChainView } from "./chain-view.ts";
import { recoverSigner } from "./recover.ts";
import { STEPS, type Check, type Flag, type Pins, type Step, type Verdict, type VerifyCode } from "./types.ts";

export interface VerifyOptions {
  readonly pins?: Pins;
  /** Also ask the contract's own verifyInclusion (one more call per receipt; default true). */
  readonly askContract?: boolean;
}

class Verdicts {
  readonly checks: Check[] = [];
  readonly flags: Flag[] = [];
  ok(step: Step, message: string): void {
    this.checks.push({ step, ok: true, code: "OK", message });
  }
  fail(step: Step, code: VerifyCode, message: string): Verdict {
    this.checks.push({ step, ok: false, code, message });
    return this.done();
  }
  done(): Verdict {
    const failed = this.checks.some((c) => !c.ok);
    for (const step of STEPS) {
      if (!this.checks.some((c) => c.step === step)) this.checks.push({ step, ok: false, code: "NOT_CHECKED", message: "not checked: an earlier step failed" });
    }
    return { valid: !failed, checks: this.checks, flags: this.flags };
  }
}

/** Verifies one receipt through `view` (which may serve many receipts). */
export async function verifyWith(view: ChainView, json: unknown, opts: VerifyOptions = {}): Promise<Verdict> {
  const v = new Verdicts();
  const p = receiptSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return v.fail("leaf-hash", "RECEIPT_MALFORMED", `receipt is malformed: ${i.path.join(".") || "(root)"} ${i.message}`);
  }
  const r = p.data;
  if (r.entry.seq !== r.leafIndex) return v.fail("leaf-hash", "RECEIPT_MALFORMED", `entry.seq ${r.entry.seq} differs from leafIndex ${r.leafIndex}`);
  const leaf = toHex(hashLeaf(utf8(logEntryText(r.entry as LogEntry))));
  if (leaf !== r.leafHash) return v.fail("leaf-hash", "LEAF_HASH_MISMATCH", `the entry hashes to ${leaf}; the receipt says ${r.leafHash}`);
  v.ok("leaf-hash", `the entry hashes to ${leaf}`);
  const root = rootFromInclusionProof(r.leafIndex, r.checkpoint.treeSize, fromHex(leaf), r.inclusionProof.map(fromHex));
  if (!root.ok) return v.fail("inclusion", "INCLUSION_PROOF_INVALID", `the inclusion proof is malformed (${root.reason})`);
  if (toHex(root.root) !== r.checkpoint.rootHash) {
    return v.fail("inclusion", "INCLUSION_PROOF_INVALID", `the inclusion proof leads to root ${toHex(root.root)}; the checkpoint's root is ${r.checkpoint.rootHash}`);
  }
  v.ok("inclusion", `leaf ${r.leafIndex} is in the tree of size ${r.checkpoint.treeSize} with root ${r.checkpoint.rootHash}`);
  try {
    return await onChain(view, r, opts, v);
  } catch (e) {
    const step: Step = (["checkpoint", "signature", "consistency"] as const).find((s) => !v.checks.some((c) => c.step === s)) ?? "consistency";
    return v.fail(step, "RPC_ERROR", `the chain could not be read: ${(e as Error).message}`);
  }
}

async function onChain(view: ChainView, r: ParsedReceipt, opts: VerifyOptions, v: Verdicts): Promise<Verdict> {
  const cp = r.checkpoint;
  const contract = cp.contract.toLowerCase();
  const pins = opts.pins ?? {};
  const pinned: Array<[string, unknown, unknown]> = [
    ["chain id", pins.chainId, cp.chainId],
    ["contract", pins.contract?.toLowerCase(), contract],
    ["log id", pins.logId?.toLowerCase(), cp.logId],
  ];
  for (const [what, pin, named] of pinned) {
    if (pin !== undefined && pin !== named) return v.fail("checkpoint", "PIN_MISMATCH", `the receipt names ${what} ${named}; you pinned ${pin}`);
  }
  const trusted = pinned.filter(([, pin]) => pin === undefined).map(([what]) => what);
  const chainId = await view.chainId();
  if (chainId !== cp.chainId) return v.fail("checkpoint", "WRONG_CHAIN", `the RPC serves chain ${chainId}; the receipt names chain ${cp.chainId}`);
  const ledger = await view.inspect(contract);
  if (ledger.kind === "no-code" || ledger.kind === "not-ledger") return v.fail("checkpoint", "WRONG_CONTRACT", ledger.message);
  const at = await view.checkpoint(contract, cp.logId, cp.index);
  if (!at) return v.fail("checkpoint", "CHECKPOINT_NOT_ON_CHAIN", `log ${cp.logId} has ${await view.count(contract, cp.logId)} checkpoints on chain; the receipt names index ${cp.index}`);
  if (at.size !== cp.treeSize || at.root !== cp.rootHash) {
    return v.fail("checkpoint", "CHECKPOINT_MISMATCH", `checkpoint ${cp.index} on chain has size ${at.size} and root ${at.root}; the receipt says size ${cp.treeSize}, root ${cp.rootHash}`);
  }
  if (opts.askContract ?? true) {
    const included = Boolean(await view.ledger(contract).getFunction("verifyInclusion")(cp.logId, cp.index, r.leafIndex, r.leafHash, r.inclusionProof));
    if (!included) return v.fail("checkpoint", "CONTRACT_REJECTED_INCLUSION", "the contract's own verifyInclusion refuses this proof");
  }
  const trust = trusted.length ? `; NOT PINNED, taken from the receipt: ${trusted.join(", ")}` : "";
  v.ok("checkpoint", `checkpoint ${cp.index} (size ${at.size}, block ${at.block}) is in ${ledger.message}${trust}`);

  // The key: by chain order, in the window of the first checkpoint covering the entry.
  const first = await view.firstCovering(contract, cp.logId, r.leafIndex, cp.index);
  const blocks = new Map<number, number>();
  for (const i of [first - 2, first]) if (i >= 0) blocks.set(i, (await view.checkpoint(contract, cp.logId, i))!.block);
  const window = signingWindow(first, (i) => blocks.get(i)!);
  const part = signedPart(r.entry as LogEntry, new Eip712Digester(eip712Domain(cp.chainId, contract)));
  const history = await view.history(contract, part.department);
  const verdict = judgeSigner(part.department, recoverSigner(part.digest, part.signature), history, window);
  const where = `blocks ${window.from}..${window.to}: the entry is first covered by checkpoint ${first}`;
  if (!verdict.ok) return v.fail("signature", verdict.code, `${part.role} signature: ${verdict.reason} (${where})`);
  const recovered = installedByRecovery(history, verdict.signer, window.to);
  if (recovered) v.flags.push("SIGNED_WITH_RECOVERED_KEY");
  const how = recovered ? ` — a key installed by the registry's recovery in block ${recovered.block}, not by the department itself` : "";
  v.ok("signature", `${part.role} signature by ${verdict.signer}, ${part.department}'s active signer in ${where}${how}`);

  // Consistency: the next checkpoint extends this one, by the proof the chain accepted with it.
  const count = await view.count(contract, cp.logId);
  if (cp.index + 1 >= count) {
    v.ok("consistency", `checkpoint ${cp.index} is the latest on chain; every later one must prove it extends it (the contract checks)`);
    return v.done();
  }
  const next = (await view.checkpoint(contract, cp.logId, cp.index + 1))!;
  const proof = await view.anchorProof(contract, cp.logId, cp.index + 1, next.block);
  if (!proof) {
    v.ok("consistency", `checkpoint ${cp.index + 1} was anchored through another contract; its consistency proof was checked by the ledger, not re-checked here`);
    return v.done();
  }
  const c = verifyConsistency(at.size, next.size, proof.map(fromHex), fromHex(at.root), fromHex(next.root));
  if (!c.ok) return v.fail("consistency", "INCONSISTENT_CHECKPOINT", `checkpoint ${cp.index + 1} (size ${next.size}) does not extend checkpoint ${cp.index}: ${c.reason}`);
  v.ok("consistency", `checkpoint ${cp.index + 1} (size ${next.size}) extends this one: its anchoring transaction's consistency proof checks out`);
  return v.done();
}

/** The event that installed `signer` as the department's key, if it was a recovery (the latest one at or before block `to`). */
function installedByRecovery(events: readonly RegistryEvent[], signer: string, to: number): RegistryEvent | undefined {
  const installing = events.filter((e) => e.block <= to && e.signer?.toLowerCase() === signer).at(-1);
  return installing && (installing as { recovery?: boolean }).recovery ? installing : undefined;
}

/** Verifies one receipt against the chain at `rpcUrl` (or through `provider`). */
export async function verifyReceipt(receipt: unknown, opts: VerifyOptions & ConstructorParameters<typeof ChainView>[0]): Promise<Verdict> {
  let view: ChainView;
  try {
    view = new ChainView(opts);
  } catch (e) {
    return new Verdicts().fail("checkpoint", "RPC_ERROR", (e as Error).message);
  }
  try {
    return await verifyWith(view, receipt, opts);
  } finally {
    view.close();
  }
}
