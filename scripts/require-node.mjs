#!/usr/bin/env node
// preinstall, a second guard: the first is `engines` with engine-strict (.npmrc),
// which refuses before npm fetches anything. This one checks the Node npm itself
// runs on (npm_config_user_agent "npm/… node/v20…"), not the Node running this
// script: inside a checkout, that is the pinned node_modules/.bin/node.
// It guards `npm install`/`npm ci` only — not running: `npx dxledger` and
// ./bin/dxledger.mjs re-execute themselves with the pinned Node (devDependency `node`).
const npmNode = /\bnode\/(v\d+[\d.]*)/.exec(process.env.npm_config_user_agent ?? "");
const version = npmNode ? npmNode[1] : process.version;
const major = Number(version.slice(1).split(".")[0]);
// `npx dxledger` in a checkout installs this package into npx's cache, running this
// script too (npm_command "exec"): running needs no Node >= 22, only installing does.
if (major < 22 && process.env.npm_command !== "exec") {
  process.stderr.write(`dxledger: installing needs npm to run on Node >= 22 (it runs on ${version}). Install with: npx -y -p node@24 npm ci\n`);
  process.exit(1);
}
