/**
 * Offline checks of a receipt (SPEC §5): shape, leaf hash recomputed from the
 * entry, and the root its inclusion proof implies. The chain checks are the
 * caller's (cli/verify.ts). Every failure names what was checked.
 */
import { z } from "zod";
import { exchangeRecordInput, isoTimestamp } from "./record.ts";
import { acknowledgementInput, logEntryText } from "./ack.ts";
import { hashLeaf } from "./merkle/hash.ts";
import { rootFromInclusionProof } from "./merkle/verify.ts";
import { fromHex, toHex, utf8 } from "./hex.ts";

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lowercase hex");
const uint = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const receiptSchema = z.object({
  v: z.literal(1).optional(),
  entry: z.union([
    z.strictObject({ v: z.literal(1), seq: uint, receivedAt: isoTimestamp, record: exchangeRecordInput }),
    z.strictObject({ v: z.literal(1), seq: uint, receivedAt: isoTimestamp, ack: acknowledgementInput }),
  ]),
  leafIndex: uint,
  leafHash: hash32,
  checkpoint: z.object({
    logId: hash32,
    index: uint,
    treeSize: uint.min(1),
    rootHash: hash32,
    chainId: z.number().int().positive(),
    contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    txHash: z.string(),
    blockNumber: uint,
  }),
  inclusionProof: z.array(hash32).max(64),
});

export type ParsedReceipt = z.output<typeof receiptSchema>;

export type OfflineResult = { ok: true; receipt: ParsedReceipt; root: string } | { ok: false; reason: string };

export function checkReceiptOffline(json: unknown): OfflineResult {
  const p = receiptSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return { ok: false, reason: `receipt is malformed: ${i.path.join(".") || "(root)"} ${i.message}` };
  }
  const r = p.data;
  if (r.entry.seq !== r.leafIndex) return { ok: false, reason: `entry.seq ${r.entry.seq} differs from leafIndex ${r.leafIndex}` };
  const leaf = toHex(hashLeaf(utf8(logEntryText(r.entry))));
  if (leaf !== r.leafHash) return { ok: false, reason: `leaf hash recomputed from the entry is ${leaf}, receipt says ${r.leafHash}` };
  const root = rootFromInclusionProof(r.leafIndex, r.checkpoint.treeSize, fromHex(leaf), r.inclusionProof.map(fromHex));
  if (!root.ok) return { ok: false, reason: `inclusion proof is invalid: ${JSON.stringify(root)}` };
  if (toHex(root.root) !== r.checkpoint.rootHash) {
    return { ok: false, reason: `inclusion proof leads to root ${toHex(root.root)}, receipt's checkpoint says ${r.checkpoint.rootHash}` };
  }
  return { ok: true, receipt: r, root: toHex(root.root) };
}
