/** The `dxledger` command line (SPEC §6). */
import { serveCommand } from "./serve.ts";
import { verifyCommand } from "./verify.ts";
import { auditCommand } from "./audit.ts";
import { monitorCommand } from "./monitor.ts";
import { reindexCommand } from "./reindex.ts";
import { deployCommand } from "./deploy.ts";
import { chainCommand } from "./chain.ts";
import { departmentCommand } from "./department.ts";
import { hubCommand } from "./hub.ts";

const USAGE = `usage:
  dxledger serve                                   run the service (configuration: environment, see README)
  dxledger verify <receipt.json | bundle.json> [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]
                 [--block-hash HEX] [--offline]    verify a receipt or bundle against the chain, or offline (0 valid, 1 invalid, 2 error);
                                                   the same command as @dxledger/verify's dxledger-verify
  dxledger audit [--data-dir DIR] [--rpc URL] [--json] [--chain-id N] [--contract ADDR] [--log-id HEX]
                                                   recompute and check everything in a stopped installation (0 clean, 1 discrepancies, 2 error)
  dxledger monitor --service URL [--rpc URL] [--contract ADDR] [--log-id HEX] [--interval MS] [--since-block N] [--once] [--json]
                                                   follow the chain's checkpoints and key recoveries; alarm when the service
                                                   cannot back a checkpoint, and on every recovery
  dxledger reindex [--data-dir DIR] [--write] [--json]
                                                   rebuild every derived index from the entries and prove it equal to the live one
  dxledger deploy --rpc URL [--anchorer ADDR] [--registrar ADDR] [--admin ADDR] [--log-name NAME]
                  [--recovery-delay S] [--admin-delay S] [--json]
                                                   deploy ExchangeLedger with DEPLOYER_PRIVATE_KEY and bind the log (0 done, 2 error)
  dxledger chain status [--rpc URL] [--contract ADDR] [--log-name NAME] [--anchorer ADDR] [--json]
                                                   what the service would find on the chain (0 ready, 1 problems, 2 error)
  dxledger chain bind-log|grant|revoke|transfer-admin|accept-admin …
                                                   idempotent changes to a deployment (see \`dxledger chain\`)
  dxledger department rotate|cancel-recovery --service URL --id ID [--new-signer ADDR] [--rpc URL] [--json]
                                                   a department rotates its own key, or cancels a recovery of it
                                                   (DEPARTMENT_PRIVATE_KEY, DXLEDGER_TOKEN)
  dxledger hub                                     federated statistics and provenance across every gateway of one ledger
                                                   (HUB_RPC_URL, LEDGER_ADDRESS, HUB_TOKENS, HUB_GATEWAY_TOKENS[, HUB_GATEWAYS]; see README)`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "serve":
      return serveCommand(env);
    case "verify":
      return verifyCommand(rest, env);
    case "audit":
      return auditCommand(rest, env);
    case "monitor":
      return monitorCommand(rest, env);
    case "reindex":
      return reindexCommand(rest, env);
    case "deploy":
      return deployCommand(rest, env);
    case "chain":
      return chainCommand(rest, env);
    case "department":
      return departmentCommand(rest, env);
    case "hub":
      return hubCommand(env);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`dxledger: ${cmd ? `unknown command ${cmd}` : "missing command"}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dxledger: ${String((e as Error).stack ?? e)}\n`);
    process.exitCode = 2;
  },
);
