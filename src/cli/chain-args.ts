/** `dxledger chain`: its usage text and the contract argument every subcommand takes. */
import { addressArg, CliError } from "./deploy.ts";
import { nonEmpty } from "./non-empty.ts";

export const USAGE = `usage:
  dxledger chain status   [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]
  dxledger chain bind-log [--rpc URL] [--contract ADDR] [--log-name NAME] --anchorer ADDR [--url URL] [--operator DEPT] [--json]
  dxledger chain set-log-info [--rpc URL] [--contract ADDR] [--log-name NAME] [--url URL] [--operator DEPT] [--json]
  dxledger chain grant    [--rpc URL] [--contract ADDR] --role registrar --account ADDR [--json]
  dxledger chain revoke   [--rpc URL] [--contract ADDR] --role registrar --account ADDR [--json]
  dxledger chain transfer-admin [--rpc URL] [--contract ADDR] --account ADDR [--json]
  dxledger chain accept-admin   [--rpc URL] [--contract ADDR] [--json]`;

export function contractArg(v: string | undefined, env: NodeJS.ProcessEnv): string {
  const c = addressArg(v ?? nonEmpty(env.LEDGER_ADDRESS), v === undefined ? "LEDGER_ADDRESS" : "--contract");
  if (!c) throw new CliError("no contract: give --contract ADDR (or set LEDGER_ADDRESS)");
  return c;
}
