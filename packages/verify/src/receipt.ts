/**
 * Verification of a receipt with nothing but a chain RPC: leaf hash, inclusion
 * proof, the checkpoint on chain in the pinned ledger, the signer's EIP-712
 * signature against the on-chain registry by chain order (the key MUST have
 * been the department's active signer somewhere in blocks [B_{i-2}, B_i], i the
 * first checkpoint covering the entry; no clock is read), and the consistency
 * proof the chain accepted with the next checkpoint. Pins (chain id, contract,
 * log id) come from the auditor, never from the receipt. Never throws: a
 * tampered receipt, or an RPC that fails, is a verdict.
 *
 * A receipt with a `stateProof` (`?proof=state`) gets a sixth step,
 * "state-proof"; with no RPC at all (offline scope) that proof, under a block
 * hash the auditor trusts, stands for the "checkpoint" step, and the steps
 * that need the chain are NOT_CHECKED (see Verdict.scope).
 */
import { receiptSchema, type ParsedReceipt } from "../../../src/core/receipt.ts";
import { logEntryText } from "../../../src/core/ack.ts";
import { Eip712Digester, eip712Domain } from "../../../src/core/eip712.ts";
import { judgeSigner, signedPart } from "../../../src/core/signer-check.ts";
import { signingWindow, type RegistryEvent } from "../../../src/core/key-history.ts";
import { hashLeaf } from "../../../src/core/merkle/hash.ts";
import { rootFromInclusionProof, verifyConsistency } from "../../../src/core/merkle/verify.ts";
import { fromHex, toHex, utf8 } from "../../../src/core/hex.ts";
import { ChainView } from "./chain-view.ts";
import { recoverSigner } from "./recover.ts";
import { checkStateProof } from "./state-proof.ts";
import { STEPS, type Check, type Flag, type Pins, type Scope, type Step, type Verdict, type VerifyCode } from "./types.ts";

export interface VerifyOptions {
  readonly pins?: Pins;
  /** Also ask the contract's own verifyInclusion (one more call per receipt; default true). */
  readonly askContract?: boolean;
  /**
   * A block hash you trust (0x + 64 hex), from any source: a receipt's
   * `stateProof` must be of exactly this block. Without it, the RPC's
   * canonical hash at the proof's block number is used; offline, the
   * state proof then cannot be trusted (BLOCK_NOT_TRUSTED).
   */
  readonly trustedBlockHash?: string;
}

class Verdicts {
  readonly checks: Check[] = [];
  readonly flags: Flag[] = [];
  constructor(
    readonly scope: Scope,
    /** The receipt carries a stateProof: the "state-proof" step is reported. */
    public stateProof = false,
  ) {}
  ok(step: Step, message: string): void {
    this.checks.push({ step, ok: true, code: "OK", message });
  }
  skip(step: Step, message: string): void {
    this.checks.push({ step, ok: false, code: "NOT_CHECKED", message });
  }
  fail(step: Step, code: VerifyCode, message: string): Verdict {
    this.checks.push({ step, ok: false, code, message });
    return this.done();
  }
  done(): Verdict {
    const failed = this.checks.some((c) => !c.ok && c.code !== "NOT_CHECKED");
    for (const step of this.stateProof ? [...STEPS, "state-proof" as const] : STEPS) {
      if (!this.checks.some((c) => c.step === step)) this.checks.push({ step, ok: false, code: "NOT_CHECKED", message: "not checked: an earlier step failed" });
    }
    return { valid: !failed, scope: this.scope, checks: this.checks, flags: this.flags };
  }
}

/**
 * Verifies one receipt through `view` (which may serve many receipts); with no
 * view, offline: by the receipt's stateProof under `opts.trustedBlockHash`.
 */
