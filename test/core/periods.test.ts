import { expect } from "chai";
import fc from "fast-check";
import { daysInMonth, isUtcDay, splitPeriods } from "../../src/core/periods.ts";

/** Naive reference: every day of [from, to], by Date arithmetic (years ≥ 1000 only, where Date is plain). */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00.000Z`); t <= Date.parse(`${to}T00:00:00.000Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Every day a split covers, expanded. */
function covered(s: ReturnType<typeof splitPeriods>): string[] {
  const out: string[] = [];
  for (const [a, b] of s.days) out.push(...daysOf(a, b));
  for (const [a, b] of s.months) out.push(...daysOf(`${a}-01`, `${b}-${String(daysInMonth(Number(b.slice(0, 4)), Number(b.slice(5, 7)))).padStart(2, "0")}`));
  if (s.years) out.push(...daysOf(`${s.years[0]}-01-01`, `${s.years[1]}-12-31`));
  return out.sort();
}

describe("core/periods", () => {
  it("splits a day range into whole years, whole months and edge days", () => {
    expect(splitPeriods("2025-01-01", "2025-12-31")).to.deep.equal({ days: [], months: [], years: ["2025", "2025"] });
    expect(splitPeriods("2025-01-15", "2025-03-10")).to.deep.equal({
      days: [
        ["2025-01-15", "2025-01-31"],
        ["2025-03-01", "2025-03-10"],
      ],
      months: [["2025-02", "2025-02"]],
      years: null,
    });
    expect(splitPeriods("2025-01-15", "2025-01-20")).to.deep.equal({ days: [["2025-01-15", "2025-01-20"]], months: [], years: null });
    expect(splitPeriods("2024-02-01", "2024-02-29")).to.deep.equal({ days: [], months: [["2024-02", "2024-02"]], years: null });
    expect(splitPeriods("2025-12-31", "2026-01-31")).to.deep.equal({ days: [["2025-12-31", "2025-12-31"]], months: [["2026-01", "2026-01"]], years: null });
    expect(splitPeriods("2025-02-03", "2025-03-02")).to.deep.equal({ days: [["2025-02-03", "2025-03-02"]], months: [], years: null });
    expect(splitPeriods("2023-11-20", "2026-02-10")).to.deep.equal({
      days: [
        ["2023-11-20", "2023-11-30"],
        ["2026-02-01", "2026-02-10"],
      ],
      months: [
        ["2023-12", "2023-12"],
        ["2026-01", "2026-01"],
      ],
      years: ["2024", "2025"],
    });
    expect(splitPeriods("2024-01-01", "2025-06-30")).to.deep.equal({ days: [], months: [["2025-01", "2025-06"]], years: ["2024", "2024"] });
  });

  it("knows which days exist: impossible months and days are refused", () => {
    for (const bad of [
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "2026-01-32",
      "2026-02-29",
      "2026-02-30",
      "2026-04-31",
      "1900-02-29",
      "2026-1-01",
      "2026-01-1",
      "26-01-01",
      "2026/01/01",
      "2026-01-01T00:00:00Z",
      "",
      " 2026-01-01",
      "２０２６-01-01",
    ]) {
      expect(isUtcDay(bad), bad).to.equal(false);
    }
    for (const good of ["2024-02-29", "2000-02-29", "2026-12-31", "0000-01-01", "0050-06-15", "9999-12-31"]) expect(isUtcDay(good), good).to.equal(true);
  });

  it("refuses impossible input instead of answering garbage", () => {
    expect(() => splitPeriods("2026-13-01", "2026-14-01")).to.throw(RangeError);
    expect(() => splitPeriods("2026-02-30", "2026-03-01")).to.throw(RangeError);
    expect(() => splitPeriods("2026-03-01", "2026-01-01")).to.throw(RangeError);
  });

  it("stays in four-digit years at both ends of the calendar (no Date.UTC 19xx mapping)", () => {
    expect(splitPeriods("0050-03-04", "0052-01-31")).to.deep.equal({
      days: [["0050-03-04", "0050-03-31"]],
      months: [
        ["0050-04", "0050-12"],
        ["0052-01", "0052-01"],
      ],
      years: ["0051", "0051"],
    });
    expect(splitPeriods("9999-12-05", "9999-12-31")).to.deep.equal({ days: [["9999-12-05", "9999-12-31"]], months: [], years: null });
    expect(splitPeriods("0000-01-01", "9999-12-31")).to.deep.equal({ days: [], months: [], years: ["0000", "9999"] });
  });

  it("covers every day of the range exactly once (property, against a day-by-day reference)", () => {
    const day = fc
      .date({ min: new Date("1999-01-01T00:00:00Z"), max: new Date("2031-12-31T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(covered(splitPeriods(from, to))).to.deep.equal(daysOf(from, to));
      }),
      { seed: 9, numRuns: 100 },
    );
  });
});
