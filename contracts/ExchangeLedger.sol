// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
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
 * A department's signer changes only by the department's own EIP-712
 * authorization, or by a public recovery the department can cancel during
 * {recoveryDelay}: the registrar cannot swap a key at once (IExchangeLedger).
 *
 * Roles: DEFAULT_ADMIN_ROLE (one holder, handed over in two delayed steps by
 * OpenZeppelin's AccessControlDefaultAdminRules) binds logs to their anchoring
 * account and manages roles; REGISTRAR_ROLE registers and revokes departments
 * and proposes recoveries.
 *
 * The contract has no immutables: its runtime code is the same for every
 * deployment of a build, which is how dxledger recognises it
 * (src/adapters/chain/contract-check.ts).
 */
contract ExchangeLedger is IExchangeLedger, AccessControlDefaultAdminRules {
    /// @notice The role that registers and revokes departments and proposes recoveries.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    // EIP-712 type strings are what the standard hashes; keccak256 of a literal is folded at
    // compile time, so no string longer than 32 bytes exists at run time.
    // solhint-disable gas-small-strings
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("dxledger");
    bytes32 private constant _VERSION_HASH = keccak256("1");
    bytes32 private constant _SIGNER_ROTATION_TYPEHASH =
        keccak256("SignerRotation(string id,address newSigner,uint256 nonce,uint256 deadline)");
    bytes32 private constant _RECOVERY_CANCELLATION_TYPEHASH =
        keccak256("RecoveryCancellation(string id,uint256 nonce,uint256 deadline)");
    // solhint-enable gas-small-strings

    struct Checkpoint {
        uint64 treeSize;
        uint64 anchoredAt;
        uint64 blockNumber;
        bytes32 rootHash;
    }

    struct Department {
        address signer;
        bool active;
        uint64 rotationNonce;
    }

    struct Recovery {
        address newSigner;
        uint64 executableAt;
    }

    /// A log's entry in the federation directory: its name (logId = keccak256("dxledger:" + name)),
    /// the public URL of the gateway that keeps it, and the operating department's id.
    struct LogInfo {
        string name;
        string url;
        string operator;
    }

    /// Longest gateway URL {setLogInfo} accepts, in bytes.
    uint256 private constant _MAX_URL_BYTES = 512;

    /**
     * All of the ledger's own state, at the ERC-7201 location of namespace
     * "dxledger.ExchangeLedger". THIS LAYOUT IS PART OF THE CONTRACT'S EXTERNAL
     * INTERFACE (docs/contract.md): offline verifiers read checkpoints from
     * storage proofs at these slots. `anchorers` MUST stay at namespace slot + 0
     * and `checkpoints` at slot + 1, with {Checkpoint} as it is (two slots per
     * element); new members go at the end only.
     * @custom:storage-location erc7201:dxledger.ExchangeLedger
     */
    struct LedgerStorage {
        mapping(bytes32 logId => address) anchorers;
        mapping(bytes32 logId => Checkpoint[]) checkpoints;
        mapping(bytes32 idHash => Department) departments;
        mapping(bytes32 idHash => Recovery) recoveries;
        uint64 recoveryDelay;
        // ─── the federation directory (issue 12); appended, so offsets +0…+4 stay ───
        bytes32[] logIds;
        mapping(bytes32 logId => LogInfo) logInfos;
    }

    // keccak256(abi.encode(uint256(keccak256("dxledger.ExchangeLedger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x7fd9bcba5ced9ccb710c3688e829c9f64a0983090356971f819e0b7092185300;

    function _s() private pure returns (LedgerStorage storage $) {
        // ERC-7201: assembly is the only way to point a storage reference at a computed slot.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }

    /**
     * @notice Deploys a ledger whose `admin` holds DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE.
     * @param initialAdminDelay seconds a DEFAULT_ADMIN_ROLE handover waits between
     *        `beginDefaultAdminTransfer` and `acceptDefaultAdminTransfer`.
     * @param admin receives DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE.
     * @param recoveryDelay_ seconds between {proposeRecovery} and the earliest {executeRecovery}; ≥ 1.
     */
    constructor(uint48 initialAdminDelay, address admin, uint64 recoveryDelay_)
        AccessControlDefaultAdminRules(initialAdminDelay, admin)
    {
        if (recoveryDelay_ == 0) revert InvalidRecoveryDelay(recoveryDelay_);
        _grantRole(REGISTRAR_ROLE, admin);
        _s().recoveryDelay = recoveryDelay_;
    }

    // ───────────────────────────── logs and checkpoints ─────────────────────────────

    /// @inheritdoc IExchangeLedger
    function bindLog(bytes32 logId, address anchorer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (anchorer == address(0)) revert ZeroAddress();
        LedgerStorage storage $ = _s();
        // No binding is ever removed (zero is refused), so a zero anchorer means "first bound now".
        if ($.anchorers[logId] == address(0)) $.logIds.push(logId);
        $.anchorers[logId] = anchorer;
        emit LogBound(logId, anchorer);
    }

    /// @inheritdoc IExchangeLedger
    function setLogInfo(bytes32 logId, string calldata name, string calldata url, string calldata operator) external {
        LedgerStorage storage $ = _s();
        address bound = $.anchorers[logId];
        if (bound == address(0)) revert LogNotBound(logId);
        if (msg.sender != bound && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) revert UnauthorizedLogEditor(logId, msg.sender);
        if (keccak256(bytes(string.concat("dxledger:", name))) != logId) revert LogNameMismatch(logId, name);
        if (bytes(url).length > _MAX_URL_BYTES) revert LogUrlTooLong(bytes(url).length, _MAX_URL_BYTES);
        if (bytes(operator).length != 0) _requireValidId(operator);
        $.logInfos[logId] = LogInfo({name: name, url: url, operator: operator});
        emit LogInfoSet(logId, name, url, operator);
    }

    /// @inheritdoc IExchangeLedger
    function logCount() external view returns (uint256) {
        return _s().logIds.length;
    }

    /// @inheritdoc IExchangeLedger
    function logAt(uint256 i) external view returns (bytes32) {
        bytes32[] storage ids = _s().logIds;
        if (i >= ids.length) revert LogIndexOutOfRange(i, ids.length);
        return ids[i];
    }

    /// @inheritdoc IExchangeLedger
    function logInfo(bytes32 logId)
        external
        view
        returns (string memory name, string memory url, string memory operator, address anchorer)
    {
        LedgerStorage storage $ = _s();
        LogInfo storage info = $.logInfos[logId];
        return (info.name, info.url, info.operator, $.anchorers[logId]);
    }

    /// @inheritdoc IExchangeLedger
    function anchorerOf(bytes32 logId) external view returns (address) {
        return _s().anchorers[logId];
    }

    /// @inheritdoc IExchangeLedger
    function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash, bytes32[] calldata consistencyProof)
        external
    {
        LedgerStorage storage $ = _s();
        if (msg.sender != $.anchorers[logId]) revert UnauthorizedAnchorer(logId, msg.sender);
        Checkpoint[] storage cps = $.checkpoints[logId];
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

    /// @inheritdoc IExchangeLedger
    function checkpointCount(bytes32 logId) external view returns (uint64) {
        return uint64(_s().checkpoints[logId].length);
    }

    /// @inheritdoc IExchangeLedger
    function checkpointAt(bytes32 logId, uint64 index)
        external
        view
        returns (uint64 treeSize, bytes32 rootHash, uint64 anchoredAt, uint64 blockNumber)
    {
        Checkpoint storage cp = _checkpoint(logId, index);
        return (cp.treeSize, cp.rootHash, cp.anchoredAt, cp.blockNumber);
    }

    /// @inheritdoc IExchangeLedger
    function latestCheckpoint(bytes32 logId)
        external
        view
        returns (uint64 index, uint64 treeSize, bytes32 rootHash, uint64 anchoredAt)
    {
        Checkpoint[] storage cps = _s().checkpoints[logId];
        uint256 n = cps.length;
        if (n == 0) revert UnknownCheckpoint(logId, 0);
        Checkpoint storage cp = cps[n - 1];
        return (uint64(n - 1), cp.treeSize, cp.rootHash, cp.anchoredAt);
    }

    /// @inheritdoc IExchangeLedger
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

    /// @inheritdoc IExchangeLedger
    function verifyInclusionProof(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32 rootHash,
        bytes32[] calldata proof
    ) external pure returns (bool) {
        return MerkleProofs.verifyInclusion(leafIndex, treeSize, leafHash, rootHash, proof);
    }

    /// @inheritdoc IExchangeLedger
    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return MerkleProofs.verifyConsistency(size1, size2, root1, root2, proof);
    }

    function _checkpoint(bytes32 logId, uint64 index) private view returns (Checkpoint storage) {
        Checkpoint[] storage cps = _s().checkpoints[logId];
        if (index >= cps.length) revert UnknownCheckpoint(logId, index);
        return cps[index];
    }

    // ───────────────────────────── department registry ─────────────────────────────

    /// @inheritdoc IExchangeLedger
    function registerDepartment(string calldata id, address signer) external onlyRole(REGISTRAR_ROLE) {
        _requireValidId(id);
        if (signer == address(0)) revert ZeroAddress();
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _s().departments[idHash];
        if (d.signer != address(0)) revert DepartmentAlreadyRegistered(id);
        d.signer = signer;
        d.active = true;
        emit DepartmentRegistered(idHash, id, signer);
    }

    /// @inheritdoc IExchangeLedger
    function revokeDepartment(string calldata id) external onlyRole(REGISTRAR_ROLE) {
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _activeDepartment(id, idHash);
        _dropRecovery(id, idHash);
        d.active = false;
        emit DepartmentRevoked(idHash, id);
    }

    /// @inheritdoc IExchangeLedger
    function departmentSigner(string calldata id) external view returns (address signer, bool active) {
        Department storage d = _s().departments[keccak256(bytes(id))];
        return (d.signer, d.active);
    }

    /// @inheritdoc IExchangeLedger
    function rotationNonce(string calldata id) external view returns (uint256) {
        return _s().departments[keccak256(bytes(id))].rotationNonce;
    }

    /// @inheritdoc IExchangeLedger
    function rotateSignerWithAuthorization(string calldata id, address newSigner, uint256 deadline, bytes calldata signature)
        external
    {
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _activeDepartment(id, idHash);
        _requireNewSigner(id, d, newSigner);
        uint256 nonce = d.rotationNonce;
        bytes32 structHash = keccak256(abi.encode(_SIGNER_ROTATION_TYPEHASH, idHash, newSigner, nonce, deadline));
        _checkAuthorization(id, d.signer, nonce, deadline, structHash, signature);
        d.rotationNonce = uint64(nonce + 1);
        _dropRecovery(id, idHash);
        _setSigner(id, idHash, d, newSigner);
    }

    /// @inheritdoc IExchangeLedger
    function proposeRecovery(string calldata id, address newSigner) external onlyRole(REGISTRAR_ROLE) {
        bytes32 idHash = keccak256(bytes(id));
        Department storage d = _activeDepartment(id, idHash);
        _requireNewSigner(id, d, newSigner);
        LedgerStorage storage $ = _s();
        Recovery storage r = $.recoveries[idHash];
        if (r.newSigner != address(0)) revert RecoveryAlreadyPending(id, r.newSigner, r.executableAt);
        uint64 executableAt = uint64(block.timestamp) + $.recoveryDelay;
        r.newSigner = newSigner;
        r.executableAt = executableAt;
        emit RecoveryProposed(idHash, id, newSigner, executableAt, msg.sender);
    }

    /// @inheritdoc IExchangeLedger
    function executeRecovery(string calldata id) external {
        bytes32 idHash = keccak256(bytes(id));
        Recovery memory r = _pending(id, idHash);
        if (block.timestamp < r.executableAt) revert RecoveryNotYetExecutable(id, r.executableAt, uint64(block.timestamp));
        Department storage d = _activeDepartment(id, idHash);
        delete _s().recoveries[idHash];
        address old = _setSigner(id, idHash, d, r.newSigner);
        // MUST be the log right after SignerRotated: readers mark that rotation "by recovery" from it.
        emit RecoveryExecuted(idHash, id, old, r.newSigner);
    }

    /// @inheritdoc IExchangeLedger
    function cancelRecovery(string calldata id) external {
        bytes32 idHash = keccak256(bytes(id));
        _pending(id, idHash);
        if (msg.sender != _s().departments[idHash].signer) revert NotDepartmentSigner(id, msg.sender);
        _dropRecovery(id, idHash);
    }

    /// @inheritdoc IExchangeLedger
    function cancelRecoveryWithAuthorization(string calldata id, uint256 deadline, bytes calldata signature) external {
        bytes32 idHash = keccak256(bytes(id));
        _pending(id, idHash);
        Department storage d = _s().departments[idHash];
        uint256 nonce = d.rotationNonce;
        bytes32 structHash = keccak256(abi.encode(_RECOVERY_CANCELLATION_TYPEHASH, idHash, nonce, deadline));
        _checkAuthorization(id, d.signer, nonce, deadline, structHash, signature);
        d.rotationNonce = uint64(nonce + 1);
        _dropRecovery(id, idHash);
    }

    /// @inheritdoc IExchangeLedger
    function pendingRecovery(string calldata id) external view returns (address newSigner, uint64 executableAt) {
        Recovery storage r = _s().recoveries[keccak256(bytes(id))];
        return (r.newSigner, r.executableAt);
    }

    /// @inheritdoc IExchangeLedger
    function recoveryDelay() external view returns (uint64) {
        return _s().recoveryDelay;
    }

    /// @inheritdoc IExchangeLedger
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    function _checkAuthorization(
        string calldata id,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) private view {
        if (block.timestamp > deadline) revert AuthorizationExpired(id, deadline, block.timestamp);
        // EIP-712 digest, inline: OpenZeppelin's MessageHashUtils pulls in code that needs MCOPY (cancun).
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
        (address recovered, ECDSA.RecoverError err, bytes32 detail) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError) revert InvalidAuthorizationSignature(id, uint8(err), detail);
        if (recovered != signer) revert AuthorizationSignerMismatch(id, recovered, signer, nonce);
    }

    function _setSigner(string calldata id, bytes32 idHash, Department storage d, address newSigner)
        private
        returns (address old)
    {
        old = d.signer;
        d.signer = newSigner;
        emit SignerRotated(idHash, id, old, newSigner);
    }

    function _pending(string calldata id, bytes32 idHash) private view returns (Recovery memory r) {
        r = _s().recoveries[idHash];
        if (r.newSigner == address(0)) revert NoPendingRecovery(id);
    }

    function _dropRecovery(string calldata id, bytes32 idHash) private {
        Recovery storage r = _s().recoveries[idHash];
        address pending = r.newSigner;
        if (pending == address(0)) return;
        delete _s().recoveries[idHash];
        emit RecoveryCancelled(idHash, id, pending);
    }

    function _requireNewSigner(string calldata id, Department storage d, address newSigner) private view {
        if (newSigner == address(0)) revert ZeroAddress();
        if (newSigner == d.signer) revert SignerUnchanged(id, newSigner);
    }

    function _activeDepartment(string calldata id, bytes32 idHash) private view returns (Department storage d) {
        d = _s().departments[idHash];
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
