/**
 * A dataset's lineage as an ECharts graph: the dataset in the middle, what it
 * was derived from to the left (one column per step of `derivedFrom`), what
 * was derived from it to the right; every arrow points from source to the
 * dataset derived from it.
 */
import type { LineageEdge } from "../types.ts";

type Option = Record<string, unknown>;

/** Width over height the drawing aims at. */
const ASPECT = 1.6;

export function lineageOption(dataset: string, upstream: readonly LineageEdge[], downstream: readonly LineageEdge[]): Option {
  const depth = new Map<string, number>([[dataset, 0]]);
  for (const e of upstream) if (!depth.has(e.source)) depth.set(e.source, -e.depth);
  for (const e of downstream) if (!depth.has(e.dataset)) depth.set(e.dataset, e.depth);
  const perColumn = new Map<number, number>();
  for (const d of depth.values()) perColumn.set(d, (perColumn.get(d) ?? 0) + 1);
  // Columns one unit apart; rows spaced so the drawing's aspect is near a wide box's (ECharts then
  // keeps one scale for both axes: circles stay circles).
  const columns = Math.max(...perColumn.keys()) - Math.min(...perColumn.keys());
  const tallest = Math.max(...perColumn.values());
  const rowStep = tallest > 1 ? Math.min(1, Math.max(0.3, columns / ASPECT / (tallest - 1))) : 1;
  const rows = new Map<number, number>();
  const nodes = [...depth].map(([name, d]) => {
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    const centre = d === 0;
    return {
      name,
      x: d,
      y: (row - ((perColumn.get(d) ?? 1) - 1) / 2) * rowStep,
      symbolSize: centre ? 22 : 14,
      itemStyle: { color: centre ? "#c8553d" : d < 0 ? "#0b4f6c" : "#3a7d44" },
      label: { show: true, position: "bottom", fontWeight: centre ? "bold" : "normal" },
    };
  });
  const seen = new Set<string>();
  const links = [...upstream, ...downstream]
    .filter((e) => !seen.has(`${e.source}\u0000${e.dataset}`) && seen.add(`${e.source}\u0000${e.dataset}`))
    .map((e) => ({ source: e.source, target: e.dataset }));
  return {
    tooltip: { trigger: "item" },
    series: [
      {
        type: "graph",
        layout: "none",
        roam: true,
        preserveAspect: true,
        nodeScaleRatio: 0,
        data: nodes,
        links,
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 9,
        lineStyle: { color: "#6b7b8c", width: 1.5, curveness: 0.08 },
        label: { fontSize: 12 },
        emphasis: { focus: "adjacency" },
        left: 90,
        right: 90,
        top: 30,
        bottom: 40,
      },
    ],
  };
}
