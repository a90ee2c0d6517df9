#!/usr/bin/env node
// The `dxledger-verify` command (see cli.ts). Any unexpected failure exits 2, never 1 (which means INVALID).
import { runCli, type CliIo } from "./cli.ts";

/** Redraws at most this often: a bundle of thousands of receipts writes a few lines a second, not one per receipt. */
const REDRAW_MS = 100;

/**
 * A bundle's progress, on a terminal only (piped stderr stays clean): one
 * line on stderr rewritten in place, ended once the last receipt is done.
 * No library: this package runs in browsers too, and adds no dependency.
 */
function terminalProgress(): CliIo["progress"] {
  if (!process.stderr.isTTY) return undefined;
  let drawn = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && done > 0 && now - drawn < REDRAW_MS) return;
    drawn = now;
    const pct = total ? Math.floor((100 * done) / total) : 100;
    process.stderr.write(`\rdxledger-verify: receipts ${done}/${total} (${pct} %)${done >= total ? "\n" : ""}`);
  };
}

runCli(process.argv.slice(2), {
  env: process.env,
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  progress: terminalProgress(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dxledger-verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
