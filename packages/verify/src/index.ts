/**
 * @dxledger/verify: checks dxledger receipts and provenance bundles against
 * the chain alone — no trust in the service that issued them — or offline,
 * by a receipt's stateProof under a block hash you trust. Portable: this
 * entry imports no `node:` builtin and runs in Node ≥ 18 and in browsers.
 */
export { verifyReceipt, verifyWith, type VerifyOptions } from "./receipt.ts";
export { verifyBundle, verifyBundleWith, isBundle, BUNDLE_KIND, type BundleOptions, type BundleVerdict } from "./bundle.ts";
export { ChainView, type ChainOptions, type OnChainCheckpoint } from "./chain-view.ts";
export { inspectLedger, type LedgerInspection, type LedgerKind } from "./inspect.ts";
export { decodeRegistryLogs, departmentHistory, registryHistories } from "./history.ts";
export { CANNOT_CHECK, STEPS, type Check, type Flag, type Pins, type Scope, type Step, type Verdict, type VerifyCode } from "./types.ts";
export { checkStateProof, stateProofSchema, type StateProof, type StateProofResult, type ExpectedCheckpoint } from "./state-proof.ts";
export { verifyMptProof, type MptResult } from "./mpt.ts";
export {
  checkpointSlots,
  departmentSlot,
  erc7201Slot,
  unpackCheckpoint,
  LEDGER_STORAGE_LOCATION,
  type CheckpointSlots,
  type PackedCheckpoint,
  type Slot,
} from "./state-slots.ts";
export { LEDGER_ABI, LEDGER_CODE_HASH, EARLIER_CODE_HASHES } from "./ledger-abi.ts";
