/**
 * @dxledger/verify: checks dxledger receipts and provenance bundles against
 * the chain alone — no trust in the service that issued them. Portable: this
 * entry imports no `node:` builtin and runs in Node ≥ 18 and in browsers.
 */
export { verifyReceipt, verifyWith, type VerifyOptions } from "./receipt.ts";
export { verifyBundle, verifyBundleWith, isBundle, BUNDLE_KIND, type BundleVerdict } from "./bundle.ts";
export { ChainView, type ChainOptions, type OnChainCheckpoint } from "./chain-view.ts";
export { inspectLedger, type LedgerInspection, type LedgerKind } from "./inspect.ts";
export { CANNOT_CHECK, STEPS, type Check, type Flag, type Pins, type Step, type Verdict, type VerifyCode } from "./types.ts";
export { LEDGER_ABI, LEDGER_CODE_HASH, EARLIER_CODE_HASHES } from "./ledger-abi.ts";
