/** The machine's own Node and npm (20 here), as a user outside this repository has them. */
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The machine's own Node: the first `node` on PATH outside any node_modules (the pinned Node 24 lives in node_modules). */
export function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, "node");
    if (dir.includes("node_modules") || !existsSync(p)) continue;
    try {
      accessSync(p, constants.X_OK);
    } catch {
      continue;
    }
    if (!realpathSync(p).includes("node_modules")) return p;
  }
  throw new Error("no system node on PATH");
}

/** The environment of a shell outside this repository: the system Node first on PATH, no npm_* variables of the test run. */
export function outsideEnv(nodeDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith("npm_")) env[k] = v;
  env.PATH = [nodeDir, ...(process.env.PATH ?? "").split(delimiter).filter((d) => !d.includes("node_modules"))].join(delimiter);
  delete env.RPC_URL;
  return env;
}
