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

/** How many flows the Sankey draws by default; the rest are drawn as one. */
export const DEFAULT_TOP_FLOWS = 20;

/** The flows a Sankey draws: the `n` largest, and the sum of the rest (drawn as one, so the totals are kept). */
export interface FlowView {
  readonly shown: readonly Flow[];
  readonly rest: { readonly flows: number; readonly exchanges: number; readonly records: number };
}

/** Largest first: by exchanges, then records, then provider and consumer (a stable order for equal flows). */
const larger = (a: Flow, b: Flow) =>
  b.exchanges - a.exchanges || b.records - a.records || a.provider.localeCompare(b.provider) || a.consumer.localeCompare(b.consumer);

/** The `n` largest flows and the rest summed; shown's and rest's exchanges add up to all flows' exchanges. */
export function topFlows(flows: readonly Flow[], n: number): FlowView {
  const sorted = [...flows].sort(larger);
  const others = sorted.slice(n);
  return {
    shown: sorted.slice(0, n),
    rest: { flows: others.length, exchanges: others.reduce((s, f) => s + f.exchanges, 0), records: others.reduce((s, f) => s + f.records, 0) },
  };
}

/** The node of the rest on each side ("*" is no department id). */
const OTHERS = { provider: "p:*", consumer: "c:*" };
const OTHERS_COLOUR = "#9aa0a6";

/**
 * Department-to-department flow as a Sankey: providers on the left, consumers
 * on the right (a department that does both appears on each side, so flows
 * both ways never make the cycle a Sankey cannot draw). Only `view.shown` is
 * drawn flow by flow; the rest is one flow from "others" to "others", so each
 * side still sums to every exchange of the period.
 */
export function flowOption(view: FlowView): Option {
  const links = view.shown.map((f) => ({ source: `p:${f.provider}`, target: `c:${f.consumer}`, value: f.exchanges }));
  if (view.rest.flows > 0) links.push({ source: OTHERS.provider, target: OTHERS.consumer, value: view.rest.exchanges });
  const names = new Set(links.flatMap((l) => [l.source, l.target]));
  const isOthers = (name: string) => name === OTHERS.provider || name === OTHERS.consumer;
  const label = (name: string) => (isOthers(name) ? t("stats.flowOthers") : name.slice(2));
  // One colour per department, on both sides.
  const departments = [...new Set([...names].filter((n) => !isOthers(n)).map((n) => n.slice(2)))].sort();
  const colour = (name: string) => (isOthers(name) ? OTHERS_COLOUR : PALETTE[departments.indexOf(name.slice(2)) % PALETTE.length]);
  return {
    tooltip: {
      trigger: "item",
      formatter: (p: { dataType: string; name: string; value: number; data: { source?: string; target?: string } }) =>
        p.dataType === "edge" ? `${label(p.data.source!)} → ${label(p.data.target!)}: ${num(p.value)}` : `${label(p.name)}: ${num(p.value)}`,
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
        label: { formatter: (p: { name: string }) => label(p.name) },
        lineStyle: { color: "gradient", opacity: 0.45 },
        data: [...names].map((name) => ({ name, itemStyle: { color: colour(name) } })),
        links,
      },
    ],
  };
}
