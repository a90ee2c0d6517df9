/**
 * Statistics (regulators, auditors, admins): usage over time, top datasets
 * and the department-to-department flow, for a date range, a granularity, up
 * to two filters and "as of" any anchored checkpoint. Every figure is the
 * API's answer; each chart's CSV button downloads the same query as CSV.
 * The range opens on the days the data spans (parts/data-span.ts); the flow
 * Sankey draws the N largest flows and the rest as one (N in the address:
 * `#/stats?flows=N`).
 */
import { LitElement, css, html, nothing } from "lit";
import { ApiError, download, getJson, withQuery } from "../api.ts";
import { LangController, t } from "../i18n.ts";
import { day, instant, num, period } from "../format.ts";
import { latestCheckpoints } from "../store.ts";
import { shared } from "../styles.ts";
import type { Checkpoint, FlowsAnswer, Group, UsageAnswer } from "../types.ts";
import { DEFAULT_TOP_FLOWS, flowOption, topFlows, topOption, usageOption } from "../parts/stats-charts.ts";
import { DAILY_UP_TO_DAYS, dataSpan, lastMonth, spanDays, type Span } from "../parts/data-span.ts";
import "../parts/chart.ts";

const FILTERS = ["dataset", "provider", "consumer", "purpose"] as const;
type Filter = (typeof FILTERS)[number];
interface Query extends Record<Filter, string> {
  from: string;
  to: string;
  granularity: "day" | "month";
  asOf: string;
}

/** The largest number of flows the Sankey may be asked to draw one by one. */
const MAX_TOP_FLOWS = 500;

/** N of `#/stats?flows=N`, if it is a whole number from 1 to MAX_TOP_FLOWS; else the default. */
function topFlowsAsked(): number {
  const n = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("flows"));
  return Number.isInteger(n) && n >= 1 && n <= MAX_TOP_FLOWS ? n : DEFAULT_TOP_FLOWS;
}

/** The question over `span`: per day up to DAILY_UP_TO_DAYS days, else per month. */
const over = (span: Span): Pick<Query, "from" | "to" | "granularity"> => ({
  ...span,
  granularity: spanDays(span) <= DAILY_UP_TO_DAYS ? "day" : "month",
});

