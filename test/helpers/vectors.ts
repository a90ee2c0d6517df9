/** The RFC 9162 proof vectors (transparency-dev/merkle testdata), decoded. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const VECTORS_DIR = join(import.meta.dirname, "..", "vectors", "rfc9162");

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

export interface InclusionVector {
  name: string;
  leafIdx: bigint;
  treeSize: bigint;
  root: Uint8Array;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  wantErr: boolean;
}
export interface ConsistencyVector {
  name: string;
  size1: bigint;
  size2: bigint;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
  wantErr: boolean;
}

/** JSON with integers read exactly (some vectors use 2^64 − 1). */
function readExact(f: string): any {
  const text = readFileSync(f, "utf8").replace(/("(?:leafIdx|treeSize|size1|size2)"\s*:\s*)(-?\d+)/g, '$1"$2"');
  return JSON.parse(text);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith(".json") ? [p] : [];
  });
}

export function inclusionVectors(): InclusionVector[] {
  const dir = join(VECTORS_DIR, "inclusion");
  return walk(dir).map((f) => {
    const j = readExact(f);
    return {
      name: relative(dir, f),
      leafIdx: BigInt(j.leafIdx),
      treeSize: BigInt(j.treeSize),
      root: b64(j.root ?? ""),
      leafHash: b64(j.leafHash ?? ""),
      proof: (j.proof ?? []).map(b64),
      wantErr: Boolean(j.wantErr),
    };
  });
}

export function consistencyVectors(): ConsistencyVector[] {
  const dir = join(VECTORS_DIR, "consistency");
  return walk(dir).map((f) => {
    const j = readExact(f);
    return {
      name: relative(dir, f),
      size1: BigInt(j.size1),
      size2: BigInt(j.size2),
      root1: b64(j.root1 ?? ""),
      root2: b64(j.root2 ?? ""),
      proof: (j.proof ?? []).map(b64),
      wantErr: Boolean(j.wantErr),
    };
  });
}