export async function verifyWith(view: ChainView | undefined, json: unknown, opts: VerifyOptions = {}): Promise<Verdict> {
  const v = new Verdicts(view ? "chain" : "offline");
  const p = receiptSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return v.fail("leaf-hash", "RECEIPT_MALFORMED", `receipt is malformed: ${i.path.join(".") || "(root)"} ${i.message}`);
  }
  const r = p.data;
  const stateProof = (json as { stateProof?: unknown }).stateProof;
  v.stateProof = stateProof !== undefined;
  if (r.entry.seq !== r.leafIndex) return v.fail("leaf-hash", "RECEIPT_MALFORMED", `entry.seq ${r.entry.seq} differs from leafIndex ${r.leafIndex}`);
  const leaf = toHex(hashLeaf(utf8(logEntryText(r.entry))));
  if (leaf !== r.leafHash) return v.fail("leaf-hash", "LEAF_HASH_MISMATCH", `the entry hashes to ${leaf}; the receipt says ${r.leafHash}`);
  v.ok("leaf-hash", `the entry hashes to ${leaf}`);
  const root = rootFromInclusionProof(r.leafIndex, r.checkpoint.treeSize, fromHex(leaf), r.inclusionProof.map(fromHex));
  if (!root.ok) return v.fail("inclusion", "INCLUSION_PROOF_INVALID", `the inclusion proof is malformed (${root.reason})`);
  if (toHex(root.root) !== r.checkpoint.rootHash) {
    return v.fail(
      "inclusion",
      "INCLUSION_PROOF_INVALID",
      `the inclusion proof leads to root ${toHex(root.root)}; the checkpoint's root is ${r.checkpoint.rootHash}`,
    );
  }
  v.ok("inclusion", `leaf ${r.leafIndex} is in the tree of size ${r.checkpoint.treeSize} with root ${r.checkpoint.rootHash}`);
  if (!view) return offline(r, stateProof, opts, v);
  try {
    const failed = await onChain(view, r, opts, v);
    if (failed || !v.stateProof) return failed ?? v.done();
    const trusted = opts.trustedBlockHash ? given(opts.trustedBlockHash) : await canonical(view, stateProof);
    v.checks.push(stateProofCheck(r, stateProof, opts.pins ?? {}, trusted));
    return v.done();
  } catch (e) {
    const step: Step = ([...STEPS, "state-proof"] as const).find((s) => !v.checks.some((c) => c.step === s)) ?? "consistency";
    return v.fail(step, "RPC_ERROR", `the chain could not be read: ${(e as Error).message}`);
  }
}

/** How the state proof's block hash came to be trusted, and what it is. */
interface TrustedBlock {
  readonly hash: string | undefined;
  /** For the message: "given by you", "the RPC's canonical block N". */
  readonly how: string;
}

const given = (hash: string): TrustedBlock => ({ hash: hash.toLowerCase(), how: "the block hash you gave" });

async function canonical(view: ChainView, sp: unknown): Promise<TrustedBlock> {
  const n = (sp as { block?: { number?: unknown } } | null | undefined)?.block?.number;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return { hash: undefined, how: "the proof names no block number to ask the RPC about" };
  const b = await view.provider.getBlock(n);
  return b?.hash ? { hash: b.hash.toLowerCase(), how: `the RPC's canonical block ${n}` } : { hash: undefined, how: `the RPC has no block ${n}` };
}

/** The receipt against the auditor's pins; the names of what is not pinned. */
function checkPins(r: ParsedReceipt, pins: Pins): { mismatch?: string; unpinned: string[] } {
  const cp = r.checkpoint;
  const pinned: Array<[string, string | number | undefined, string | number]> = [
    ["chain id", pins.chainId, cp.chainId],
    ["contract", pins.contract?.toLowerCase(), cp.contract.toLowerCase()],
    ["log id", pins.logId?.toLowerCase(), cp.logId],
  ];
  for (const [what, pin, named] of pinned) {
    if (pin !== undefined && pin !== named) return { mismatch: `the receipt names ${what} ${named}; you pinned ${pin}`, unpinned: [] };
  }
  return { unpinned: pinned.filter(([, pin]) => pin === undefined).map(([what]) => what) };
}

