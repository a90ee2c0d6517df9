/**
 * RFC 9162 §2.1.1 hashing with SHA-256:
 *   leafHash = SHA-256(0x00 ‖ leafData), node = SHA-256(0x01 ‖ left ‖ right).
 * Portable (no `node:` import): the standalone verifier runs it in browsers too.
 */
import { sha256 } from "@noble/hashes/sha2.js";

export type Hash = Uint8Array;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

export function hashLeaf(data: Uint8Array): Hash {
  return sha256.create().update(LEAF_PREFIX).update(data).digest();
}

export function hashChildren(left: Hash, right: Hash): Hash {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}
