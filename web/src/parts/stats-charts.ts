/** ECharts options for the statistics page, from the API's answers as they are (gaps filled with the zeros they mean). */
import { t } from "../i18n.ts";
import { num, period } from "../format.ts";
import type { Flow, Group } from "../types.ts";

type Option = Record<string, unknown>;

const PALETTE = ["#0b4f6c", "#c8553d", "#3a7d44", "#8e5572", "#d08c15", "#2f6690", "#7d8491", "#a23b72", "#5b8e7d", "#6a4c93"];

/** Every day (or month) from `from` to `to`, inclusive. */
export function periods(from: string, to: string, granularity: "day" | "month"): string[] {
  const out: string[] = [];
  if (granularity === "month") {
    let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
    const end = to.slice(0, 7);
    for (;;) {
      const key = `${y}-${String(m).padStart(2, "0")}`;
      if (key > end) break;
      out.push(key);
      [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
    }
    return out;
  }
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

/** Usage over time: exchanges as bars, records as a line on their own axis. */
export function usageOption(groups: readonly Group[], from: string, to: string, granularity: "day" | "month"): Option {
  const by = new Map(groups.map((g) => [g.key, g]));
  const keys = periods(from, to, granularity);
  const ex = t("stats.exchanges");
  const rec = t("stats.records");
  return {
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    legend: { data: [ex, rec], top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: keys.map(period) },
    yAxis: [
      { type: "value", name: ex, minInterval: 1, axisLabel: { formatter: (v: number) => num(v) } },
      { type: "value", name: rec, splitLine: { show: false }, axisLabel: { formatter: (v: number) => num(v) } },
    ],
    series: [
      { name: ex, type: "bar", data: keys.map((k) => by.get(k)?.exchanges ?? 0), itemStyle: { color: "#0b4f6c" } },
      {
        name: rec,
        type: "line",
        yAxisIndex: 1,
        data: keys.map((k) => by.get(k)?.records ?? 0),
        itemStyle: { color: "#c8553d" },
        showSymbol: keys.length <= 62,
      },
    ],
  };
}

/** Top datasets by exchanges, the most used first (at the top). */
export function topOption(groups: readonly Group[]): Option {
  const rows = [...groups].reverse();
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (v: number) => num(v) } },
    yAxis: { type: "category", data: rows.map((g) => g.key), axisLabel: { width: 170, overflow: "truncate" } },
    series: [
      {
        name: t("stats.exchanges"),
        type: "bar",
        data: rows.map((g) => g.exchanges),
        itemStyle: { color: "#0b4f6c" },
        label: { show: true, position: "right", formatter: (p: { value: number }) => num(p.value) },
      },
    ],
  };
}

/**
 * Department-to-department flow as a Sankey: providers on the left, consumers
 * on the right (a department that does both appears on each side, so flows
 * both ways never make the cycle a Sankey cannot draw).
 */
export function flowOption(flows: readonly Flow[]): Option {
  const names = new Set<string>();
  for (const f of flows) names.add(`p:${f.provider}`).add(`c:${f.consumer}`);
  // One colour per department, on both sides.
  const departments = [...new Set([...names].map((n) => n.slice(2)))].sort();
  const colour = (name: string) => PALETTE[departments.indexOf(name.slice(2)) % PALETTE.length];
  return {
    tooltip: {
      trigger: "item",
      formatter: (p: { dataType: string; name: string; value: number; data: { source?: string; target?: string } }) =>
        p.dataType === "edge" ? `${p.data.source!.slice(2)} → ${p.data.target!.slice(2)}: ${num(p.value)}` : `${p.name.slice(2)}: ${num(p.value)}`,
    },
    series: [
      {
        type: "sankey",
        left: 8,
        right: 90,
        top: 8,
        bottom: 8,
        nodeGap: 6,
        emphasis: { focus: "adjacency" },
        label: { formatter: (p: { name: string }) => p.name.slice(2) },
        lineStyle: { color: "gradient", opacity: 0.45 },
        data: [...names].map((name) => ({ name, itemStyle: { color: colour(name) } })),
        links: flows.map((f) => ({ source: `p:${f.provider}`, target: `c:${f.consumer}`, value: f.exchanges })),
      },
    ],
  };
}
