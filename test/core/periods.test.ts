import { expect } from "chai";
import { splitByMonths } from "../../src/core/periods.ts";

describe("core/periods", () => {
  it("splits a day range into whole months and edge days", () => {
    expect(splitByMonths("2025-01-01", "2025-12-31")).to.deep.equal({ days: [], months: ["2025-01", "2025-12"] });
    expect(splitByMonths("2025-01-15", "2025-03-10")).to.deep.equal({ days: [["2025-01-15", "2025-01-31"], ["2025-03-01", "2025-03-10"]], months: ["2025-02", "2025-02"] });
    expect(splitByMonths("2025-01-15", "2025-01-20")).to.deep.equal({ days: [["2025-01-15", "2025-01-20"]], months: null });
    expect(splitByMonths("2024-02-01", "2024-02-29")).to.deep.equal({ days: [], months: ["2024-02", "2024-02"] });
    expect(splitByMonths("2025-12-31", "2026-01-31")).to.deep.equal({ days: [["2025-12-31", "2025-12-31"]], months: ["2026-01", "2026-01"] });
    expect(splitByMonths("2025-02-03", "2025-03-02")).to.deep.equal({ days: [["2025-02-03", "2025-03-02"]], months: null });
  });
});
