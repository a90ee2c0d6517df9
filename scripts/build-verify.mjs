#!/usr/bin/env node
// Builds @dxledger/verify (packages/verify/dist): compiled ESM + .d.ts from its
// sources and the shared pure core (src/core). Run by `prepare` at install,
// by `prepack` (so a tarball from a clean checkout is complete) and by the test
// runner. Built aside and swapped in, so a reader never sees a half-built dist.
import { spawnSync } from "node:child_process";
import { chmodSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const pkg = join(root, "packages/verify");
const dist = join(pkg, "dist");
const aside = join(pkg, `.dist-${process.pid}`);
const tsc = join(root, "node_modules/typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(pkg, "tsconfig.build.json"), "--outDir", aside], { stdio: "inherit" });
if (r.status !== 0) {
  rmSync(aside, { recursive: true, force: true });
  process.stderr.write("build-verify: tsc failed\n");
  process.exit(1);
}
chmodSync(join(aside, "packages/verify/src/bin.js"), 0o755);
const old = join(pkg, `.dist-old-${process.pid}`);
try {
  renameSync(dist, old);
} catch {
  // no dist yet: nothing to set aside
}
renameSync(aside, dist);
rmSync(old, { recursive: true, force: true });
