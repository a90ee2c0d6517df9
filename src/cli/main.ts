/** The `dxledger` command line (SPEC §6). */
import { serveCommand } from "./serve.ts";
import { verifyCommand } from "./verify.ts";
import { auditCommand } from "./audit.ts";
import { monitorCommand, USAGE as MONITOR_USAGE } from "./monitor.ts";
import { reindexCommand } from "./reindex.ts";
import { deployCommand, USAGE as DEPLOY_USAGE } from "./deploy.ts";
import { chainCommand } from "./chain.ts";
import { USAGE as CHAIN_USAGE } from "./chain-args.ts";
import { departmentCommand, USAGE as DEPARTMENT_USAGE } from "./department.ts";
import { hubCommand } from "./hub.ts";
import { guardStdio } from "./std-streams.ts";

const USAGE = `usage:
  dxledger serve                                   run the service (configuration: environment, see docs/configuration.md)
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
                                                   (HUB_RPC_URL, LEDGER_ADDRESS, HUB_TOKENS, HUB_GATEWAY_TOKENS[, HUB_GATEWAYS]; see docs/configuration.md)`;

type Command = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

/** serve and hub take their configuration from the environment only: any argument is a usage error. */
const noArgs =
  (cmd: string, run: (env: NodeJS.ProcessEnv) => Promise<number>): Command =>
  (args, env) => {
    if (args.length === 0) return run(env);
    process.stderr.write(`dxledger ${cmd}: takes no arguments (configuration: environment, see docs/configuration.md), got ${args[0]}\n${usageOf(cmd)}\n`);
    return Promise.resolve(2);
  };

const COMMANDS: Record<string, Command> = {
  serve: noArgs("serve", serveCommand),
  verify: verifyCommand,
  audit: auditCommand,
  monitor: monitorCommand,
  reindex: reindexCommand,
  deploy: deployCommand,
  chain: chainCommand,
  department: departmentCommand,
  hub: noArgs("hub", hubCommand),
};

/** A command's own usage text, where its file keeps a fuller one than USAGE. */
const OWN_USAGE: Record<string, string> = { monitor: MONITOR_USAGE, deploy: DEPLOY_USAGE, chain: CHAIN_USAGE, department: DEPARTMENT_USAGE };

/** The usage of `cmd`: its lines of USAGE (from its first line to the next command's), or its own text. */
function usageOf(cmd: string): string {
  if (OWN_USAGE[cmd]) return OWN_USAGE[cmd];
  const lines = USAGE.split("\n").slice(1);
  const start = lines.findIndex((l) => l.startsWith(`  dxledger ${cmd} `) || l === `  dxledger ${cmd}`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}dxledger \S/.test(l) && !l.startsWith(`  dxledger ${cmd} `));
  return `usage:\n${lines.slice(start, end < 0 ? undefined : end).join("\n")}`;
}

/** `--help` or `-h` anywhere before a `--`: the command only prints its usage, whatever else is given. */
const wantsHelp = (args: string[]) => {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

/**
 * Runs one command. Contract: `--help` and usage errors are answered before
 * the command runs anything (no port bound, no chain started): help exits 0,
 * a usage error exits 2 with the usage on stderr.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "help" || cmd === "--help" || cmd === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = cmd === undefined ? undefined : COMMANDS[cmd];
  if (!cmd || !command) {
    process.stderr.write(`dxledger: ${cmd ? `unknown command ${cmd}` : "missing command"}\n${USAGE}\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(`${usageOf(cmd)}\n`);
    return 0;
  }
  return command(rest, env);
}

guardStdio();
main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dxledger: ${String((e as Error).stack ?? e)}\n`);
    process.exitCode = 2;
  },
);
