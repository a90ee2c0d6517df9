/**
 * Issue 13: the TypeScript passes ESLint (eslint.config.js: typescript-eslint
 * strictTypeChecked + stylisticTypeChecked, type-aware) with no finding, and is
 * formatted as Prettier (.prettierrc.json) would write it.
 *
 * CHECKED is the whole tree: the configs' ignore lists decide what is skipped
 * (build output, generated files, fixtures, prose), exactly as for
 * `npm run lint` and `npm run format:check`.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

/** The files and folders checked, relative to the repository root. */
export const CHECKED: readonly string[] = ["."];

function run(tool: string, args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(root, "node_modules", tool), ...args, ...CHECKED], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe("lint and format", function () {
  this.timeout(300_000);

  it("ESLint finds nothing", () => {
    const r = run("eslint/bin/eslint.js", ["--max-warnings", "0", "--no-warn-ignored"]);
    expect(r.status, r.output).to.equal(0);
  });

  it("Prettier would change nothing", () => {
    const r = run("prettier/bin/prettier.cjs", ["--check", "--log-level", "warn"]);
    expect(r.status, `${r.output}\n(run: npm run format)`).to.equal(0);
  });
});
