#!/usr/bin/env node
// Builds the web console (web/ → web/dist, git-ignored): type-checks its
// sources, then bundles them with Vite from npm packages only. Run by
// `prepare` at install (after @dxledger/verify's build, which it bundles),
// by `npm run console:build`, and by the console's tests.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build } from "vite";

const root = join(import.meta.dirname, "..");
const web = join(root, "web");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const checked = spawnSync(process.execPath, [tsc, "-p", join(web, "tsconfig.json")], { stdio: "inherit" });
if (checked.status !== 0) {
  process.stderr.write("build-console: the console's sources do not type-check\n");
  process.exit(1);
}
await build({ configFile: join(web, "vite.config.ts"), root: web, logLevel: "warn" });
