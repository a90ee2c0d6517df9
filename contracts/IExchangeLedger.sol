// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IExchangeLedger
 * @notice Checkpoints of dxledger's append-only Merkle logs (RFC 9162, SHA-256)
 * and the registry of the departments that sign exchanges.
 *
 * Who changes a department's signer (docs/contract.md, README "Department keys"):
 * - the department itself, by an EIP-712 authorization of its current signer
 *   ({rotateSignerWithAuthorization}), which anyone may relay;
 * - the registrar, only by a public, time-locked recovery
 *   ({proposeRecovery} → {recoveryDelay} → {executeRecovery}) that the
 *   department's current signer can cancel meanwhile.
 * Every change of signer emits {SignerRotated}; a change by recovery emits
 * {RecoveryExecuted} as the very next log of the same transaction.
 *
 * The EIP-712 domain is the one exchange records are signed in:
 * `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
 * with name "dxledger", version "1", the chain's id and this contract.
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
    /// @dev The authorization's `deadline` (seconds since the epoch) is before the block's `timestamp`.
    error AuthorizationExpired(string id, uint256 deadline, uint256 timestamp);
    /// @dev The signature is malformed: `reason` is OpenZeppelin's ECDSA.RecoverError
    /// (1 no signer recovered, 2 not 65 bytes — `detail` is the length, 3 high s — `detail` is s).
    error InvalidAuthorizationSignature(string id, uint8 reason, bytes32 detail);
    /// @dev The authorization recovers to `recovered`, not to the department's current `signer`
    /// for nonce `nonce`: signed by another key, for another department, contract or chain,
    /// or for a nonce already used.
    error AuthorizationSignerMismatch(string id, address recovered, address signer, uint256 nonce);
    /// @dev `caller` is not the department's current signer.
    error NotDepartmentSigner(string id, address caller);
    /// @dev `signer` already is the department's signer.
    error SignerUnchanged(string id, address signer);
    /// @dev A recovery to `newSigner` is already pending; it must be executed or cancelled first.
    error RecoveryAlreadyPending(string id, address newSigner, uint64 executableAt);
    /// @dev No recovery is pending for the department.
    error NoPendingRecovery(string id);
    /// @dev The pending recovery may be executed from `executableAt` on; the block's time is `timestamp`.
    error RecoveryNotYetExecutable(string id, uint64 executableAt, uint64 timestamp);
    /// @dev The recovery delay must be at least one second.
    error InvalidRecoveryDelay(uint64 delay);
    /// @dev `logId` has never been bound to an anchoring account ({bindLog}).
    error LogNotBound(bytes32 logId);
    /// @dev `caller` neither has DEFAULT_ADMIN_ROLE nor is the account bound to `logId`.
    error UnauthorizedLogEditor(bytes32 logId, address caller);
    /// @dev `logId` is not keccak256("dxledger:" + `name`): the name is not this log's.
    error LogNameMismatch(bytes32 logId, string name);
    /// @dev The gateway URL is `length` bytes long; at most `max` are accepted.
    error LogUrlTooLong(uint256 length, uint256 max);
    /// @dev There are only `count` logs; index `index` does not exist.
    error LogIndexOutOfRange(uint256 index, uint256 count);

    /// @notice `anchorer` may from now on anchor checkpoints of `logId`.
    /// @param logId the log (keccak256("dxledger:" + its name))
    /// @param anchorer the account that alone may anchor it now
    event LogBound(bytes32 indexed logId, address indexed anchorer);
    /// @notice The directory entry of `logId` was set: its name, its gateway's public URL and
    /// its operating department (empty for none).
    /// @param logId the log
    /// @param name the name `logId` is derived from
    /// @param url its gateway's public URL (may be empty)
    /// @param operator the operating department's id (may be empty)
    event LogInfoSet(bytes32 indexed logId, string name, string url, string operator);
    /// @notice The log `logId` has a new checkpoint number `index`.
    /// @param logId the log
    /// @param index the checkpoint's number, from 0
    /// @param treeSize the log's size at the checkpoint
    /// @param rootHash the RFC 9162 root of the log's first `treeSize` entries
    event CheckpointAnchored(bytes32 indexed logId, uint64 indexed index, uint64 treeSize, bytes32 rootHash);
    /// @notice A department was registered with its first signer.
    /// @param idHash keccak256 of the id (the topic to filter on)
    /// @param id the department's id
    /// @param signer its first signer
    event DepartmentRegistered(bytes32 indexed idHash, string id, address signer);
    /// @notice A department's signer was replaced (by self-rotation or by recovery). Emitted on every change.
    /// @param idHash keccak256 of the id
    /// @param id the department's id
    /// @param oldSigner the signer replaced
    /// @param newSigner the signer from now on
    event SignerRotated(bytes32 indexed idHash, string id, address oldSigner, address newSigner);
    /// @notice A department was revoked: its signatures are no longer accepted.
    /// @param idHash keccak256 of the id
    /// @param id the department's id
    event DepartmentRevoked(bytes32 indexed idHash, string id);
    /// @notice `proposer` (a registrar) proposed to replace the department's signer by `newSigner`
    /// from `executableAt` on, unless the department's current signer cancels it first.
    /// @param idHash keccak256 of the id
    /// @param id the department's id
    /// @param newSigner the signer proposed
    /// @param executableAt the chain time (seconds) from which anyone may execute it
    /// @param proposer the registrar who proposed it
    event RecoveryProposed(bytes32 indexed idHash, string id, address newSigner, uint64 executableAt, address proposer);
    /// @notice The pending recovery to `newSigner` was cancelled (by the department's signer, by a
    /// self-rotation, or by the department's revocation).
    /// @param idHash keccak256 of the id
    /// @param id the department's id
    /// @param newSigner the signer that was proposed
    event RecoveryCancelled(bytes32 indexed idHash, string id, address newSigner);
    /// @notice The signer was replaced by a recovery. Always the log right after its {SignerRotated},
    /// in the same transaction.
    /// @param idHash keccak256 of the id
    /// @param id the department's id
    /// @param oldSigner the signer replaced
    /// @param newSigner the recovered signer
    event RecoveryExecuted(bytes32 indexed idHash, string id, address oldSigner, address newSigner);

    // ───────────────────────────── logs and checkpoints ─────────────────────────────

    /**
     * @notice Lets `anchorer` (alone) anchor checkpoints of `logId`; replaces any earlier binding.
     * The first binding of a log appends it to the directory ({logCount}, {logAt}).
     * Requirements: caller has DEFAULT_ADMIN_ROLE; `anchorer` is not zero.
     * May emit {LogBound}.
     * @param logId the log
     * @param anchorer the account that alone may anchor it from now on
     */
    function bindLog(bytes32 logId, address anchorer) external;

    // ───────────────────────────── the federation directory ─────────────────────────────
    // Every log ever bound, with the gateway that keeps it: how gateways, hubs and monitors
    // find one another with nothing but the chain (README "Adding a gateway").

    /**
     * @notice Sets the directory entry of `logId`: its `name`, its gateway's public `url` and its
     * `operator` department (empty for none). The log's own anchoring account may update it (a
     * gateway keeps its own URL current), as may the admin.
     * Requirements:
     * - `logId` is bound ({LogNotBound});
     * - caller has DEFAULT_ADMIN_ROLE or is the account bound to `logId` ({UnauthorizedLogEditor});
     * - `logId == keccak256(bytes(string.concat("dxledger:", name)))` ({LogNameMismatch});
     * - `url` is at most 512 bytes ({LogUrlTooLong});
     * - `operator` is empty or a valid department id ({InvalidDepartmentId}); it need not be registered.
     * May emit {LogInfoSet}.
     * @param logId the log
     * @param name the name `logId` is derived from
     * @param url the public URL of the log's gateway (empty for none)
     * @param operator the operating department's id (empty for none)
     */
    function setLogInfo(bytes32 logId, string calldata name, string calldata url, string calldata operator) external;

    /// @notice How many logs were ever bound on this ledger (each counted once).
    /// @return the number of logs in the directory
    function logCount() external view returns (uint256);

    /// @notice The id of the `i`-th log, in the order first bound. Reverts with {LogIndexOutOfRange} past the end.
    /// @param i the position, from 0, in the order first bound
    /// @return the log's id
    function logAt(uint256 i) external view returns (bytes32);

    /// @notice The directory entry of `logId` (empty strings where never set) and its anchoring account (zero if unbound).
    /// @param logId the log
    /// @return name the name set for it
    /// @return url its gateway's public URL
    /// @return operator its operating department
    /// @return anchorer the account bound to it (zero if none)
    function logInfo(bytes32 logId)
        external
        view
        returns (string memory name, string memory url, string memory operator, address anchorer);

    /// @notice The account allowed to anchor `logId` (zero if none).
    /// @param logId the log
    /// @return the anchoring account, or zero
    function anchorerOf(bytes32 logId) external view returns (address);

    /**
     * @notice Records checkpoint (`treeSize`, `rootHash`) of `logId`.
     * Requirements:
     * - caller is the account bound to `logId`;
     * - `treeSize` exceeds the last checkpoint's tree size (the first must be > 0);
     * - if a last checkpoint exists, `consistencyProof` proves it is a prefix of the new tree.
     * May emit {CheckpointAnchored}.
     * @param logId the log
     * @param treeSize the log's size at the new checkpoint
     * @param rootHash the RFC 9162 root of its first `treeSize` entries
     * @param consistencyProof the RFC 9162 consistency proof from the last checkpoint (empty for the first)
     */
    function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash, bytes32[] calldata consistencyProof) external;

    /// @notice How many checkpoints `logId` has.
    /// @param logId the log
    /// @return the number of its checkpoints
    function checkpointCount(bytes32 logId) external view returns (uint64);

    /// @notice Checkpoint `index` of `logId`. Reverts with {UnknownCheckpoint} if it does not exist.
    /// @param logId the log
    /// @param index the checkpoint's number, from 0
    /// @return treeSize the log's size at it
    /// @return rootHash the root anchored
    /// @return anchoredAt the block time it was anchored at (seconds)
    /// @return blockNumber the block it was anchored in
    function checkpointAt(bytes32 logId, uint64 index)
        external
        view
        returns (uint64 treeSize, bytes32 rootHash, uint64 anchoredAt, uint64 blockNumber);

    /// @notice The last checkpoint of `logId`. Reverts with {UnknownCheckpoint}(logId, 0) if it has none.
    /// @param logId the log
    /// @return index the checkpoint's number
    /// @return treeSize the log's size at it
    /// @return rootHash the root anchored
    /// @return anchoredAt the block time it was anchored at (seconds)
    function latestCheckpoint(bytes32 logId)
        external
        view
        returns (uint64 index, uint64 treeSize, bytes32 rootHash, uint64 anchoredAt);

    /// @notice True iff `proof` proves leaf `leafIndex` = `leafHash` under anchored checkpoint `checkpointIndex`.
    /// @dev Reverts with {UnknownCheckpoint} if that checkpoint does not exist.
    /// @param logId the log
    /// @param checkpointIndex the anchored checkpoint whose root the proof leads to
    /// @param leafIndex the leaf's position, from 0
    /// @param leafHash the leaf hash (SHA-256(0x00 ‖ entry))
    /// @param proof the audit path
    /// @return whether the proof holds
    function verifyInclusion(
        bytes32 logId,
        uint64 checkpointIndex,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice RFC 9162 §2.1.3.2 inclusion verification; false (never a revert) on any malformed proof.
    /// @param leafIndex the leaf's position, from 0
    /// @param treeSize the tree's size
    /// @param leafHash the leaf hash
    /// @param rootHash the tree's root
    /// @param proof the audit path
    /// @return whether the proof holds
    function verifyInclusionProof(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32 rootHash,
        bytes32[] calldata proof
    ) external pure returns (bool);

    /// @notice RFC 9162 §2.1.4.2 consistency verification; false (never a revert) on any malformed proof.
    /// @param size1 the older tree's size
    /// @param size2 the newer tree's size
    /// @param root1 the older tree's root
    /// @param root2 the newer tree's root
    /// @param proof the consistency proof
    /// @return whether the proof holds
    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        external
        pure
        returns (bool);

    // ───────────────────────────── department registry ─────────────────────────────

    /**
     * @notice Registers department `id` with its first `signer`.
     * Requirements: caller has REGISTRAR_ROLE; `id` is valid and unused; `signer` is not zero.
     * May emit {DepartmentRegistered}.
     * @param id the department's id
     * @param signer its first signer
     */
    function registerDepartment(string calldata id, address signer) external;

    /**
     * @notice Revokes department `id`: its signer is no longer accepted for new records.
     * A pending recovery is dropped.
     * Requirements: caller has REGISTRAR_ROLE; the department exists and is active.
     * May emit {RecoveryCancelled}, {DepartmentRevoked}.
     * @param id the department's id
     */
    function revokeDepartment(string calldata id) external;

    /// @notice Current signer of `id` and whether it is active; (0, false) if unknown.
    /// @param id the department's id
    /// @return signer its current signer (zero if unknown)
    /// @return active false once revoked, or if unknown
    function departmentSigner(string calldata id) external view returns (address signer, bool active);

    /**
     * @notice Replaces the signer of `id` by `newSigner`, as authorized by the current signer's
     * EIP-712 signature of `SignerRotation(string id,address newSigner,uint256 nonce,uint256 deadline)`
     * with nonce = {rotationNonce}(id). Anyone may send it. Cancels a pending recovery.
     * Records signed before stay valid.
     * Requirements:
     * - the department exists and is active; `newSigner` is neither zero nor the current signer;
     * - `block.timestamp <= deadline`;
     * - `signature` is 65 bytes, low s, and recovers to the current signer for this id, new signer,
     *   nonce and deadline in this contract's domain on this chain.
     * May emit {RecoveryCancelled}, {SignerRotated}.
     * @param id the department's id
     * @param newSigner the signer from now on
     * @param deadline the last block time (seconds) the authorization is valid at
     * @param signature the current signer's 65-byte EIP-712 signature
     */
    function rotateSignerWithAuthorization(string calldata id, address newSigner, uint256 deadline, bytes calldata signature)
        external;

    /// @notice The nonce the department's next authorization (rotation or cancellation) must carry.
    /// @param id the department's id
    /// @return the nonce
    function rotationNonce(string calldata id) external view returns (uint256);

    /**
     * @notice Proposes to replace the signer of `id` by `newSigner` once {recoveryDelay} has passed
     * (for a department that lost its key). Public: the department and monitors see it at once.
     * Requirements: caller has REGISTRAR_ROLE; the department exists and is active; `newSigner` is
     * neither zero nor the current signer; no recovery is pending for it.
     * May emit {RecoveryProposed}.
     * @param id the department's id
     * @param newSigner the signer proposed
     */
    function proposeRecovery(string calldata id, address newSigner) external;

    /**
     * @notice Executes the pending recovery of `id`. Anyone may send it.
     * Requirements: a recovery is pending; `block.timestamp >= executableAt`; the department is active.
     * May emit {SignerRotated} and right after it {RecoveryExecuted}.
     * @param id the department's id
     */
    function executeRecovery(string calldata id) external;

    /**
     * @notice Cancels the pending recovery of `id`.
     * Requirements: the caller is the department's current signer; a recovery is pending.
     * May emit {RecoveryCancelled}.
     * @param id the department's id
     */
    function cancelRecovery(string calldata id) external;

    /**
     * @notice Cancels the pending recovery of `id`, as authorized by the current signer's EIP-712
     * signature of `RecoveryCancellation(string id,uint256 nonce,uint256 deadline)` with
     * nonce = {rotationNonce}(id). Anyone may send it.
     * Requirements: a recovery is pending; `block.timestamp <= deadline`; the signature is valid
     * (as for {rotateSignerWithAuthorization}).
     * May emit {RecoveryCancelled}.
     * @param id the department's id
     * @param deadline the last block time (seconds) the authorization is valid at
     * @param signature the current signer's 65-byte EIP-712 signature
     */
    function cancelRecoveryWithAuthorization(string calldata id, uint256 deadline, bytes calldata signature) external;

    /// @notice The pending recovery of `id`: its new signer and the time it may be executed; zeros if none.
    /// @param id the department's id
    /// @return newSigner the signer proposed (zero if none)
    /// @return executableAt the chain time from which it may be executed (zero if none)
    function pendingRecovery(string calldata id) external view returns (address newSigner, uint64 executableAt);

    /// @notice The EIP-712 domain separator authorizations are signed in (the one of exchange records),
    /// computed per call from `block.chainid` and `address(this)`.
    /// @return the domain separator
    function domainSeparator() external view returns (bytes32);

    /// @notice Seconds between {proposeRecovery} and the earliest {executeRecovery}; fixed at deployment.
    /// @return the delay in seconds
    function recoveryDelay() external view returns (uint64);
}
