import { expect } from "chai";
import { csvField, neutralise, toCsv } from "../../src/core/csv.ts";

describe("core/csv: RFC 4180, and no formula ever reaches a spreadsheet (OWASP CSV injection)", () => {
  it("prefixes text cells that start with = + - @ TAB or CR with a quote", () => {
    const cases: Array<[string, string]> = [
      ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
      ["+1+2", "'+1+2"],
      ["-2+3", "'-2+3"],
      ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
      ["\t=1+1", "'\t=1+1"],
      ["\r=1+1", `"'\r=1+1"`],
      ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ];
    for (const [cell, want] of cases) expect(csvField(cell), JSON.stringify(cell)).to.equal(want);
  });

  it("leaves ordinary text and numbers alone (a negative number stays a number)", () => {
    expect(csvField("benefit eligibility")).to.equal("benefit eligibility");
    expect(csvField("a=b")).to.equal("a=b");
    expect(csvField('audit, "special"')).to.equal('"audit, ""special"""');
    expect(csvField(-3)).to.equal("-3");
    expect(csvField(42)).to.equal("42");
    expect(neutralise("")).to.equal("");
  });

  it("neutralises the header row and every row, with CRLF line ends", () => {
    expect(
      toCsv(
        ["purpose", "exchanges"],
        [
          ["=1+1", 2],
          ["ok", -1],
        ],
      ),
    ).to.equal("purpose,exchanges\r\n'=1+1,2\r\nok,-1\r\n");
  });
});
