/**
 * What stands at a ledger address — this build of ExchangeLedger, an earlier
 * build whose receipts still verify, another build answering its interface,
 * something else, or nothing — decided once, by the verifier package
 * (@dxledger/verify, inspect.ts), so start-up, `verify`, `audit` and
 * `chain status` all say the same.
 */
export { inspectLedger, type LedgerInspection, type LedgerKind } from "@dxledger/verify";
