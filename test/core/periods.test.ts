import { expect } from "chai";
import { splitPeriods } from "../../src/core/periods.ts";

describe("core/periods", () => {
  it("splits a day range into whole years, whole months and edge days", () => {
    expect(splitPeriods("2025-01-01", "2025-12-31")).to.deep.equal({ days: [], months: [], years: ["2025", "2025"] });
    expect(splitPeriods("2025-01-15", "2025-03-10")).to.deep.equal({ days: [["2025-01-15", "2025-01-31"], ["2025-03-01", "2025-03-10"]], months: [["2025-02", "2025-02"]], years: null });
    expect(splitPeriods("2025-01-15", "2025-01-20")).to.deep.equal({ days: [["2025-01-15", "2025-01-20"]], months: [], years: null });
    expect(splitPeriods("2024-02-01", "2024-02-29")).to.deep.equal({ days: [], months: [["2024-02", "2024-02"]], years: null });
    expect(splitPeriods("2025-12-31", "2026-01-31")).to.deep.equal({ days: [["2025-12-31", "2025-12-31"]], months: [["2026-01", "2026-01"]], years: null });
    expect(splitPeriods("2025-02-03", "2025-03-02")).to.deep.equal({ days: [["2025-02-03", "2025-03-02"]], months: [], years: null });
    expect(splitPeriods("2023-11-20", "2026-02-10")).to.deep.equal({
      days: [["2023-11-20", "2023-11-30"], ["2026-02-01", "2026-02-10"]],
      months: [["2023-12", "2023-12"], ["2026-01", "2026-01"]],
      years: ["2024", "2025"],
    });
    expect(splitPeriods("2024-01-01", "2025-06-30")).to.deep.equal({ days: [], months: [["2025-01", "2025-06"]], years: ["2024", "2024"] });
  });
});