export class DxStatsView extends LitElement {
  static properties = {
    q: { state: true },
    usage: { state: true },
    top: { state: true },
    flows: { state: true },
    checkpoints: { state: true },
    error: { state: true },
    loading: { state: true },
    suggest: { state: true },
    flowsTop: { state: true },
  };
  declare q: Query;
  declare usage: UsageAnswer | undefined;
  declare top: UsageAnswer | undefined;
  declare flows: FlowsAnswer | undefined;
  declare checkpoints: Checkpoint[];
  declare error: string | undefined;
  declare loading: boolean;
  declare suggest: Record<Filter, string[]>;
  declare flowsTop: number;
  static styles = [
    shared,
    css`
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 150px), 1fr));
        gap: 0.6rem;
        align-items: end;
      }
      .asof {
        font-size: 0.95rem;
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.q = { ...over(lastMonth()), asOf: "", dataset: "", provider: "", consumer: "", purpose: "" };
    this.flowsTop = topFlowsAsked();
    this.checkpoints = [];
    this.loading = false;
    this.suggest = { dataset: [], provider: [], consumer: [], purpose: [] };
  }

  connectedCallback() {
    super.connectedCallback();
    void this.#start();
    void this.#loadChoices();
  }

  /** Opens on the days the data spans (the last 30 days when there is none, or the span cannot be read). */
  async #start() {
    this.loading = true;
    const span = await dataSpan().catch(() => undefined);
    this.q = { ...this.q, ...over(span ?? lastMonth()) };
    await this.#load();
  }

  /** Draws the `n` largest flows, and keeps `n` in the address (replaced, not a new history entry). */
  #setTopFlows = (e: Event) => {
    const n = (e.target as HTMLInputElement).valueAsNumber;
    if (!Number.isInteger(n) || n < 1 || n > MAX_TOP_FLOWS) return;
    this.flowsTop = n;
    const [path = "#/stats", query = ""] = location.hash.split("?");
    const params = new URLSearchParams(query);
    params.set("flows", String(n));
    history.replaceState(history.state, "", `${path}?${params}`);
  };

  async #loadChoices() {
    const wide = { from: "2000-01-01", to: `${new Date().getUTCFullYear() + 1}-12-31` };
    const [cps, deps, ds, ps] = await Promise.allSettled([
      latestCheckpoints(100),
      getJson<{ departments: Array<{ id: string }> }>("/v1/departments"),
      getJson<UsageAnswer>(withQuery("/v1/stats/top", { ...wide, by: "dataset", limit: 500 })),
      getJson<UsageAnswer>(withQuery("/v1/stats/top", { ...wide, by: "purpose", limit: 100 })),
    ]);
    if (cps.status === "fulfilled") this.checkpoints = cps.value;
    const ids = deps.status === "fulfilled" ? deps.value.departments.map((d) => d.id) : [];
    this.suggest = {
      dataset: ds.status === "fulfilled" ? ds.value.groups.map((g) => g.key) : [],
      provider: ids,
      consumer: ids,
      purpose: ps.status === "fulfilled" ? ps.value.groups.map((g) => g.key) : [],
    };
  }

  #paths() {
    const { from, to, asOf, granularity } = this.q;
    const common = { from, to, asOf };
    const filters = Object.fromEntries(FILTERS.map((f) => [f, this.q[f].trim()]));
    return {
      usage: withQuery("/v1/stats/usage", { ...common, groupBy: granularity, ...filters }),
      top: withQuery("/v1/stats/top", { ...common, by: "dataset", limit: 10 }),
      flows: withQuery("/v1/stats/flows", common),
    };
  }

  async #load() {
    this.loading = true;
    this.error = undefined;
    const p = this.#paths();
    try {
      [this.usage, this.top, this.flows] = await Promise.all([getJson<UsageAnswer>(p.usage), getJson<UsageAnswer>(p.top), getJson<FlowsAnswer>(p.flows)]);
    } catch (e) {
      this.error = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
    } finally {
      this.loading = false;
    }
  }

  #submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const get = (k: string) => {
      const v = f.get(k);
      return typeof v === "string" ? v : "";
    };
    this.q = {
      from: get("from"),
      to: get("to"),
      granularity: get("granularity") === "day" ? "day" : "month",
      asOf: get("asOf"),
      dataset: get("dataset"),
      provider: get("provider"),
      consumer: get("consumer"),
      purpose: get("purpose"),
    };
    void this.#load();
  };

  #csv(which: "usage" | "top" | "flows") {
    const path = this.#paths()[which];
    void download(
      `${path}${path.includes("?") ? "&" : "?"}format=csv`,
      `dxledger-${which}-${this.q.from}-${this.q.to}${this.q.asOf ? `-cp${this.q.asOf}` : ""}.csv`,
    ).catch((e: unknown) => (this.error = String(e)));
  }

  render() {
    const q = this.q;
    return html`<h1>${t("stats.title")}</h1>
      <section class="card" aria-labelledby="q-h">
        <h2 id="q-h">${t("stats.query")}</h2>
        <form @submit=${this.#submit}>
          <label>${t("stats.from")}<input type="date" name="from" .value=${q.from} required /></label>
          <label>${t("stats.to")}<input type="date" name="to" .value=${q.to} required /></label>
          <label
            >${t("stats.granularity")}
            <select name="granularity">
              <option value="day" ?selected=${q.granularity === "day"}>${t("stats.day")}</option>
              <option value="month" ?selected=${q.granularity === "month"}>${t("stats.month")}</option>
            </select></label
          >
          <label
            >${t("stats.asOf")}
            <select name="asOf">
              <option value="" ?selected=${q.asOf === ""}>${t("stats.live")}</option>
              ${this.checkpoints.map((c) => html`<option value=${c.index} ?selected=${q.asOf === String(c.index)}>${t("stats.checkpointOption", { n: c.index, size: num(c.treeSize), at: instant(c.anchoredAt) })}</option>`)}
            </select></label
          >
          ${FILTERS.map(
            (f) =>
              html`<label
                >${t(`stats.filter.${f}`)}
                <input name=${f} list="${f}-list" .value=${q[f]} autocomplete="off" placeholder=${t("stats.any")} />
                <datalist id="${f}-list">${this.suggest[f].map((v) => html`<option value=${v}></option>`)}</datalist></label
              >`,
          )}
          <button type="submit" ?disabled=${this.loading}>${t("stats.apply")}</button>
        </form>
        <p class="muted">${t("stats.filterNote")}</p>
      </section>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.usage ? this.#summary(this.usage) : html`<p role="status" class="muted">${t("common.loading")}</p>`}
      <div class="grid">${this.usage ? this.#usageCard(this.usage) : nothing} ${this.top ? this.#topCard(this.top) : nothing}</div>
      ${this.flows ? this.#flowCard(this.flows) : nothing}`;
  }

  #summary(u: UsageAnswer) {
    const cp = u.asOf.checkpoint;
    return html`<section
      class="card"
      aria-labelledby="sum-h"
      id="summary"
      data-exchanges=${u.total.exchanges}
      data-records=${u.total.records}
      data-checkpoint=${cp ?? ""}
    >
      <h2 id="sum-h">${t("stats.summary", { from: day(u.from), to: day(u.to) })}</h2>
      <div class="totals">
        <div>${t("stats.exchanges")}<strong>${num(u.total.exchanges)}</strong></div>
        <div>${t("stats.records")}<strong>${num(u.total.records)}</strong></div>
      </div>
      <p class="asof" id="asof">
        ${cp === null ? t("stats.asOfLive", { size: num(u.asOf.treeSize) }) : t("stats.asOfCheckpoint", { n: cp, size: num(u.asOf.treeSize) })}
      </p>
    </section>`;
  }

  #table(label: string, head: string[], rows: Array<Array<string | number>>) {
    return html`<details>
      <summary>${t("stats.showTable")}</summary>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${label}>
        <table>
          <thead>
            <tr>
              ${head.map((h, i) => html`<th scope="col" class=${i ? "n" : ""}>${h}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr>
                  ${r.map((c, i) => (i ? html`<td class="n">${typeof c === "number" ? num(c) : c}</td>` : html`<th scope="row">${c}</th>`))}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
  }

  #head(id: string, title: string, which: "usage" | "top" | "flows", ex: number, rec: number) {
    return html`<div class="spread">
        <h2 id=${id}>${title}</h2>
        <button class="secondary" @click=${() => this.#csv(which)} aria-label=${t("stats.csvFor", { chart: title })}>${t("stats.csv")}</button>
      </div>
      <p class="muted" data-role="chart-total" data-exchanges=${ex} data-records=${rec}>${t("stats.chartTotal", { ex: num(ex), rec: num(rec) })}</p>`;
  }

