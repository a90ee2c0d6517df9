/**
 * Issue 19: the HTTP reference of docs/http-api.md is generated from the
 * declared operations (src/api) by scripts/http-reference.ts, and checked
 * here for drift: the block between its markers MUST be what the script
 * renders now, and name every operation exactly once.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { OPERATIONS } from "../../src/api/index.ts";
import type { Operation } from "../../src/api/operation.ts";
import { openApiDocument } from "../../src/adapters/http/openapi/document.ts";
import { HTTP_DOC, TAGS, generatedBlock, httpReference, signature } from "../../scripts/http-reference.ts";

const REGENERATE = "regenerate with: npm run docs:http";
const ops: readonly Operation[] = OPERATIONS;

function block(): string {
  const text = generatedBlock(readFileSync(HTTP_DOC, "utf8"));
  expect(text, "docs/http-api.md has the <!-- http-reference:start --> … <!-- http-reference:end --> block").to.be.a("string");
  return text!;
}

/** The rows of the block's tables: `METHOD path` → its cells after the first. */
function rows(text: string): Array<[string, string[]]> {
  return [...text.matchAll(/^\| `([A-Z]+ [^`]+)` \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!.split(/ (?<!\\)\| /)]);
}

describe("HTTP reference of docs/http-api.md (generated from src/api)", () => {
  it("is what scripts/http-reference.ts renders from the declarations now", () => {
    expect(block(), REGENERATE).to.equal(httpReference());
  });

  it("names every declared operation exactly once, and nothing else", () => {
    const named = rows(block()).map(([sig]) => sig);
    for (const op of ops) expect(named.filter((s) => s === signature(op)).length, `${signature(op)} (${op.id})`).to.equal(1);
    expect(named).to.have.length(ops.length);
  });

  it("fails on a changed declaration (a summary, a role, a query parameter)", () => {
    const changed = (i: number, change: Partial<Operation>) => ops.map((op, j) => (j === i ? { ...op, ...change } : op));
    const i = ops.findIndex((op) => op.query);
    expect(i).to.be.above(-1);
    for (const variant of [changed(0, { summary: `${ops[0]!.summary}, changed` }), changed(i, { who: ["regulator"] }), changed(i, { query: {} })]) {
      expect(httpReference(variant)).to.not.equal(block());
    }
    expect(() => httpReference(changed(0, { tag: "elsewhere" }))).to.throw(/not in TAGS/);
  });

  it("lists the tags and each operation's error statuses as the OpenAPI document does", () => {
    const doc = openApiDocument() as { tags: Array<{ name: string }>; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.tags.map((t) => t.name)).to.deep.equal([...TAGS]);
    const byRow = new Map(rows(block()));
    for (const op of ops) {
      const ok = new Set(op.ok.map((s) => String(s.status)));
      const errors = Object.keys(doc.paths[op.path]![op.method]!.responses).filter((s) => !ok.has(s));
      const cells = byRow.get(signature(op));
      expect(cells, `a row for ${signature(op)}`).to.be.an("array");
      if (!cells) continue;
      expect(cells.at(-1), `errors of ${signature(op)}`).to.equal(errors.join(", "));
      expect(cells[0], `who of ${signature(op)}`).to.equal(typeof op.who === "string" ? op.who : op.who.join(", "));
    }
  });
});
