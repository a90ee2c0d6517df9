// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IExchangeLedger} from "./IExchangeLedger.sol";
import {MerkleProofs} from "./MerkleProofs.sol";

/**
 * @title ExchangeLedger
 * @notice Anchors checkpoints of dxledger logs and keeps the department registry.
 *
 * A log's checkpoints only ever grow: each new one must be larger than the last
 * and come with an RFC 9162 consistency proof from it, checked here. So not even
 * the log's operator can rewrite history that was anchored once.
 *
 * Roles: DEFAULT_ADMIN_ROLE binds logs to their anchoring account and manages
 * roles; REGISTRAR_ROLE registers, rotates and revokes departments.
 */
contract ExchangeLedger is IExchangeLedger, AccessControl {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    struct Checkpoint {
        uint64 treeSize;
        uint64 anchoredAt;
        uint64 blockNumber;
        bytes32 rootHash;
    }

    struct Department {
        address signer;
        bool active;
    }

    mapping(bytes32 logId => address) private _anchorers;
    mapping(bytes32 logId => Checkpoint[]) private _checkpoints;
    mapping(bytes32 idHash => Department) private _departments;

    /// @param admin receives DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE.
    constructor(address admin) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    // ───────────────────────────── logs and checkpoints ─────────────────────────────

    /**
     * @notice Lets `anchorer` (alone) anchor checkpoints of `logId`; replaces any earlier binding.
     * Requirements: caller has DEFAULT_ADMIN_ROLE; `anchorer` is not zero.
     * May emit {LogBound}.
     */
    function bindLog(bytes32 logId, address anchorer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (anchorer == address(0)) revert ZeroAddress();
        _anchorers[logId] = anchorer;
        emit LogBound(logId, anchorer);
    }

    /// @notice The account allowed to anchor `logId` (zero if none).
    function anchorerOf(bytes32 logId) external view returns (address) {
        return _anchorers[logId];
    }

    /**
     * @notice Records checkpoint (`treeSize`, `rootHash`) of `logId`.
     * Requirements:
     * - caller is the account bound to `logId`;
     * - `treeSize` exceeds the last checkpoint's tree size (the first must be > 0);
     * - if a last checkpoint exists, `consistencyProof` proves it is a prefix of the new tree.
     * May emit {CheckpointAnchored}.
     */
    function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash, bytes32[] calldata consistencyProof)
        external
    {
        if (msg.sender != _anchorers[logId]) revert UnauthorizedAnchorer(logId, msg.sender);
        Checkpoint[] storage cps = _checkpoints[logId];
        uint256 n = cps.length;
        if (n == 0) {
            if (treeSize == 0) revert TreeSizeNotIncreasing(logId, 0, 0);
        } else {
            Checkpoint storage last = cps[n - 1];
            if (treeSize <= last.treeSize) revert TreeSizeNotIncreasing(logId, last.treeSize, treeSize);
            if (!MerkleProofs.verifyConsistency(last.treeSize, treeSize, last.rootHash, rootHash, consistencyProof)) {
                revert InconsistentCheckpoint(logId, last.treeSize, treeSize, rootHash);
            }
        }
        cps.push(
            Checkpoint({
                treeSize: treeSize,
                anchoredAt: uint64(block.timestamp),
                blockNumber: uint64(block.number),
                rootHash: rootHash
            })
        );
        emit CheckpointAnchored(logId, uint64(n), treeSize, rootHash);
    }

    function checkpointCount(bytes32 logId) external view returns (uint64) {
        return uint64(_checkpoints[logId].length);
    }

    /// @dev Reverts with {UnknownCheckpoint} if `index` does not exist.
    function checkpointAt(bytes32 logId, uint64 index)
        external
        view
        returns (uint64 treeSize, bytes32 rootHash, uint64 anchoredAt, uint64 blockNumber)
    {
        Checkpoint storage cp = _checkpoint(logId, index);
        return (cp.treeSize, cp.rootHash, cp.anchoredAt, cp.blockNumber);
    }

    /// @dev Reverts with {UnknownCheckpoint}(logId, 0) if the log has none yet.
    function latestCheckpoint(bytes32 logId)
        external
        view
        returns (uint64 index, uint64 treeSize, bytes32 rootHash, uint64 anchoredAt)
    {
        uint256 n = _checkpoints[logId].length;
        if (n == 0) revert UnknownCheckpoint(logId, 0);
        Checkpoint storage cp = _checkpoints[logId][n - 1];
        return (uint64(n - 1), cp.treeSize, cp.rootHash, cp.anchoredAt);
    }

    /// @notice True iff `proof` proves leaf `leafIndex` = `leafHash` under anchored checkpoint `checkpointIndex`.
    /// @dev Reverts with {UnknownCheckpoint} if that checkpoint does not exist.
    function verifyInclusion(
        bytes32 logId,
        uint64 checkpointIndex,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        Checkpoint storage cp = _checkpoint(logId, checkpointIndex);
        return MerkleProofs.verifyInclusion(leafIndex, cp.treeSize, leafHash, cp.rootHash, proof);
    }

    /// @notice RFC 9162 §2.1.3.2 inclusion verification; false (never a revert) on any malformed proof.
    function verifyInclusionProof(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32 rootHash,
        bytes32[] calldata proof
    ) external pure returns (bool) {
        return MerkleProofs.verifyInclusion(leafIndex, treeSize, leafHash, rootHash, proof);
    }

    /// @notice RFC 9162 §2.1.4.2 consistency verification; false (never a revert) on any malformed proof.
    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return MerkleProofs.verifyConsistency(size1, size2, root1, root2, proof);
    }

    function _checkpoint(bytes32 logId, uint64 index) private view returns (Checkpoint storage) {
        Checkpoint[] storage cps = _checkpoints[logId];
        if (index >= cps.length) revert UnknownCheckpoint(logId, index);
        return cps[index];
    }

    // ───────────────────────────── department registry ─────────────────────────────

    /**
     * @notice Registers department `id` with its first `signer`.
     * Requirements: caller has REGISTRAR_ROLE; `id` is valid and unused; `signer` is not zero.
     * May emit {DepartmentRegistered}.
     */
    function registerDepartment(string calldata id, address signer) external onlyRole(REGISTRAR_ROLE) {
        _requireValidId(id);
        if (signer == address(0)) revert ZeroAddress();
        bytes32 idHash = keccak256(bytes(id));
        if (_departments[idHash].signer != address(0)) revert DepartmentAlreadyRegistered(id);
        _departments[idHash] = Department({signer: signer, active: true});
        emit DepartmentRegistered(idHash, id, signer);
    }

    /**
     * @notice Replaces the signer of active department `id`. Records it signed before stay valid.
     * Requirements: caller has REGISTRAR_ROLE; the department exists and is active; `newSigner` is not zero.
     * May emit {SignerRotated}.
     */
    function rotateSigner(string calldata id, address newSigner) external onlyRole(REGISTRAR_ROLE) {
        if (newSigner == address(0)) revert ZeroAddress();
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _activeDepartment(id, idHash);
        address old = d.signer;
        d.signer = newSigner;
        emit SignerRotated(idHash, id, old, newSigner);
    }

    /**
     * @notice Revokes department `id`: its signer is no longer accepted for new records.
     * Requirements: caller has REGISTRAR_ROLE; the department exists and is active.
     * May emit {DepartmentRevoked}.
     */
    function revokeDepartment(string calldata id) external onlyRole(REGISTRAR_ROLE) {
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _activeDepartment(id, idHash);
        d.active = false;
        emit DepartmentRevoked(idHash, id);
    }

    /// @notice Current signer of `id` and whether it is active; (0, false) if unknown.
    function departmentSigner(string calldata id) external view returns (address signer, bool active) {
        Department storage d = _departments[keccak256(bytes(id))];
        return (d.signer, d.active);
    }

    function _activeDepartment(string calldata id, bytes32 idHash) private view returns (Department storage d) {
        d = _departments[idHash];
        if (d.signer == address(0)) revert UnknownDepartment(id);
        if (!d.active) revert DepartmentIsRevoked(id);
    }

    function _requireValidId(string calldata id) private pure {
        bytes calldata b = bytes(id);
        if (b.length == 0 || b.length > 64) revert InvalidDepartmentId(id);
        for (uint256 i = 0; i < b.length; ++i) {
            bytes1 c = b[i];
            bool alnum = (c >= "a" && c <= "z") || (c >= "0" && c <= "9");
            if (!(alnum || (i > 0 && (c == "." || c == "_" || c == "-")))) revert InvalidDepartmentId(id);
        }
    }
}
