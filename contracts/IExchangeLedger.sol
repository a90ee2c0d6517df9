// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IExchangeLedger
 * @notice Checkpoints of dxledger's append-only Merkle logs (RFC 9162, SHA-256)
 * and the registry of the departments that sign exchanges.
 * @dev Errors and events are declared here, as in OpenZeppelin's interfaces.
 */
interface IExchangeLedger {
    /// @dev `caller` is not the account bound to `logId` for anchoring.
    error UnauthorizedAnchorer(bytes32 logId, address caller);
    /// @dev A checkpoint must grow the log: `newSize` must exceed `lastSize`.
    error TreeSizeNotIncreasing(bytes32 logId, uint64 lastSize, uint64 newSize);
    /// @dev The consistency proof does not prove (lastSize, lastRoot) → (newSize, newRoot).
    error InconsistentCheckpoint(bytes32 logId, uint64 lastSize, uint64 newSize, bytes32 newRoot);
    /// @dev No checkpoint with that index exists for `logId`.
    error UnknownCheckpoint(bytes32 logId, uint64 index);
    /// @dev The zero address cannot anchor or sign.
    error ZeroAddress();
    /// @dev Department ids are 1..64 bytes of [a-z0-9._-], starting with [a-z0-9].
    error InvalidDepartmentId(string id);
    /// @dev The department is already in the registry (revoked ids stay taken).
    error DepartmentAlreadyRegistered(string id);
    /// @dev The department is not in the registry.
    error UnknownDepartment(string id);
    /// @dev The department was revoked; it can no longer be changed.
    error DepartmentIsRevoked(string id);

    /// @notice `anchorer` may from now on anchor checkpoints of `logId`.
    event LogBound(bytes32 indexed logId, address indexed anchorer);
    /// @notice The log `logId` has a new checkpoint number `index`.
    event CheckpointAnchored(bytes32 indexed logId, uint64 indexed index, uint64 treeSize, bytes32 rootHash);
    /// @notice A department was registered with its first signer.
    event DepartmentRegistered(bytes32 indexed idHash, string id, address signer);
    /// @notice A department's signer was replaced.
    event SignerRotated(bytes32 indexed idHash, string id, address oldSigner, address newSigner);
    /// @notice A department was revoked: its signatures are no longer accepted.
    event DepartmentRevoked(bytes32 indexed idHash, string id);

    function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash, bytes32[] calldata consistencyProof) external;

    function checkpointCount(bytes32 logId) external view returns (uint64);

    function checkpointAt(bytes32 logId, uint64 index)
        external
        view
        returns (uint64 treeSize, bytes32 rootHash, uint64 anchoredAt, uint64 blockNumber);

    function latestCheckpoint(bytes32 logId)
        external
        view
        returns (uint64 index, uint64 treeSize, bytes32 rootHash, uint64 anchoredAt);

    function verifyInclusion(
        bytes32 logId,
        uint64 checkpointIndex,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    function verifyInclusionProof(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32 rootHash,
        bytes32[] calldata proof
    ) external pure returns (bool);

    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        external
        pure
        returns (bool);

    function registerDepartment(string calldata id, address signer) external;

    function rotateSigner(string calldata id, address newSigner) external;

    function revokeDepartment(string calldata id) external;

    function departmentSigner(string calldata id) external view returns (address signer, bool active);
}
