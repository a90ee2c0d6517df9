/**
 * Where the ExchangeLedger keeps its state (contracts/ExchangeLedger.sol,
 * docs/evidence.md): the one place slots are computed. The service asks for
 * proofs of these slots and the verifier checks the same ones, so the two
 * cannot disagree.
 *
 * Layout (ERC-7201 namespace "dxledger.ExchangeLedger", base slot N):
 *   N+0 anchorers    mapping(bytes32 logId => address)
 *   N+1 checkpoints  mapping(bytes32 logId => Checkpoint[]): length at
 *                    L = keccak256(logId ‖ N+1); element i at keccak256(L) + 2i
 *                    (treeSize | anchoredAt << 64 | blockNumber << 128) and
 *                    keccak256(L) + 2i + 1 (rootHash)
 *   N+2 departments  mapping(bytes32 keccak256(id) => {address signer; bool active; uint64 rotationNonce})
 */
import { AbiCoder, keccak256, toUtf8Bytes, zeroPadValue, toBeHex } from "ethers";

/** A 32-byte storage slot or word, 0x + 64 lowercase hex. */
export type Slot = string;

const abi = AbiCoder.defaultAbiCoder();
const MASK_LOW_BYTE = ~0xffn & ((1n << 256n) - 1n);
const U64 = (1n << 64n) - 1n;

const word = (n: bigint): Slot => zeroPadValue(toBeHex(n), 32).toLowerCase();

/** ERC-7201: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff. */
export function erc7201Slot(namespace: string): Slot {
  const inner = BigInt(keccak256(toUtf8Bytes(namespace))) - 1n;
  return word(BigInt(keccak256(abi.encode(["uint256"], [inner]))) & MASK_LOW_BYTE);
}

/** The ledger's base slot N (the contract's `_STORAGE_LOCATION`). */
export const LEDGER_STORAGE_LOCATION: Slot = erc7201Slot("dxledger.ExchangeLedger");

const base = BigInt(LEDGER_STORAGE_LOCATION);

/** Solidity's slot of `mapping[key]` for a mapping at `mappingSlot`: keccak256(key ‖ mappingSlot). */
const mappingSlot = (key: string, at: bigint): Slot => keccak256(abi.encode(["bytes32", "uint256"], [key, at])).toLowerCase();

export interface CheckpointSlots {
  /** The length of the log's checkpoint array. */
  readonly length: Slot;
  /** treeSize (low 8 bytes), anchoredAt (next 8), blockNumber (next 8). */
  readonly packed: Slot;
  readonly rootHash: Slot;
}

/** The slots of checkpoint `index` of log `logId` (0x + 64 hex). */
export function checkpointSlots(logId: string, index: number): CheckpointSlots {
  const length = mappingSlot(logId, base + 1n);
  const first = BigInt(keccak256(length)) + 2n * BigInt(index);
  return { length, packed: word(first), rootHash: word(first + 1n) };
}

/** The slot of department `id` (signer, active, rotationNonce packed in one word). */
export function departmentSlot(id: string): Slot {
  return mappingSlot(keccak256(toUtf8Bytes(id)), base + 2n);
}

export interface PackedCheckpoint {
  readonly treeSize: bigint;
  readonly anchoredAt: bigint;
  readonly blockNumber: bigint;
}

/** Splits the packed word of a checkpoint (see CheckpointSlots.packed). */
export function unpackCheckpoint(packed: bigint): PackedCheckpoint {
  return { treeSize: packed & U64, anchoredAt: (packed >> 64n) & U64, blockNumber: (packed >> 128n) & U64 };
}

/** The 32-byte word of a storage value given as a quantity or a word. */
export const storageWord = (value: bigint): Slot => word(value);
