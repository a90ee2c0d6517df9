import { expect } from "chai";
import { createHash } from "node:crypto";
import { Frontier } from "../../src/core/merkle/frontier.ts";
import { hashLeaf, type Hash } from "../../src/core/merkle/hash.ts";
import { decompose, foldRange } from "../../src/core/merkle/range.ts";
import { consistencyRanges, inclusionRanges, type Range } from "../../src/core/merkle/proofs.ts";
import { verifyConsistency, verifyInclusion } from "../../src/core/merkle/verify.ts";
import { toHex } from "../../src/core/hex.ts";
import { refConsistency, refLeaf, refPath, refRoot } from "../helpers/reference-tree.ts";
import { consistencyVectors, inclusionVectors } from "../helpers/vectors.ts";

/** A tree kept the way the store keeps it: every perfect node by (level, index). */
function storedTree(n: number) {
  const leaves: Hash[] = [];
  const nodes = new Map<string, Hash>();
  const f = new Frontier();
  for (let i = 0; i < n; i++) {
    const leaf = hashLeaf(createHash("sha256").update(`leaf ${i}`).digest());
    leaves.push(leaf);
    for (const node of f.append(leaf)) nodes.set(`${node.level}:${node.index}`, node.hash);
  }
  const rangeHash = (r: Range): Hash =>
    foldRange(
      decompose(r.begin, r.end).map((id) => {
        const h = nodes.get(`${id.level}:${id.index}`);
        if (!h) throw new Error(`node ${id.level}:${id.index} not stored`);
        return h;
      }),
    );
  return { leaves, frontier: f, rangeHash };
}

describe("core/merkle", () => {
  describe("RFC 9162 vectors (transparency-dev/merkle testdata)", () => {
    const inc = inclusionVectors();
    const con = consistencyVectors();
    it(`has the vectors (${inc.length} inclusion, ${con.length} consistency)`, () => {
      expect(inc.length).to.be.greaterThan(50);
      expect(con.length).to.be.greaterThan(50);
    });
    for (const v of inc) {
      it(`inclusion ${v.name} → ${v.wantErr ? "rejected" : "accepted"}`, () => {
        expect(verifyInclusion(v.leafIdx, v.treeSize, v.leafHash, v.proof, v.root).ok).to.equal(!v.wantErr);
      });
    }
    for (const v of con) {
      it(`consistency ${v.name} → ${v.wantErr ? "rejected" : "accepted"}`, () => {
        expect(verifyConsistency(v.size1, v.size2, v.proof, v.root1, v.root2).ok).to.equal(!v.wantErr);
      });
    }
  });

  describe("stored-node tree against the naive RFC tree, sizes 1..300", () => {
    const N = 300;
    const t = storedTree(N);
    it("roots, frontier roots and every inclusion proof agree and verify", () => {
      const f = new Frontier();
      for (let n = 1; n <= N; n++) {
        f.append(t.leaves[n - 1]!);
        const leaves = t.leaves.slice(0, n);
        const root = refRoot(leaves);
        expect(toHex(f.root()), `frontier root ${n}`).to.equal(toHex(root));
        expect(toHex(t.rangeHash({ begin: 0, end: n })), `stored root ${n}`).to.equal(toHex(root));
        const step = n > 100 ? 7 : 1; // every leaf for small trees, a spread for big ones
        for (let m = 0; m < n; m += step) {
          const proof = inclusionRanges(m, n).map(t.rangeHash);
          expect(proof.map(toHex), `path ${m}/${n}`).to.deep.equal(refPath(m, leaves).map(toHex));
          expect(verifyInclusion(m, n, leaves[m]!, proof, root).ok).to.equal(true);
        }
      }
    });
    it("every consistency proof agrees with the RFC and verifies", () => {
      for (let n = 1; n <= N; n += n > 64 ? 5 : 1) {
        const leaves = t.leaves.slice(0, n);
        const root2 = refRoot(leaves);
        for (let m = 1; m <= n; m += m > 64 ? 3 : 1) {
          const proof = consistencyRanges(m, n).map(t.rangeHash);
          expect(proof.map(toHex), `proof ${m}→${n}`).to.deep.equal(refConsistency(m, leaves).map(toHex));
          expect(verifyConsistency(m, n, proof, refRoot(leaves.slice(0, m)), root2).ok, `verify ${m}→${n}`).to.equal(true);
        }
      }
    });
    it("rejects a tampered leaf, a wrong index and a truncated proof with the reason", () => {
      const n = 37;
      const leaves = t.leaves.slice(0, n);
      const root = refRoot(leaves);
      const proof = refPath(5, leaves);
      const bad = verifyInclusion(5, n, leaves[6]!, proof, root);
      expect(bad).to.include({ ok: false, reason: "ROOT_MISMATCH" });
      expect(verifyInclusion(6, n, leaves[5]!, proof, root).ok).to.equal(false);
      expect(verifyInclusion(5, n, leaves[5]!, proof.slice(1), root)).to.include({ reason: "WRONG_PROOF_SIZE" });
      expect(verifyInclusion(n, n, leaves[5]!, proof, root)).to.include({ reason: "INDEX_OUT_OF_RANGE" });
      const cproof = refConsistency(10, leaves);
      expect(verifyConsistency(10, n, cproof, refRoot(leaves.slice(0, 11)), root).ok).to.equal(false);
      expect(verifyConsistency(n, 10, cproof, root, root)).to.include({ reason: "SIZE_DECREASED" });
    });
    it("uses the RFC's leaf hashing", () => {
      const d = Buffer.from("abc");
      expect(toHex(hashLeaf(d))).to.equal(toHex(refLeaf(d)));
    });
  });
});