  #usageCard(u: UsageAnswer) {
    const title = t("stats.usageTitle");
    return html`<section class="card" id="usage" aria-labelledby="usage-h">
      ${this.#head("usage-h", title, "usage", u.total.exchanges, u.total.records)}
      <dx-chart
        .option=${usageOption(u.groups, u.from, u.to, u.groupBy === "day" ? "day" : "month")}
        label=${`${title}: ${t("stats.chartTotal", { ex: num(u.total.exchanges), rec: num(u.total.records) })}`}
      ></dx-chart>
      ${this.#table(
        title,
        [t("stats.period"), t("stats.exchanges"), t("stats.records")],
        u.groups.map((g: Group) => [period(g.key), g.exchanges, g.records]),
      )}
    </section>`;
  }

  #topCard(u: UsageAnswer) {
    const title = t("stats.topTitle");
    const ex = u.groups.reduce((s, g) => s + g.exchanges, 0);
    const rec = u.groups.reduce((s, g) => s + g.records, 0);
    return html`<section class="card" id="top" aria-labelledby="top-h">
      ${this.#head("top-h", title, "top", ex, rec)}
      ${u.groups.length ? html`<dx-chart .option=${topOption(u.groups)} label=${`${title}: ${u.groups.map((g) => `${g.key} ${num(g.exchanges)}`).join(", ")}`}></dx-chart>` : html`<p>${t("stats.noData")}</p>`}
      ${this.#table(
        title,
        [t("stats.filter.dataset"), t("stats.exchanges"), t("stats.records")],
        u.groups.map((g) => [g.key, g.exchanges, g.records]),
      )}
    </section>`;
  }

  #flowCard(f: FlowsAnswer) {
    const title = t("stats.flowTitle");
    const ex = f.flows.reduce((s, x) => s + x.exchanges, 0);
    const rec = f.flows.reduce((s, x) => s + x.records, 0);
    const view = topFlows(f.flows, this.flowsTop);
    const option = flowOption(view);
    const links = (option.series as Array<{ links: Array<{ value: number }> }>)[0]!.links;
    return html`<section
      class="card"
      id="flows"
      aria-labelledby="flows-h"
      data-links=${links.length}
      data-link-exchanges=${links.reduce((s, l) => s + l.value, 0)}
    >
      ${this.#head("flows-h", title, "flows", ex, rec)}
      <div class="row">
        <label
          >${t("stats.flowTopN")}
          <input id="flows-top" type="number" min="1" max=${MAX_TOP_FLOWS} step="1" .value=${String(this.flowsTop)} @change=${this.#setTopFlows}
        /></label>
      </div>
      ${
        f.flows.length
          ? html`<p class="muted" id="flows-shown">
                ${
                  view.rest.flows
                    ? t("stats.flowShown", {
                        n: num(view.shown.length),
                        total: num(f.flows.length),
                        rest: num(view.rest.flows),
                        ex: num(view.rest.exchanges),
                        others: t("stats.flowOthers"),
                      })
                    : t("stats.flowAll", { total: num(f.flows.length) })
                }
              </p>
              <dx-chart
                tall
                .option=${option}
                label=${`${title}: ${view.shown.map((x) => `${x.provider} → ${x.consumer} ${num(x.exchanges)}`).join(", ")}${
                  view.rest.flows ? `, ${t("stats.flowOthers")} ${num(view.rest.exchanges)}` : ""
                }`}
              ></dx-chart>`
          : html`<p>${t("stats.noData")}</p>`
      }
      ${this.#table(
        title,
        [t("stats.flow"), t("stats.exchanges"), t("stats.records")],
        f.flows.map((x) => [`${x.provider} → ${x.consumer}`, x.exchanges, x.records]),
      )}
    </section>`;
  }
}
customElements.define("dx-stats-view", DxStatsView);
