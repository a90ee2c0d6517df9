/** The compiled `ExchangeLedger` (ABI and bytecode) from Hardhat's artifacts. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Artifact {
  readonly abi: readonly unknown[];
  readonly bytecode: string;
  /** Runtime code, as `eth_getCode` returns it for a deployment of this build. */
  readonly deployedBytecode: string;
}

const ARTIFACT_PATH = fileURLToPath(new URL("../../../artifacts/contracts/ExchangeLedger.sol/ExchangeLedger.json", import.meta.url));

let cached: Artifact | undefined;

export function ledgerArtifact(): Artifact {
  if (!cached) {
    let text: string;
    try {
      text = readFileSync(ARTIFACT_PATH, "utf8");
    } catch {
      throw new Error(`contract artifact missing at ${ARTIFACT_PATH}: run \`npm run build\` first`);
    }
    const a = JSON.parse(text) as Artifact;
    cached = { abi: a.abi, bytecode: a.bytecode, deployedBytecode: a.deployedBytecode };
  }
  return cached;
}
