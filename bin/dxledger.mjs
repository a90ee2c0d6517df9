#!/usr/bin/env node
// Runs src/cli/main.ts on Node ≥ 22 (type stripping). On an older system Node,
// re-executes itself with the Node pinned in devDependencies (npm package `node`).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  const require = createRequire(import.meta.url);
  let nodeBin;
  try {
    nodeBin = require.resolve("node/bin/node");
  } catch {
    process.stderr.write("dxledger needs Node >= 22; install with: npx -y -p node@24 npm ci\n");
    process.exit(2);
  }
  const r = spawnSync(nodeBin, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 2);
}
await import("../src/cli/main.ts");
