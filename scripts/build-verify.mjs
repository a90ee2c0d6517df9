#!/usr/bin/env node
// Builds @dxledger/verify (packages/verify/dist): compiled ESM + .d.ts from its
// sources and the shared pure core (src/core). Run by `prepare` at install,
// by `prepack` (so a tarball from a clean checkout is complete) and by the test runner.
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const pkg = join(root, "packages/verify");
rmSync(join(pkg, "dist"), { recursive: true, force: true });
const tsc = join(root, "node_modules/typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(pkg, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) {
  process.stderr.write("build-verify: tsc failed\n");
  process.exit(1);
}
chmodSync(join(pkg, "dist/packages/verify/src/bin.js"), 0o755);
