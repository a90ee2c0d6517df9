/**
 * The layering (CONTRIBUTING.md "The layering"), enforced in CI by
 * test/quality/layering.test.ts. No exceptions are listed: a new import that
 * crosses a wall fails the build.
 *
 *   core      src/core — pure: no I/O module, no other layer (also compiled into packages/verify)
 *   verify    packages/verify/src — the portable verifier: itself and src/core only
 *   api       src/api — the HTTP API declared once (operations, zod schemas): core only, no I/O
 *   ports     src/ports, src/hub/ports.ts — interfaces and the shapes they carry: core and api
 *   services  src/services, src/hub/services — use cases: core, ports and other services
 *   adapters  src/adapters, src/hub/adapters, src/hub/routes — LevelDB, chain, HTTP, metrics, logs:
 *             core, ports and other adapters; never a service
 *   roots     src/server.ts, src/cli, src/hub/server.ts, … — wiring: anything
 */
const IO =
  "^(node:)?(fs|fs/promises|net|http|https|http2|child_process|cluster|dgram|worker_threads|tls|dns)$|^(level|classic-level|ethers|express|hardhat|pino|prom-client|helmet|cors|express-rate-limit|@foundry-rs/anvil)($|/)";
const CORE = "^src/core/";
const API = "^src/api/";
const PORTS = "^src/(ports/|hub/ports\\.ts$)";
const SERVICES = "^src/(services|hub/services)/";
const ADAPTERS = "^src/(adapters|hub/adapters|hub/routes)/";

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Modules form no cycle.", from: { path: "^src/" }, to: { circular: true } },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "core imports no module with I/O.",
      from: { path: CORE },
      to: { dependencyTypesNot: ["type-only"], path: IO },
    },
    {
      name: "core-imports-core",
      severity: "error",
      comment: "core imports only core.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "api-imports-core",
      severity: "error",
      comment: "the API's declarations import only core and themselves (the client, the hub and the console import them).",
      from: { path: API },
      to: { path: "^src/", pathNot: `${CORE}|${API}` },
    },
    { name: "api-no-io", severity: "error", comment: "the API's declarations are pure: no I/O module.", from: { path: API }, to: { path: IO } },
    {
      name: "ports-import-core",
      severity: "error",
      comment: "ports import only core, api and ports.",
      from: { path: PORTS },
      to: { path: "^src/", pathNot: `${CORE}|${API}|${PORTS}` },
    },
    { name: "ports-no-io", severity: "error", comment: "ports are declarations: no I/O module.", from: { path: PORTS }, to: { path: IO } },
    {
      name: "services-import-core-and-ports",
      severity: "error",
      comment: "services import only core, ports and services.",
      from: { path: SERVICES },
      to: { path: "^src/", pathNot: `${CORE}|${API}|${PORTS}|${SERVICES}` },
    },
    { name: "services-no-io", severity: "error", comment: "services reach I/O only through ports.", from: { path: SERVICES }, to: { path: IO } },
    {
      name: "adapters-never-import-services",
      severity: "error",
      comment: "an adapter implements or calls a port, never a service.",
      from: { path: ADAPTERS },
      to: { path: SERVICES },
    },
    {
      name: "client-imports-core-and-ports",
      severity: "error",
      comment: "the client SDK is core, api, ports and its own files.",
      from: { path: "^src/client/" },
      to: { path: "^src/", pathNot: `${CORE}|${API}|${PORTS}|^src/client/` },
    },
    {
      name: "verify-package-is-self-contained",
      severity: "error",
      comment: "the verifier package compiles only itself and src/core.",
      from: { path: "^packages/verify/src/" },
      to: { path: "^(src|packages)/", pathNot: "^(src/core|packages/verify/src)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|artifacts|cache|packages/verify/dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
