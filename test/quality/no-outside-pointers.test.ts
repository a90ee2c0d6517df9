/**
 * Issue 19 item 4: the repository is complete in itself. The normative
 * specification is docs/spec.md (a clone has nothing beside it), so no tracked
 * file may point at the old external contract, and docs/spec.md keeps the
 * section numbers §1–§9 (and §9.1) that "SPEC §N" comments in the code cite.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

// Built from parts so that this file does not name what it looks for.
const SHARED = ["..", "shared"].join("/");
const ABSOLUTE_SHARED = ["", "work", "shared"].join("/");
const OLD_NAME = ["SPEC", "md"].join(".");
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const OUTSIDE: readonly RegExp[] = [
  new RegExp(`${escape(SHARED)}\\b`), // a path out of the clone
  new RegExp(`${escape(ABSOLUTE_SHARED)}\\b`), // the same, absolute
  new RegExp(`\\b${escape(OLD_NAME)}\\b`), // the old file's name (docs/spec.md is lower case)
];

function trackedTextFiles(): string[] {
  const r = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout
    .split("\0")
    .filter((path) => path !== "" && existsSync(join(root, path)) && statSync(join(root, path)).isFile())
    .filter((path) => !readFileSync(join(root, path)).includes(0));
}

/** Every `path:line: text` where a tracked file points outside the repository. */
export function outsidePointers(): string[] {
  const found: string[] = [];
  for (const path of trackedTextFiles()) {
    readFileSync(join(root, path), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) found.push(`${path}:${String(i + 1)}: ${line.trim()}`);
      });
  }
  return found;
}

describe("no pointer outside the repository (issue 19)", () => {
  it("no tracked file points at the external contract: docs/spec.md is the specification", () => {
    const files = trackedTextFiles();
    expect(files.length).to.be.greaterThan(100);
    expect(outsidePointers()).to.deep.equal([]);
    expect(files).to.include("docs/spec.md");
  });

  it("the check is not vacuous: each form of an outside pointer is caught", () => {
    const lines = [`see ${SHARED}/${OLD_NAME}`, `at ${ABSOLUTE_SHARED}/vectors`, `per ${OLD_NAME} §5`];
    expect(lines.map((l) => OUTSIDE.some((re) => re.test(l)))).to.deep.equal([true, true, true]);
    expect(OUTSIDE.some((re) => re.test("see docs/spec.md §5 and SPEC §8"))).to.equal(false);
  });

  it("docs/spec.md has sections §1–§9 in order, and §9.1, which SPEC §N comments cite", () => {
    const spec = readFileSync(join(root, "docs", "spec.md"), "utf8");
    const numbers = [...spec.matchAll(/^## (\d+)\. \S/gm)].map((m) => Number(m[1]));
    expect(numbers).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(spec).to.match(/^### 9\.1 \S/m);
  });
});
