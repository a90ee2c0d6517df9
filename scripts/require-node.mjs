#!/usr/bin/env node
// preinstall, a second guard: the first is `engines` with engine-strict (.npmrc),
// which refuses before npm fetches anything. This one checks the Node npm itself
// runs on, not the Node running this script: inside a checkout, that is the
// pinned node_modules/.bin/node. npm names its own Node in npm_node_execpath
// (set by the npm that runs the script). npm_config_user_agent is no guide: under
// `npx -y -p node@24 npm ci` it is inherited from the outer npx, which runs on the
// system Node, while the npm that installs runs on Node 24.
// It guards `npm install`/`npm ci` only — not running: `npx dxledger` and
// ./bin/dxledger.mjs re-execute themselves with the pinned Node (devDependency `node`).
import { spawnSync } from "node:child_process";

function npmNodeVersion() {
  const exec = process.env.npm_node_execpath;
  if (!exec || exec === process.execPath) return process.version;
  const r = spawnSync(exec, ["-p", "process.version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : process.version;
}

const version = npmNodeVersion();
const major = Number(version.slice(1).split(".")[0]);
// `npx dxledger` in a checkout installs this package into npx's cache, running this
// script too (npm_command "exec"): running needs no Node >= 22, only installing does.
if (major < 22 && process.env.npm_command !== "exec") {
  process.stderr.write(`dxledger: installing needs npm to run on Node >= 22 (it runs on ${version}). Install with: npx -y -p node@24 npm ci\n`);
  process.exit(1);
}
