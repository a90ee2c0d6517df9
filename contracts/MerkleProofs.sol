// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title MerkleProofs
 * @notice RFC 9162 §2.1.3 / §2.1.4 proof verification for SHA-256 Merkle trees
 * (leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right)).
 * @dev Follows transparency-dev/merkle `proof/verify.go`: the proof length is
 * checked against the one the sizes imply before any hashing, so every
 * malformed proof yields `false`; nothing here reverts.
 */
library MerkleProofs {
    /// @dev Root of `leafHash` at `leafIndex` in a tree of `treeSize` leaves, and
    /// whether `proof` had the right shape for those numbers.
    function rootFromInclusionProof(uint64 leafIndex, uint64 treeSize, bytes32 leafHash, bytes32[] calldata proof)
        internal
        pure
        returns (bool ok, bytes32 root)
    {
        if (leafIndex >= treeSize) return (false, bytes32(0));
        (uint256 inner, uint256 border) = _decomposition(leafIndex, treeSize);
        if (proof.length != inner + border) return (false, bytes32(0));
        root = leafHash;
        for (uint256 i = 0; i < inner; ++i) {
            root = ((leafIndex >> i) & 1) == 0 ? _node(root, proof[i]) : _node(proof[i], root);
        }
        for (uint256 i = inner; i < proof.length; ++i) {
            root = _node(proof[i], root);
        }
        return (true, root);
    }

    /// @dev True iff `proof` proves `leafHash` is leaf `leafIndex` of the tree (`treeSize`, `rootHash`).
    function verifyInclusion(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32 rootHash,
        bytes32[] calldata proof
    ) internal pure returns (bool) {
        (bool ok, bytes32 root) = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
        return ok && root == rootHash;
    }

    /// @dev True iff `proof` proves the tree (`size2`, `root2`) extends the tree (`size1`, `root1`).
    /// Equal sizes need an empty proof and equal roots; size1 = 0 is always false.
    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        if (size2 < size1) return false;
        // A proof from the empty tree proves nothing (refused, as in transparency-dev's vectors).
        if (size1 == 0) return false;
        if (size1 == size2) return proof.length == 0 && root1 == root2;
        if (proof.length == 0) return false;

        (uint256 inner, uint256 border) = _decomposition(size1 - 1, size2);
        uint256 shift = _trailingZeros(size1);
        inner -= shift;

        bytes32 seed;
        uint256 start;
        if (uint256(size1) == uint256(1) << shift) {
            seed = root1;
            start = 0;
        } else {
            seed = proof[0];
            start = 1;
        }
        if (proof.length != start + inner + border) return false;

        uint64 mask = (size1 - 1) >> shift;
        bytes32 hash1 = seed;
        bytes32 hash2 = seed;
        for (uint256 i = 0; i < inner; ++i) {
            bytes32 p = proof[start + i];
            if (((mask >> i) & 1) == 1) {
                hash1 = _node(p, hash1);
                hash2 = _node(p, hash2);
            } else {
                hash2 = _node(hash2, p);
            }
        }
        for (uint256 i = start + inner; i < proof.length; ++i) {
            hash1 = _node(proof[i], hash1);
            hash2 = _node(proof[i], hash2);
        }
        return hash1 == root1 && hash2 == root2;
    }

    function _node(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @dev (inner, border) sizes of the audit path of `index` in a tree of `size` leaves.
    function _decomposition(uint64 index, uint64 size) private pure returns (uint256 inner, uint256 border) {
        inner = _bitLength(index ^ (size - 1));
        border = _popCount(index >> inner);
    }

    function _bitLength(uint64 x) private pure returns (uint256 n) {
        while (x != 0) {
            ++n;
            x >>= 1;
        }
    }

    function _popCount(uint64 x) private pure returns (uint256 n) {
        while (x != 0) {
            n += x & 1;
            x >>= 1;
        }
    }

    function _trailingZeros(uint64 x) private pure returns (uint256 n) {
        while (x & 1 == 0) {
            ++n;
            x >>= 1;
        }
    }
}
