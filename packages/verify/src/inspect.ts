/**
 * What stands at a ledger address: this build of ExchangeLedger, an earlier
 * build whose receipts still verify, another build that answers the ledger's
 * interface, something else, or nothing. Identified by the hash of the runtime
 * code (the contract has no immutables, so it is the same at every deployment).
 */
import { Contract, keccak256, type Provider } from "ethers";
import { EARLIER_CODE_HASHES, LEDGER_ABI, LEDGER_CODE_HASH } from "./ledger-abi.ts";

export type LedgerKind = "ledger" | "ledger-earlier-build" | "ledger-other-build" | "no-code" | "not-ledger";

export interface LedgerInspection {
  readonly kind: LedgerKind;
  /** One line for people. */
  readonly message: string;
  /** keccak256 of the runtime code; undefined when there is none. */
  readonly codeHash?: string;
}

const PROBE_LOG = `0x${"00".repeat(32)}`;

export async function inspectLedger(provider: Provider, address: string, chainId: number): Promise<LedgerInspection> {
  const code = await provider.getCode(address);
  if (code === "0x" || code === "") {
    return { kind: "no-code", message: `no contract at ${address} on chain ${chainId} (wrong address or wrong chain?)` };
  }
  const codeHash = keccak256(code);
  if (codeHash === LEDGER_CODE_HASH) return { kind: "ledger", codeHash, message: `ExchangeLedger (this build) at ${address} on chain ${chainId}` };
  const earlier = Object.entries(EARLIER_CODE_HASHES).find(([, h]) => h === codeHash);
  if (earlier) return { kind: "ledger-earlier-build", codeHash, message: `ExchangeLedger (earlier build ${earlier[0]}) at ${address} on chain ${chainId}` };
  const c = new Contract(address, LEDGER_ABI, provider);
  try {
    await c.getFunction("checkpointCount")(PROBE_LOG);
    await c.getFunction("anchorerOf")(PROBE_LOG);
    await c.getFunction("REGISTRAR_ROLE")();
    return {
      kind: "ledger-other-build",
      codeHash,
      message: `an ExchangeLedger of another build at ${address} on chain ${chainId} (it answers the ledger's interface)`,
    };
  } catch {
    return {
      kind: "not-ledger",
      codeHash,
      message: `the contract at ${address} on chain ${chainId} is not an ExchangeLedger (it does not answer checkpointCount/anchorerOf/REGISTRAR_ROLE)`,
    };
  }
}