/** The "state-proof" check of `sp` against the receipt's checkpoint in the pinned ledger, at a trusted block. */
function stateProofCheck(r: ParsedReceipt, sp: unknown, pins: Pins, trusted: TrustedBlock): Check {
  const cp = r.checkpoint;
  const contract = (pins.contract ?? cp.contract).toLowerCase();
  const fail = (code: VerifyCode, message: string): Check => ({ step: "state-proof", ok: false, code, message });
  const res = checkStateProof(sp, { contract, logId: cp.logId, index: cp.index, treeSize: cp.treeSize, rootHash: cp.rootHash, blockNumber: cp.blockNumber });
  if (!res.ok) return fail(res.code, res.message);
  if (trusted.hash === undefined) {
    return fail("BLOCK_NOT_TRUSTED", `block ${res.block.number} (hash ${res.block.hash}) cannot be trusted: ${trusted.how}`);
  }
  if (trusted.hash !== res.block.hash)
    return fail("BLOCK_NOT_TRUSTED", `the proof is of block ${res.block.number} with hash ${res.block.hash}; ${trusted.how} is ${trusted.hash}`);
  return {
    step: "state-proof",
    ok: true,
    code: "OK",
    message:
      `checkpoint ${cp.index} (size ${cp.treeSize}, root ${cp.rootHash}, block ${cp.blockNumber}) is in the storage of ${contract} at block ${res.block.number}, ` +
      `hash ${res.block.hash} (trusted: ${trusted.how}), state root ${res.block.stateRoot}`,
  };
}

/** Offline scope: the state proof stands for the checkpoint; what needs the chain is NOT_CHECKED. */
function offline(r: ParsedReceipt, sp: unknown, opts: VerifyOptions, v: Verdicts): Verdict {
  const cp = r.checkpoint;
  const pins = checkPins(r, opts.pins ?? {});
  if (pins.mismatch) return v.fail("checkpoint", "PIN_MISMATCH", pins.mismatch);
  if (sp === undefined) {
    return v.fail(
      "checkpoint",
      "NO_STATE_PROOF",
      "offline: this receipt carries no stateProof, the only offline evidence of its checkpoint (fetch the receipt with ?proof=state, or verify it with an RPC)",
    );
  }
  const trusted: TrustedBlock = opts.trustedBlockHash
    ? given(opts.trustedBlockHash)
    : { hash: undefined, how: "offline, and no block hash was given to trust (trustedBlockHash, --block-hash)" };
  const proof = stateProofCheck(r, sp, opts.pins ?? {}, trusted);
  if (!proof.ok)
    v.checks.push({
      step: "checkpoint",
      ok: false,
      code: proof.code,
      message: `offline: the state proof does not establish the checkpoint (state-proof below)`,
    });
  else {
    const chain = pins.unpinned.includes("chain id") ? `; chain ${cp.chainId} is the receipt's word (the block hash you trust stands for the chain)` : "";
    const unpinned = pins.unpinned.filter((w) => w !== "chain id");
    const trust = unpinned.length ? `; NOT PINNED, taken from the receipt: ${unpinned.join(", ")}` : "";
    v.ok(
      "checkpoint",
      `offline: checkpoint ${cp.index} (size ${cp.treeSize}, block ${cp.blockNumber}) is in the ledger's storage at the block whose hash you trust (state-proof below)${trust}${chain}`,
    );
  }
  v.skip("signature", "offline: not checked (the signer's key history is the registry's events on chain)");
  v.skip("consistency", "offline: not checked (whether later checkpoints extend this one is on chain)");
  v.checks.push(proof);
  return v.done();
}

