/** ECharts, only the parts the console draws (tree-shaken; loaded on first chart). */
import * as echarts from "echarts/core";
import { BarChart, GraphChart, LineChart, SankeyChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, SankeyChart, GraphChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
