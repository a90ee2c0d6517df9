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
  // Issue 18 item 15: both were 条记录. A log entry (an exchange or an acknowledgement) is 日志条目 / 条目;
  // a record count (recordCount, data records in an exchange) is 数据记录.
  it("keeps log entries and data records apart in Chinese: entries are 条目, records 数据记录", () => {
    const keys = Object.keys(en) as Array<keyof typeof en>;
    const entries = keys.filter((k) => /\bentr(y|ies)\b/i.test(en[k]));
    const records = keys.filter((k) => /\brecords?\b/i.test(en[k]) && !/\bentr(y|ies)\b/i.test(en[k]));
    expect(entries).to.include.members(["stats.asOfLive", "stats.asOfCheckpoint", "stats.checkpointOption", "cp.treeSize"]);
    expect(records).to.include.members(["stats.records", "stats.chartTotal", "audit.recordCount"]);
    for (const k of entries) expect(zh[k], `zh ${k}`).to.contain("条目").and.not.contain("记录");
    for (const k of records) expect(zh[k], `zh ${k}`).to.contain("数据记录");
  });
});
