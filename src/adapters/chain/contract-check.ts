/**
 * What stands at a ledger address: this build of ExchangeLedger, another
 * build that answers its interface, something else, or nothing. Start-up,
 * `verify`, `audit` and `chain status` all ask here, so they say the same.
 */
import { Contract, keccak256, type JsonRpcProvider } from "ethers";
import { ledgerArtifact } from "./artifact.ts";

export type LedgerKind = "ledger" | "ledger-other-build" | "no-code" | "not-ledger";

export interface LedgerInspection {
  readonly kind: LedgerKind;
  /** One line for people. */
  readonly message: string;
}

const PROBE_LOG = `0x${"00".repeat(32)}`;

export async function inspectLedger(provider: JsonRpcProvider, address: string, chainId: number): Promise<LedgerInspection> {
  const code = await provider.getCode(address);
  if (code === "0x" || code === "") {
    return { kind: "no-code", message: `no contract at ${address} on chain ${chainId} (wrong LEDGER_ADDRESS or wrong chain?)` };
  }
  const art = ledgerArtifact();
  if (keccak256(code) === keccak256(art.deployedBytecode)) {
    return { kind: "ledger", message: `ExchangeLedger (this build) at ${address} on chain ${chainId}` };
  }
  const c = new Contract(address, art.abi as never[], provider);
  try {
    await c.getFunction("checkpointCount")(PROBE_LOG);
    await c.getFunction("anchorerOf")(PROBE_LOG);
    await c.getFunction("REGISTRAR_ROLE")();
    return { kind: "ledger-other-build", message: `an ExchangeLedger of another build at ${address} on chain ${chainId} (it answers the ledger's interface)` };
  } catch {
    return { kind: "not-ledger", message: `the contract at ${address} on chain ${chainId} is not an ExchangeLedger (it does not answer checkpointCount/anchorerOf/REGISTRAR_ROLE)` };
  }
}
