/**
 * The ExchangeLedger as a TypedContract: its ABI is the verifier package's
 * generated `LEDGER_ABI` (scripts/gen-verify-abi.ts, kept equal to the
 * compiled contract by test/verify-package/abi.test.ts), the one ABI the
 * service, the CLI and the verifier share. Every call of the ledger in
 * src/adapters/chain goes through this type.
 */
import type { ContractRunner } from "ethers";
import { LEDGER_ABI } from "@dxledger/verify";
import type { FunctionArgs, WriteFunctionName } from "./abi-types.ts";
import { TypedContract } from "./typed-contract.ts";

export { LEDGER_ABI };
export type LedgerAbi = typeof LEDGER_ABI;
export type LedgerContract = TypedContract<LedgerAbi>;
/** The ledger's functions that are sent as transactions. */
export type LedgerWrite = WriteFunctionName<LedgerAbi>;
export type LedgerArgs<N extends LedgerWrite> = FunctionArgs<LedgerAbi, N>;

/** The ledger at `address`, read through `runner` (a provider, or a wallet connected to one). */
export function ledgerContract(address: string, runner: ContractRunner | null): LedgerContract {
  return new TypedContract(LEDGER_ABI, address, runner);
}
