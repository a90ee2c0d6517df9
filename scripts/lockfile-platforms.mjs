#!/usr/bin/env node
// Adds lock entries for platform-specific optional packages that the npm
// registry reachable here does not serve (Anvil's and Hardhat EDR's builds for
// other platforms). npm writes no entry for a package it cannot fetch, and
// `npm ci` then refuses the lock as out of sync. Each added entry carries its
// os/cpu, so npm skips it on every other platform, exactly as it would a
// fetched one. Run after any `npm install` that rewrites package-lock.json.
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORM = {
  "darwin-amd64": { os: ["darwin"], cpu: ["x64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "linux-amd64": { os: ["linux"], cpu: ["x64"] },
  "linux-arm64": { os: ["linux"], cpu: ["arm64"] },
  "linux-arm64-gnu": { os: ["linux"], cpu: ["arm64"], libc: ["glibc"] },
  "linux-arm64-musl": { os: ["linux"], cpu: ["arm64"], libc: ["musl"] },
  "linux-x64-gnu": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "linux-x64-musl": { os: ["linux"], cpu: ["x64"], libc: ["musl"] },
  "win32-amd64": { os: ["win32"], cpu: ["x64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
};
const PARENTS = ["node_modules/@foundry-rs/anvil", "node_modules/@nomicfoundation/edr", "node_modules/vite"];
/** Single-platform optional packages whose names carry no platform suffix (their os/cpu, from their own package.json). */
const BY_NAME = {
  "napi-windows-process-start-time": { os: ["win32"] },
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let added = 0;
for (const parent of PARENTS) {
  const p = lock.packages[parent];
  if (!p?.optionalDependencies) continue;
  for (const [name, version] of Object.entries(p.optionalDependencies)) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const suffix = Object.keys(PLATFORM).find((s) => name.endsWith(`-${s}`));
    const platform = suffix ? PLATFORM[suffix] : BY_NAME[name];
    if (!platform) continue; // served by the registry: npm wrote its entry (fsevents, …)
    // A range (vite's "^0.1.0") is pinned to its lowest version, which satisfies it.
    lock.packages[key] = { version: version.replace(/^[\^~]/, ""), ...(p.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile-platforms: added ${added} entries`);
