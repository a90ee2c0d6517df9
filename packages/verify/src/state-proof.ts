/**
 * Offline evidence of a checkpoint (`?proof=state`, docs/evidence.md): the
 * ledger's storage slots of the checkpoint, proven by `eth_getProof` under
 * the state root of a block header. Given a block hash the auditor trusts,
 * this shows the checkpoint was in the ledger's state at that block — no
 * archive node, no RPC.
 *
 * `checkStateProof` is pure: it checks everything but whether the block hash
 * is trusted (the caller's: receipt.ts). It never throws.
 */
import { z } from "zod";
import { decodeRlp, getBytes, keccak256, type RlpStructuredData } from "ethers";
import { verifyMptProof } from "./mpt.ts";
import { checkpointSlots, storageWord, unpackCheckpoint, type Slot } from "./state-slots.ts";
import type { VerifyCode } from "./types.ts";

/** The `stateProof` field of a receipt (format "v": 1 receipts). */
export interface StateProof {
  readonly block: { readonly number: number; readonly hash: string; readonly header: string };
  readonly account: { readonly address: string; readonly proof: readonly string[] };
  readonly storage: ReadonlyArray<{ readonly slot: string; readonly value: string; readonly proof: readonly string[] }>;
}

const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x + hex bytes");
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex");
const proofNodes = z.array(hex).max(64);

export const stateProofSchema = z.object({
  block: z.object({ number: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), hash: hash32, header: hex }),
  account: z.object({ address: z.string().regex(/^0x[0-9a-fA-F]{40}$/), proof: proofNodes }),
  storage: z.array(z.object({ slot: hash32, value: z.string().regex(/^0x[0-9a-fA-F]{0,64}$/), proof: proofNodes })).max(8),
});

/** What the proof must show: the receipt's checkpoint, in the pinned ledger. */
export interface ExpectedCheckpoint {
  readonly contract: string;
  readonly logId: string;
  readonly index: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly blockNumber: number;
}

export type StateProofResult =
  | { readonly ok: true; readonly block: { readonly number: number; readonly hash: string; readonly stateRoot: string }; readonly storageRoot: string }
  | { readonly ok: false; readonly code: VerifyCode; readonly message: string };

const bad = (message: string, code: VerifyCode = "STATE_PROOF_INVALID"): StateProofResult => ({ ok: false, code, message });

/** The header's fields we read: state root (3) and number (8). */
function headerFields(header: string): { stateRoot: string; number: bigint } | undefined {
  const h: RlpStructuredData = decodeRlp(header);
  if (!Array.isArray(h) || h.length < 15 || typeof h[3] !== "string" || typeof h[8] !== "string") return undefined;
  if (getBytes(h[3]).length !== 32) return undefined;
  return { stateRoot: h[3].toLowerCase(), number: h[8] === "0x" ? 0n : BigInt(h[8]) };
}

/** An RLP byte string as a number (storage values and account fields are minimal big-endian). */
function rlpUint(encoded: string): bigint | undefined {
  const v = decodeRlp(encoded);
  return typeof v === "string" && getBytes(v).length <= 32 ? (v === "0x" ? 0n : BigInt(v)) : undefined;
}

/** Checks `json` (a receipt's `stateProof`) against the checkpoint the receipt names. */
// eslint-disable-next-line complexity -- one check per step of the state proof, each with its own failure code
export function checkStateProof(json: unknown, want: ExpectedCheckpoint): StateProofResult {
  const p = stateProofSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return bad(`stateProof is malformed: ${i.path.join(".") || "(root)"} ${i.message}`);
  }
  const sp = p.data;
  try {
    const headerHash = keccak256(sp.block.header).toLowerCase();
    if (headerHash !== sp.block.hash.toLowerCase()) return bad(`the block header hashes to ${headerHash}; stateProof.block.hash is ${sp.block.hash}`);
    const h = headerFields(sp.block.header);
    if (!h) return bad("the block header is not an RLP list of Ethereum header fields");
    if (h.number !== BigInt(sp.block.number)) return bad(`the block header is of block ${h.number}; stateProof.block.number is ${sp.block.number}`);
    if (sp.block.number < want.blockNumber) return bad(`the proof is at block ${sp.block.number}, before the checkpoint's block ${want.blockNumber}`);
    if (sp.account.address.toLowerCase() !== want.contract.toLowerCase())
      return bad(`the account proof is of ${sp.account.address}, not of the ledger ${want.contract}`);

    const acct = verifyMptProof(h.stateRoot, getBytes(keccak256(want.contract)), sp.account.proof);
    if (!acct.ok) return bad(`the account proof of ${want.contract} does not hold under the state root ${h.stateRoot}: ${acct.reason}`);
    const fields = decodeRlp(acct.value);
    if (!Array.isArray(fields) || fields.length !== 4 || typeof fields[2] !== "string" || getBytes(fields[2]).length !== 32) {
      return bad(`the account proof's leaf is not an account [nonce, balance, storageRoot, codeHash]`);
    }
    const storageRoot = fields[2].toLowerCase();

    const slots = checkpointSlots(want.logId, want.index);
    const proven = new Map<Slot, bigint>();
    for (const [name, slot] of [
      ["array length", slots.length],
      ["packed size/time/block", slots.packed],
      ["root hash", slots.rootHash],
    ] as const) {
      const item = sp.storage.find((s) => s.slot.toLowerCase() === slot);
      if (!item) return bad(`no storage proof of the checkpoint's ${name} slot ${slot} (log ${want.logId}, index ${want.index})`);
      const r = verifyMptProof(storageRoot, getBytes(keccak256(slot)), item.proof);
      if (!r.ok) return bad(`the storage proof of slot ${slot} (${name}) does not hold under the storage root ${storageRoot}: ${r.reason}`);
      const value = rlpUint(r.value);
      if (value === undefined) return bad(`the storage proof of slot ${slot} (${name}) ends in a value that is not an RLP integer`);
      if (value !== BigInt(item.value === "0x" ? 0 : item.value))
        return bad(`slot ${slot} (${name}) holds ${storageWord(value)} by its proof; stateProof says ${item.value}`);
      proven.set(slot, value);
    }
    const length = proven.get(slots.length)!;
    if (length <= BigInt(want.index))
      return bad(`log ${want.logId} has ${length} checkpoints at block ${sp.block.number}; the receipt names index ${want.index}`);
    const cp = unpackCheckpoint(proven.get(slots.packed)!);
    const root = storageWord(proven.get(slots.rootHash)!);
    if (cp.treeSize !== BigInt(want.treeSize) || root !== want.rootHash.toLowerCase() || cp.blockNumber !== BigInt(want.blockNumber)) {
      return bad(
        `checkpoint ${want.index} in the ledger's storage at block ${sp.block.number} has size ${cp.treeSize}, root ${root}, block ${cp.blockNumber}; ` +
          `the receipt says size ${want.treeSize}, root ${want.rootHash}, block ${want.blockNumber}`,
        "CHECKPOINT_MISMATCH",
      );
    }
    return { ok: true, block: { number: sp.block.number, hash: headerHash, stateRoot: h.stateRoot }, storageRoot };
  } catch (e) {
    return bad(`stateProof cannot be decoded: ${(e as Error).message.split(" (")[0]}`);
  }
}
