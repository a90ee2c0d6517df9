/**
 * Issue 19 item 4: docs a newcomer finishes. README.md is a front page of at
 * most 250 lines (what it is, the commands, the demo, one walk-through,
 * links); the manual is in the guides of docs/. Every relative link of
 * README.md and docs/*.md MUST point at a file of the repository, and a link
 * to a heading (`file.md#anchor`, `#anchor`) at a heading that exists, so
 * moving a section cannot leave a link behind.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const README_MAX_LINES = 250;

/** The documents held to the rule: README.md and every markdown file directly in docs/. */
function documents(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f));
  return [join(root, "README.md"), ...docs];
}

/** The text outside fenced code blocks: a link in a code sample is not a link. */
function prose(md: string): string {
  return md.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; a repeated one gets -1, -2 … */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(md).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${String(n)}`);
  }
  return out;
}

/** Every inline link target of a markdown text (images included), outside code blocks. */
export function linkTargets(md: string): string[] {
  return [...prose(md).matchAll(/\]\(<?([^)\s>]+)>?(?: +"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** `doc: target (why)` for each relative link of `file` that points at nothing. */
export function brokenLinks(file: string, md = readFileSync(file, "utf8")): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: — not a file of the repository
    const [path, anchor] = target.split("#", 2) as [string, string | undefined];
    const to = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    const where = `${relative(root, file)}: ${target}`;
    if (!to.startsWith(root + "/") && to !== root) broken.push(`${where} (outside the repository)`);
    else if (!existsSync(to)) broken.push(`${where} (no such file)`);
    else if (anchor !== undefined && to.endsWith(".md") && !anchors(readFileSync(to, "utf8")).has(anchor)) broken.push(`${where} (no such heading)`);
  }
  return broken;
}

describe("docs a newcomer finishes (issue 19)", () => {
  it(`README.md is at most ${String(README_MAX_LINES)} lines`, () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").trimEnd().split("\n").length;
    expect(lines).to.be.at.most(README_MAX_LINES);
  });

  it("every relative link of README.md and docs/*.md points at an existing file (and heading)", () => {
    const docs = documents();
    expect(docs.map((d) => relative(root, d))).to.include.members(["README.md", "docs/operators.md", "docs/auditors.md", "docs/spec.md"]);
    const links = docs.flatMap((d) => linkTargets(readFileSync(d, "utf8")));
    expect(links.length, "links found").to.be.greaterThan(50);
    expect(docs.flatMap((d) => brokenLinks(d))).to.deep.equal([]);
  });

  it("README links every guide of docs/", () => {
    const targets = new Set(linkTargets(readFileSync(join(root, "README.md"), "utf8")).map((t) => t.split("#")[0]));
    const guides = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md"));
    expect(guides.filter((g) => !targets.has(`docs/${g}`))).to.deep.equal([]);
  });

  it("the check is not vacuous: a missing file, a missing heading and a path out of the clone are caught", () => {
    const file = join(root, "docs", "operators.md");
    const md =
      "[a](no-such.md) [b](auditors.md#no-such-heading) [c](../../outside.md) [d](#backups) [e](https://example.org/x)\n\n```\n[g](in-a-block.md)\n```\n";
    expect(brokenLinks(file, md)).to.deep.equal([
      "docs/operators.md: no-such.md (no such file)",
      "docs/operators.md: auditors.md#no-such-heading (no such heading)",
      "docs/operators.md: ../../outside.md (outside the repository)",
    ]);
    expect([...anchors("# Federation: the hub\n## What the ledger refuses, and why\n## Tokens\n## Tokens\n")]).to.deep.equal([
      "federation-the-hub",
      "what-the-ledger-refuses-and-why",
      "tokens",
      "tokens-1",
    ]);
  });
});
