/**
 * <dx-chart .option=${…} label="…">: one ECharts instance, resized with its
 * box. To assistive technology it is one image whose name is `label`; every
 * chart's numbers are also in a table next to it. Tooltips draw on the canvas
 * (renderMode "richText"): no HTML, so no inline style the CSP would refuse.
 */
import { LitElement, css, html } from "lit";
import type { EChartsType } from "echarts/core";

type Option = Record<string, unknown>;

export class DxChart extends LitElement {
  static properties = { option: { attribute: false }, label: {}, tall: { type: Boolean } };
  declare option: Option | undefined;
  declare label: string;
  declare tall: boolean;
  #chart: EChartsType | undefined;
  #resize: ResizeObserver | undefined;
  /** Test hook: how many times an option was drawn. */
  drawn = 0;

  static styles = css`
    :host {
      display: block;
    }
    .c {
      width: 100%;
      height: 300px;
    }
    :host([tall]) .c {
      height: 420px;
    }
  `;

  constructor() {
    super();
    this.label = "";
    this.tall = false;
  }

  render() {
    return html`<div class="c" role="img" aria-label=${this.label}></div>`;
  }

  updated(): void {
    void this.#show();
  }

  async #show(): Promise<void> {
    if (!this.option) return;
    if (!this.#chart) await this.#init();
    this.#draw();
  }

  /** Loads ECharts (its own chunk) and creates the chart, unless another update did so meanwhile or the element left the page. */
  async #init(): Promise<void> {
    const { echarts } = await import("./echarts.ts");
    if (this.#chart || !this.isConnected) return;
    this.#chart = echarts.init(this.renderRoot.querySelector(".c"), undefined, { renderer: "canvas" });
    this.#resize = new ResizeObserver(() => this.#chart?.resize());
    this.#resize.observe(this);
    this.#chart.on("click", (p) => this.dispatchEvent(new CustomEvent("dx-chart-click", { detail: p, bubbles: true, composed: true })));
  }

  #draw(): void {
    if (!this.#chart || !this.option) return;
    const base = { animation: false, textStyle: { fontFamily: getComputedStyle(this).fontFamily }, tooltip: { renderMode: "richText", confine: true } };
    this.#chart.setOption(
      { ...base, ...this.option, tooltip: { ...base.tooltip, ...((this.option.tooltip as Option | undefined) ?? {}) } },
      { notMerge: true },
    );
    this.drawn++;
    this.setAttribute("data-drawn", String(this.drawn));
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#chart?.dispose();
    this.#chart = undefined;
  }
}
customElements.define("dx-chart", DxChart);
