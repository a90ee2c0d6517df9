#!/usr/bin/env node
// The `dxledger-verify` command (see cli.ts). Any unexpected failure exits 2, never 1 (which means INVALID).
import { runCli } from "./cli.ts";

runCli(process.argv.slice(2), {
  env: process.env,
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dxledger-verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
