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
  it("files stay small (≤ 300 lines)", () => {
    const big = files(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const)
      .filter(([, n]) => n > 300);
    expect(big).to.deep.equal([]);
  });
});
