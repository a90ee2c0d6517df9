/**
 * Verification of a receipt with nothing but a chain RPC: leaf hash,
 * inclusion proof, the contract at the named address, the checkpoint on chain
 * (and the contract's own inclusion check), and the signer's EIP-712
 * signature against the on-chain registry by chain order (core/key-history.ts):
 * the key MUST have been the department's active signer somewhere in blocks
 * [B_{i-2}, B_i], i the first checkpoint covering the entry. No clock is read.
 * Pins (chain id, contract, log id) come from the auditor, never from the receipt.
 */
import { Contract } from "ethers";
import { checkReceiptOffline, receiptSchema } from "../core/receipt.ts";
import { Eip712Digester, eip712Domain } from "../core/eip712.ts";
import { judgeSigner, signedPart, type SignatureFailureCode } from "../core/signer-check.ts";
import { recoverSigner } from "../core/signature.ts";
import { signingWindow } from "../core/key-history.ts";
import { logEntryText, type LogEntry } from "../core/ack.ts";
import { hashLeaf } from "../core/merkle/hash.ts";
import { toHex } from "../core/hex.ts";
import { ledgerArtifact } from "../adapters/chain/artifact.ts";
import { makeProvider } from "../adapters/chain/rpc.ts";
import { inspectLedger, type LedgerInspection } from "../adapters/chain/contract-check.ts";
import { registryHistory } from "../adapters/chain/registry-history.ts";

export type VerifyCode =
  | "RECEIPT_MALFORMED" | "LEAF_HASH_MISMATCH" | "INCLUSION_PROOF_INVALID" | "PIN_MISMATCH"
  | "WRONG_CHAIN" | "WRONG_CONTRACT" | "CHECKPOINT_NOT_ON_CHAIN" | "CHECKPOINT_MISMATCH" | "CONTRACT_REJECTED_INCLUSION"
  | SignatureFailureCode;

/** Failures that mean "this RPC cannot check this receipt" rather than "the receipt is false" (CLI: exit 2). */
export const CANNOT_CHECK: ReadonlySet<VerifyCode> = new Set(["WRONG_CHAIN", "WRONG_CONTRACT"]);

export interface VerifyCheck {
  readonly check: string;
  readonly ok: boolean;
  /** Why it failed, typed; absent on success. */
  readonly code?: VerifyCode;
  readonly detail?: string;
}

export interface VerifyOutcome {
  readonly valid: boolean;
  readonly checks: VerifyCheck[];
}

export interface Pins {
  readonly chainId?: number;
  readonly contract?: string;
  readonly logId?: string;
}

interface OnChainCheckpoint {
  readonly size: number;
  readonly root: string;
  readonly block: number;
}

/**
 * What verification reads from the chain, cached for the life of the view:
 * one read per checkpoint index, per contract inspection and per department's
 * registry history, however many receipts.
 */
export class ChainView {
  readonly provider: ReturnType<typeof makeProvider>;
  #chainId: Promise<number> | undefined;
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(rpcUrl: string) {
    this.provider = makeProvider(rpcUrl);
  }

  #once<T>(key: string, f: () => Promise<T>): Promise<T> {
    let p = this.#memo.get(key) as Promise<T> | undefined;
    if (!p) this.#memo.set(key, (p = f()));
    return p;
  }

  chainId(): Promise<number> {
    this.#chainId ??= this.provider.getNetwork().then((n) => Number(n.chainId));
    return this.#chainId;
  }

  ledger(contract: string): Contract {
    return new Contract(contract, ledgerArtifact().abi as never[], this.provider);
  }

  inspect(contract: string): Promise<LedgerInspection> {
    return this.#once(`inspect:${contract}`, async () => inspectLedger(this.provider, contract, await this.chainId()));
  }

  count(contract: string, logId: string): Promise<number> {
    return this.#once(`count:${contract}:${logId}`, async () => Number(await this.ledger(contract).getFunction("checkpointCount")(logId)));
  }

  /** Checkpoint `index` as the chain has it; undefined when the chain has fewer. */
  checkpoint(contract: string, logId: string, index: number): Promise<OnChainCheckpoint | undefined> {
    return this.#once(`cp:${contract}:${logId}:${index}`, async () => {
      if (index >= (await this.count(contract, logId))) return undefined;
      const c = await this.ledger(contract).getFunction("checkpointAt")(logId, index);
      return { size: Number(c[0]), root: String(c[1]).toLowerCase(), block: Number(c[3]) };
    });
  }

  /** The first checkpoint (index ≤ `atMost`, which MUST cover it) whose tree covers `leafIndex`: binary search by tree size. */
  async firstCovering(contract: string, logId: string, leafIndex: number, atMost: number): Promise<number> {
    let lo = 0;
    let hi = atMost;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((await this.checkpoint(contract, logId, mid))!.size > leafIndex) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  history(contract: string, department: string) {
    return this.#once(`history:${contract}:${department}`, () => registryHistory(this.provider, contract, department));
  }

  close(): void {
    this.provider.destroy();
  }
}

