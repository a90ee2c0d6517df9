/**
 * Which EVM forks a chain runs, found by trying one opcode of each: an
 * `eth_call` with no `to` runs `data` as init code, so a tiny program that
 * executes the opcode and stops answers "0x" where the opcode exists, and an
 * error ("invalid opcode", "NotActivated") where it does not.
 *
 * The contract is compiled for berlin (hardhat.config.ts), so only a chain
 * without istanbul's CHAINID is too old for it; the later forks are reported
 * so an operator knows what the chain lacks.
 *
 * MUST NOT mistake an unreachable node for a missing fork: a call that fails
 * for any other reason than the call itself (timeout, refused) is a ChainError.
 */
import type { JsonRpcProvider } from "ethers";
import { toChainError } from "./to-chain-error.ts";

/** The oldest fork the contract runs on (hardhat.config.ts `evmVersion`). */
export const MIN_EVM = "berlin";

export type Fork = "istanbul" | "london" | "shanghai" | "cancun";

export interface OpcodeProbe {
  readonly fork: Fork;
  readonly opcode: string;
  /** Init code: run the opcode on a clean stack, drop what it left, STOP. */
  readonly code: string;
}

export const PROBES: readonly OpcodeProbe[] = [
  { fork: "istanbul", opcode: "CHAINID", code: "0x465000" },
  { fork: "london", opcode: "BASEFEE", code: "0x485000" },
  { fork: "shanghai", opcode: "PUSH0", code: "0x5f5000" },
  // PUSH1 1, PUSH1 0, TSTORE, STOP
  { fork: "cancun", opcode: "TSTORE", code: "0x600160005d00" },
  // PUSH1 0 ×3, MCOPY, STOP
  { fork: "cancun", opcode: "MCOPY", code: "0x6000600060005e00" },
];

export interface EvmFeatures {
  /** Opcodes the chain executed. */
  readonly present: readonly string[];
  /** Opcodes the chain refused, with the fork that brought them. */
  readonly missing: ReadonlyArray<{ readonly fork: Fork; readonly opcode: string }>;
  /** Forks with at least one missing opcode, oldest first. */
  readonly missingForks: readonly Fork[];
  /** False when the chain lacks something the contract needs (pre-istanbul). */
  readonly runsContract: boolean;
}

export async function probeEvmFeatures(provider: JsonRpcProvider): Promise<EvmFeatures> {
  // A chain that cannot even run STOP this way cannot be probed: say nothing is missing rather than everything.
  if (!(await runs(provider, "0x00"))) return { present: [], missing: [], missingForks: [], runsContract: true };
  const present: string[] = [];
  const missing: Array<{ fork: Fork; opcode: string }> = [];
  for (const p of PROBES) {
    if (await runs(provider, p.code)) present.push(p.opcode);
    else missing.push({ fork: p.fork, opcode: p.opcode });
  }
  const missingForks = [...new Set(missing.map((m) => m.fork))];
  return { present, missing, missingForks, runsContract: !missingForks.includes("istanbul") };
}

async function runs(provider: JsonRpcProvider, code: string): Promise<boolean> {
  try {
    await provider.send("eth_call", [{ data: code }, "latest"]);
    return true;
  } catch (e) {
    const err = toChainError(e);
    if (err.kind === "UNAVAILABLE") throw err;
    return false;
  }
}
