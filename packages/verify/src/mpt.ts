/**
 * Merkle-Patricia proofs (Ethereum Yellow Paper, appendix D) as `eth_getProof`
 * returns them: the RLP nodes on the path from the root to a key's leaf.
 *
 * Contract:
 * - `key` is the path in the trie: for the state and storage tries (secure
 *   tries) the caller passes keccak256(address) or keccak256(slot).
 * - Every node MUST be referenced by its parent: by keccak256 of its RLP, or,
 *   when its RLP is shorter than 32 bytes, embedded in the parent itself (an
 *   embedded node may also be repeated as the next proof element).
 * - The walk MUST end on a leaf (or a branch's value) whose path is exactly
 *   `key`, with no proof element left over. A proof that the key is absent is
 *   a failure here: the ledger's slots we prove are never zero.
 * - Never throws: a malformed node is a failure with its position.
 */
import { decodeRlp, encodeRlp, getBytes, hexlify, keccak256, type RlpStructuredData } from "ethers";

export type MptResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string; readonly node: number };

function nibbles(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b >> 4, b & 0x0f);
  return out;
}

/** Hex-prefix decoding: the node's path nibbles and whether it is a leaf. */
function hexPrefix(encoded: string): { path: number[]; leaf: boolean } | undefined {
  const n = nibbles(getBytes(encoded));
  if (n.length === 0) return undefined;
  const flag = n[0]!;
  if (flag > 3) return undefined;
  if ((flag & 1) === 0 && n[1] !== 0) return undefined; // even length: a zero pad nibble
  return { path: n.slice(flag & 1 ? 1 : 2), leaf: flag >= 2 };
}

const equalPath = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The value stored under `key` in the trie of root `rootHash`, proven by `proof`. */
// eslint-disable-next-line complexity -- one check per step of the trie proof, each with its own failure
export function verifyMptProof(rootHash: string, key: Uint8Array, proof: readonly string[]): MptResult {
  const path = nibbles(key);
  let at = 0; // nibbles of `path` consumed
  let next = 0; // proof elements consumed
  // The reference the next node must match: a 32-byte hash, or an embedded node.
  let ref: RlpStructuredData = rootHash.toLowerCase();
  const fail = (reason: string): MptResult => ({ ok: false, reason, node: Math.max(0, next - 1) });
  try {
    for (;;) {
      let node: RlpStructuredData;
      if (typeof ref === "string") {
        if (getBytes(ref).length !== 32) return fail(`node ${next - 1} refers to its child by ${ref}, neither a 32-byte hash nor an embedded node`);
        const raw = proof[next++];
        if (raw === undefined) return fail(`the proof ends after ${next - 1} nodes; the path needs a node with hash ${ref}`);
        if (keccak256(raw).toLowerCase() !== ref) return fail(`node ${next - 1} hashes to ${keccak256(raw)}; its parent refers to ${ref}`);
        node = decodeRlp(raw);
      } else {
        node = ref;
        if (getBytes(encodeRlp(node)).length >= 32) return fail(`node ${next - 1} embeds a child of 32 bytes or more (it must be referenced by hash)`);
        if (proof[next]?.toLowerCase() === encodeRlp(node).toLowerCase()) next++;
      }
      if (!Array.isArray(node)) return fail(`node ${next - 1} is not an RLP list`);
      if (node.length === 17) {
        if (at === path.length) {
          const v = node[16]!;
          if (typeof v !== "string" || v === "0x") return fail(`the key ends at branch node ${next - 1}, which holds no value`);
          return finish(v);
        }
        const child: RlpStructuredData = node[path[at++]!]!;
        if (child === "0x") return fail(`branch node ${next - 1} has no child at nibble ${path[at - 1]!.toString(16)}: the key is absent`);
        ref = child;
        continue;
      }
      if (node.length !== 2 || typeof node[0] !== "string") return fail(`node ${next - 1} is neither a branch (17 items) nor a leaf or extension (2 items)`);
      const hp = hexPrefix(node[0]);
      if (!hp) return fail(`node ${next - 1} has a malformed hex-prefix path ${node[0]}`);
      const rest = path.slice(at, at + hp.path.length);
      if (hp.leaf) {
        if (!equalPath(hp.path, path.slice(at))) return fail(`leaf node ${next - 1} holds another key: the key is absent`);
        if (typeof node[1] !== "string") return fail(`leaf node ${next - 1} has a list for a value`);
        return finish(node[1]);
      }
      if (hp.path.length === 0 || !equalPath(hp.path, rest)) return fail(`extension node ${next - 1} leads elsewhere: the key is absent`);
      at += hp.path.length;
      ref = node[1]!;
    }
  } catch (e) {
    return fail(`node ${next - 1} is not valid RLP (${(e as Error).message.split(" (")[0]})`);
  }

  function finish(value: string): MptResult {
    if (next !== proof.length) return { ok: false, reason: `${proof.length - next} proof node(s) after the leaf`, node: next };
    return { ok: true, value: hexlify(value) };
  }
}
