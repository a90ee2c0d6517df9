/**
 * The layering of CONTRIBUTING.md, checked by dependency-cruiser with the
 * rules in .dependency-cruiser.cjs (no exceptions listed there): core is pure,
 * services import only core and ports, adapters never import services, no
 * cycles. A failure prints every offending import.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

function cruise(): { violations: Violation[]; modules: number } {
  const r = spawnSync(process.execPath, [depcruise, "src", "packages/verify/src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.error, String(r.error)).to.equal(undefined);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: out.summary.violations, modules: out.summary.totalCruised };
}

describe("layering (dependency-cruiser)", function () {
  this.timeout(120_000);

  it("every import respects the layers, and the rules list no exception", async () => {
    const { violations, modules } = cruise();
    expect(modules).to.be.greaterThan(150);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).to.deep.equal([]);
    // Exceptions would be rules below "error", an `allowed` list, or a baseline of known violations: there are none.
    const config = (await import(join(root, ".dependency-cruiser.cjs"))) as {
      default: { forbidden: Array<{ name: string; severity: string }>; allowed?: unknown; options: Record<string, unknown> };
    };
    expect(config.default.forbidden.filter((r) => r.severity !== "error").map((r) => r.name)).to.deep.equal([]);
    expect(config.default.allowed).to.equal(undefined);
    expect(config.default.options.knownViolations).to.equal(undefined);
    expect(existsSync(join(root, ".dependency-cruiser-known-violations.json"))).to.equal(false);
  });

  it("the check is not vacuous: a service importing an adapter, and core importing level, are caught", () => {
    const dir = mkdtempSync(join(tmpdir(), "dxl-layering-"));
    try {
      const file = (path: string, text: string) => {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      file("tsconfig.json", JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, module: "nodenext", noEmit: true } }));
      file("src/adapters/leveldb/store.ts", "export const store = 1;\n");
      file("src/services/stats.ts", 'import { store } from "../adapters/leveldb/store.ts";\nexport const n = store;\n');
      file("src/core/pure.ts", 'import { Level } from "level";\nexport const L = Level;\n');
      const r = spawnSync(process.execPath, [depcruise, "src", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "json"], {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
      });
      const out = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
      expect(out.summary.violations.map((v) => `${v.rule.name}: ${v.from}`).sort()).to.deep.equal([
        "core-is-pure: src/core/pure.ts",
        "services-import-core-and-ports: src/services/stats.ts",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
