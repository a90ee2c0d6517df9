/** How a dxledger command fails on purpose: one line `dxledger: …` on stderr and an exit code, never a stack. */
import { ConfigError } from "../config.ts";
import { isChainError } from "../core/chain-error.ts";

/** An expected failure: printed as one line `dxledger: …`, exit `code`. */
export class CliError extends Error {
  readonly code: number;
  constructor(message: string, code = 2) {
    super(message);
    this.code = code;
  }
}

/** Runs a command body; expected errors become one stderr line and exit 2. */
export async function runCli(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliError) return fail(e.message, e.code);
    if (e instanceof ConfigError) return fail(e.problems.join("; "));
    if (isChainError(e)) return fail(e.message);
    throw e;
  }
}

function fail(msg: string, code = 2): number {
  process.stderr.write(`dxledger: ${msg.replace(/\s+/g, " ")}\n`);
  return code;
}