/** The on-chain steps; a verdict when one fails, undefined when all passed. */
// eslint-disable-next-line complexity -- one check per on-chain fact of a receipt, each with its own failure code
async function onChain(view: ChainView, r: ParsedReceipt, opts: VerifyOptions, v: Verdicts): Promise<Verdict | undefined> {
  const cp = r.checkpoint;
  const contract = cp.contract.toLowerCase();
  const pins = checkPins(r, opts.pins ?? {});
  if (pins.mismatch) return v.fail("checkpoint", "PIN_MISMATCH", pins.mismatch);
  const trusted = pins.unpinned;
  const chainId = await view.chainId();
  if (chainId !== cp.chainId) return v.fail("checkpoint", "WRONG_CHAIN", `the RPC serves chain ${chainId}; the receipt names chain ${cp.chainId}`);
  const ledger = await view.inspect(contract);
  if (ledger.kind === "no-code" || ledger.kind === "not-ledger") return v.fail("checkpoint", "WRONG_CONTRACT", ledger.message);
  const at = await view.checkpoint(contract, cp.logId, cp.index);
  if (!at)
    return v.fail(
      "checkpoint",
      "CHECKPOINT_NOT_ON_CHAIN",
      `log ${cp.logId} has ${await view.count(contract, cp.logId)} checkpoints on chain; the receipt names index ${cp.index}`,
    );
  if (at.size !== cp.treeSize || at.root !== cp.rootHash) {
    return v.fail(
      "checkpoint",
      "CHECKPOINT_MISMATCH",
      `checkpoint ${cp.index} on chain has size ${at.size} and root ${at.root}; the receipt says size ${cp.treeSize}, root ${cp.rootHash}`,
    );
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
  const part = signedPart(r.entry, new Eip712Digester(eip712Domain(cp.chainId, contract)));
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
    return undefined;
  }
  const next = (await view.checkpoint(contract, cp.logId, cp.index + 1))!;
  const proof = await view.anchorProof(contract, cp.logId, cp.index + 1, next.block);
  if (!proof) {
    v.ok(
      "consistency",
      `checkpoint ${cp.index + 1} was anchored through another contract; its consistency proof was checked by the ledger, not re-checked here`,
    );
    return undefined;
  }
  const c = verifyConsistency(at.size, next.size, proof.map(fromHex), fromHex(at.root), fromHex(next.root));
  if (!c.ok)
    return v.fail(
      "consistency",
      "INCONSISTENT_CHECKPOINT",
      `checkpoint ${cp.index + 1} (size ${next.size}) does not extend checkpoint ${cp.index}: ${c.reason}`,
    );
  v.ok("consistency", `checkpoint ${cp.index + 1} (size ${next.size}) extends this one: its anchoring transaction's consistency proof checks out`);
  return undefined;
}

/** The event that installed `signer` as the department's key, if it was a recovery (the latest one at or before block `to`). */
function installedByRecovery(events: readonly RegistryEvent[], signer: string, to: number): RegistryEvent | undefined {
  const installing = events.filter((e) => e.block <= to && e.signer?.toLowerCase() === signer).at(-1);
  return installing && (installing as { recovery?: boolean }).recovery ? installing : undefined;
}

/**
 * Verifies one receipt against the chain at `rpcUrl` (or through `provider`);
 * with neither, offline (scope "offline"): no chain access at all, the
 * receipt's stateProof under `trustedBlockHash` stands for the checkpoint
 * (an empty `rpcUrl` is not offline: it is an RPC_ERROR, as before).
 */
export async function verifyReceipt(receipt: unknown, opts: VerifyOptions & ConstructorParameters<typeof ChainView>[0]): Promise<Verdict> {
  if (opts.rpcUrl === undefined && opts.provider === undefined) return verifyWith(undefined, receipt, opts);
  let view: ChainView;
  try {
    view = new ChainView(opts);
  } catch (e) {
    return new Verdicts("chain").fail("checkpoint", "RPC_ERROR", (e as Error).message);
  }
  try {
    return await verifyWith(view, receipt, opts);
  } finally {
    view.close();
  }
}
