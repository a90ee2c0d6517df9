/** The console's two dictionaries: the same keys, no empty text, the same {placeholders} in each. */
import { expect } from "chai";
import { en } from "../../web/src/i18n/en.ts";
import { zh } from "../../web/src/i18n/zh.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("console i18n: English and Chinese", () => {
  it("have exactly the same keys", () => {
    expect(Object.keys(zh).sort()).to.deep.equal(Object.keys(en).sort());
  });
  it("leave no text empty and keep every placeholder", () => {
    for (const [k, v] of Object.entries(en)) {
      const z = (zh as Record<string, string>)[k]!;
      expect(v.trim(), `en ${k}`).to.not.equal("");
      expect(z.trim(), `zh ${k}`).to.not.equal("");
      expect(placeholders(z), `placeholders of ${k}`).to.deep.equal(placeholders(v));
    }
  });
});
