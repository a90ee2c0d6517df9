#!/usr/bin/env node
// preinstall: this repository's tools need Node >= 22 (Hardhat 3, type stripping).
// It guards `npm install`/`npm ci` only — not running: `npx dxledger` and
// ./bin/dxledger.mjs re-execute themselves with the pinned Node (devDependency `node`).
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(`dxledger: installing needs Node >= 22 (this is ${process.version}). Install with: npx -y -p node@24 npm ci\n`);
  process.exit(1);
}
