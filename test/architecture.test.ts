import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dirname, "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const importsOf = (f: string): string[] => [...readFileSync(f, "utf8").matchAll(/(?:import|export)[^;]*?from\s+["']([^"']+)["']/g)].map((m) => m[1]!);

describe("architecture", () => {
  it("src/core is pure: no fs, net, child processes, level, ethers or express", () => {
    const banned = /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|worker_threads)$|^(level|classic-level|ethers|express|hardhat)/;
    const offenders: string[] = [];
    for (const f of files(join(SRC, "core"))) {
      for (const spec of importsOf(f)) {
        if (banned.test(spec) || spec.includes("/adapters/") || spec.includes("/services/")) offenders.push(`${relative(SRC, f)} → ${spec}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
  it("services depend on ports, not on express", () => {
    const offenders = files(join(SRC, "services")).flatMap((f) =>
      importsOf(f)
        .filter((s) => /^express|\/http\//.test(s))
        .map((s) => `${relative(SRC, f)} → ${s}`),
    );
    expect(offenders).to.deep.equal([]);
  });
  it("functions stay small: ESLint holds max-lines-per-function and complexity over the code, each exception inline with its reason", async () => {
    const { ESLint } = await import("eslint");
    const eslint = new ESLint({ cwd: join(SRC, "..") });
    for (const f of ["src/server.ts", "packages/verify/src/receipt.ts", "scripts/demo/city.ts", "web/src/main.ts"]) {
      const rules = ((await eslint.calculateConfigForFile(f)) as { rules: Record<string, unknown> }).rules;
      expect(rules["max-lines-per-function"], f).to.deep.equal([2, { max: 80, skipBlankLines: true, skipComments: true }]);
      expect(rules.complexity, f).to.deep.equal([2, 20]);
    }
    const root = join(SRC, "..");
    const code = [...files(SRC), ...files(join(root, "packages/verify/src")), ...files(join(root, "scripts")), ...files(join(root, "web/src"))];
    const unexplained = code.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => /eslint-disable.*(max-lines-per-function|complexity)/.test(l) && !/ -- \S/.test(l))
        .map((l) => `${relative(root, f)}: ${l.trim()}`),
    );
    expect(unexplained).to.deep.equal([]);
  });
});
