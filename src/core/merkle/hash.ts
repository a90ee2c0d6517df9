/**
 * RFC 9162 §2.1.1 hashing with SHA-256:
 *   leafHash = SHA-256(0x00 ‖ leafData), node = SHA-256(0x01 ‖ left ‖ right).
 */
import { createHash } from "node:crypto";

export type Hash = Uint8Array;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const EMPTY_ROOT: Hash = new Uint8Array(createHash("sha256").digest());

export function hashLeaf(data: Uint8Array): Hash {
  return new Uint8Array(createHash("sha256").update(LEAF_PREFIX).update(data).digest());
}

export function hashChildren(left: Hash, right: Hash): Hash {
  return new Uint8Array(createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest());
}