export async function verifyReceipt(receiptJson: unknown, rpcUrl: string, pins: Pins = {}): Promise<VerifyOutcome> {
  const view = new ChainView(rpcUrl);
  try {
    return await verifyWith(view, receiptJson, pins, true);
  } finally {
    view.close();
  }
}

/** Which offline step failed (checkReceiptOffline gives the words). */
function offlineFailure(json: unknown): VerifyCode {
  const p = receiptSchema.safeParse(json);
  if (!p.success || p.data.entry.seq !== p.data.leafIndex) return "RECEIPT_MALFORMED";
  const leaf = toHex(hashLeaf(Buffer.from(logEntryText(p.data.entry as LogEntry), "utf8")));
  return leaf === p.data.leafHash ? "INCLUSION_PROOF_INVALID" : "LEAF_HASH_MISMATCH";
}

/** Verifies one receipt through `view`; `askContract` also calls the contract's verifyInclusion. */
export async function verifyWith(view: ChainView, receiptJson: unknown, pins: Pins, askContract: boolean): Promise<VerifyOutcome> {
  const checks: VerifyCheck[] = [];
  const done = (): VerifyOutcome => ({ valid: checks.every((c) => c.ok), checks });
  const fail = (check: string, code: VerifyCode, detail: string): VerifyOutcome => {
    checks.push({ check, ok: false, code, detail });
    return done();
  };
  const off = checkReceiptOffline(receiptJson);
  if (!off.ok) return fail("receipt, leaf hash and inclusion proof", offlineFailure(receiptJson), off.reason);
  const r = off.receipt;
  const cp = r.checkpoint;
  const contract = cp.contract.toLowerCase();
  checks.push({ check: "leaf hash and inclusion proof", ok: true, detail: `root ${off.root}` });
  const pinned: Array<[string, unknown, unknown]> = [
    ["chain id", pins.chainId, cp.chainId],
    ["contract", pins.contract?.toLowerCase(), contract],
    ["log id", pins.logId?.toLowerCase(), cp.logId],
  ];
  for (const [what, pin, named] of pinned) {
    if (pin === undefined) continue;
    if (pin !== named) return fail(`pinned ${what}`, "PIN_MISMATCH", `the receipt names ${named}; you pinned ${pin}`);
    checks.push({ check: `pinned ${what}`, ok: true, detail: String(pin) });
  }

  const chainId = await view.chainId();
  if (chainId !== cp.chainId) return fail("chain id", "WRONG_CHAIN", `the RPC serves chain ${chainId}; the receipt names chain ${cp.chainId}`);
  const ledger = await view.inspect(contract);
  if (ledger.kind === "no-code" || ledger.kind === "not-ledger") return fail("contract", "WRONG_CONTRACT", ledger.message);
  checks.push({ check: "contract", ok: true, detail: ledger.message });
  const onChain = await view.checkpoint(contract, cp.logId, cp.index);
  if (!onChain) {
    return fail("checkpoint on chain", "CHECKPOINT_NOT_ON_CHAIN", `log ${cp.logId} has ${await view.count(contract, cp.logId)} checkpoints on chain; the receipt names index ${cp.index}`);
  }
  if (onChain.size !== cp.treeSize || onChain.root !== cp.rootHash) {
    checks.push({ check: "checkpoint on chain", ok: false, code: "CHECKPOINT_MISMATCH", detail: `chain has size ${onChain.size} root ${onChain.root}` });
  } else checks.push({ check: "checkpoint on chain", ok: true, detail: `index ${cp.index}, size ${onChain.size}, block ${onChain.block}` });
  if (askContract) {
    const included = Boolean(await view.ledger(contract).getFunction("verifyInclusion")(cp.logId, cp.index, r.leafIndex, r.leafHash, r.inclusionProof));
    checks.push(included ? { check: "contract verifyInclusion", ok: true } : { check: "contract verifyInclusion", ok: false, code: "CONTRACT_REJECTED_INCLUSION" });
  }
  if (!checks.every((c) => c.ok)) return done();

  // The key: by chain order, in the window of the first checkpoint covering the entry.
  const first = await view.firstCovering(contract, cp.logId, r.leafIndex, cp.index);
  const blocks = new Map<number, number>();
  for (const i of [first - 2, first]) if (i >= 0) blocks.set(i, (await view.checkpoint(contract, cp.logId, i))!.block);
  const window = signingWindow(first, (i) => blocks.get(i)!);
  const part = signedPart(r.entry as LogEntry, new Eip712Digester(eip712Domain(cp.chainId, contract)));
  const verdict = judgeSigner(part.department, recoverSigner(part.digest, part.signature), await view.history(contract, part.department), window);
  const where = `blocks ${window.from}..${window.to}: the entry is first covered by checkpoint ${first}`;
  const check = `${part.role} signature (key history)`;
  if (!verdict.ok) return fail(check, verdict.code, `${verdict.reason} (${where})`);
  checks.push({ check, ok: true, detail: `signed by ${verdict.signer}, ${part.department}'s active signer in ${where}` });
  return done();
}
