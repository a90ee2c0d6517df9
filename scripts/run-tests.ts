/**
 * Runs every test (core, contract, service end to end) with mocha and ends
 * with the plain line `tests: N passed, N failed` from mocha's own counts.
 * Usage: npm test [-- --grep <pattern>] [-- <file…>]
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import module from "node:module";
import { join, resolve } from "node:path";
import Mocha from "mocha";

const root = resolve(import.meta.dirname, "..");

// Node's compile cache for this process and every node it starts (CLIs, chains, workers, builds):
// the suite starts a few hundred node processes, and each re-parsed the same modules.
process.env.NODE_COMPILE_CACHE ??= join(root, "node_modules/.cache/node-compile");
module.enableCompileCache(process.env.NODE_COMPILE_CACHE);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/**
 * Workers take files in the order given: the longest go first, so that no
 * worker is left with a long file at the end (measured: the slowest files of
 * a serial run; a new slow file only makes the run a little longer).
 */
const SLOW = [
  "e2e/deploy",
  "quality/lint",
  "e2e/bench-smoke",
  "e2e/two-evms",
  "e2e/chain-faults",
  "e2e/state-proof",
  "e2e/department-exchanges",
  "e2e/cli-usage",
  "e2e/clock-skew",
  "verify-package/installed",
  "e2e/hardforks",
  "e2e/chain-stalls",
  "console/console",
  "e2e/demo-city",
  "console/readability",
  "e2e/federation",
];
function longestFirst(list: readonly string[]): string[] {
  const rank = (f: string) => {
    const i = SLOW.findIndex((s) => f.endsWith(`test/${s}.test.ts`));
    return i < 0 ? SLOW.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

const args = process.argv.slice(2);
let grep: string | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--grep") grep = args[++i];
  else {
    const p = resolve(args[i]!);
    files.push(...(statSync(p).isDirectory() ? testFiles(p) : [p]));
  }
}

const build = spawnSync(process.execPath, [join(root, "node_modules/hardhat/dist/src/cli.js"), "build", "--quiet"], {
  cwd: root,
  stdio: "inherit",
});
const buildVerify = build.status === 0 ? spawnSync(process.execPath, [join(root, "scripts/build-verify.mjs")], { cwd: root, stdio: "inherit" }) : build;
const chosen = files.length ? files : testFiles(join(root, "test"));
// The console's tests drive web/dist: built here once from the current sources, not once per test file.
const buildConsole =
  buildVerify.status === 0 && chosen.some((f) => f.includes(join("test", "console")))
    ? spawnSync(process.execPath, [join(root, "scripts/build-console.mjs")], { cwd: root, stdio: "inherit" })
    : buildVerify;
if (build.status !== 0 || buildVerify.status !== 0 || buildConsole.status !== 0) {
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
}

// TEST_JOBS=N runs the files in N worker processes (each file starts its own chain, store and
// ports). The default is one after another: on two cores the suite is CPU-bound, and four
// workers took longer (11 min against 10) and starved the tests that wait for a browser.
const jobs = Number(process.env.TEST_JOBS ?? 1);
const parallel = jobs > 1;
const mocha = new Mocha({ timeout: 120_000, reporter: "spec", ...(parallel ? { parallel, jobs } : {}), ...(grep ? { grep } : {}) });
for (const f of longestFirst(chosen)) mocha.addFile(f);
if (!parallel) await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const passed = runner.stats?.passes ?? 0;
  const failed = runner.stats?.failures ?? failures;
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
  // Tests leave no servers behind, but a stray handle must not hang CI.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
