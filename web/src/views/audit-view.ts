/**
 * Audit: find a dataset, read its provenance — every exchange in order, its
 * lineage both ways as a graph — and verify any exchange's receipt in the
 * page against the chain; auditors and admins also see the exchanges still
 * waiting for their consumer's acknowledgement. A department sees only its
 * own exchanges (the API filters; the console shows what it gets).
 */
import { LitElement, css, html, nothing } from "lit";
import { ApiError, getJson, withQuery } from "../api.ts";
import { LangController, t } from "../i18n.ts";
import { instant, num } from "../format.ts";
import { getInfo } from "../store.ts";
import { shared } from "../styles.ts";
import { may, type ExchangeItem, type Kind, type MissingAck, type Provenance, type UsageAnswer } from "../types.ts";
import { verifyJson, type Outcome } from "../parts/verifier.ts";
import { lineageOption } from "../parts/lineage-chart.ts";
import "../parts/chart.ts";
import "../parts/verdict.ts";

interface Ref {
  provider: string;
  id: string;
}
const keyOf = (r: Ref) => `${r.provider}/${r.id}`;

export class DxAuditView extends LitElement {
  static properties = {
    kind: { attribute: false },
    asked: {},
    prov: { state: true },
    missing: { state: true },
    missingNext: { state: true },
    datasets: { state: true },
    error: { state: true },
    verdicts: { state: true },
    busy: { state: true },
  };
  declare kind: Kind | undefined;
  /** The dataset the URL asks for (`#/audit?dataset=…`). */
  declare asked: string;
  declare prov: Provenance | undefined;
  declare missing: MissingAck[] | undefined;
  declare missingNext: string | null;
  declare datasets: string[];
  declare error: string | undefined;
  declare verdicts: ReadonlyMap<string, Outcome>;
  declare busy: ReadonlySet<string>;
  static styles = [
    shared,
    css`
      ol.timeline {
        list-style: none;
        margin: 0;
        padding: 0 0 0 1rem;
        border-left: 3px solid var(--dx-line);
      }
      ol.timeline > li {
        position: relative;
        padding: 0.4rem 0 0.8rem 0.6rem;
      }
      ol.timeline > li::before {
        content: "";
        position: absolute;
        left: -1.45rem;
        top: 0.75rem;
        width: 0.7rem;
        height: 0.7rem;
        border-radius: 50%;
        background: var(--dx-accent);
      }
      .who {
        font-weight: 600;
      }
      .facts {
        font-size: 0.85rem;
        color: var(--dx-muted);
      }
      dx-verdict {
        margin-top: 0.5rem;
      }
      form.search {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      form.search label {
        flex: 1 1 16rem;
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.asked = "";
    this.datasets = [];
    this.missingNext = null;
    this.verdicts = new Map();
    this.busy = new Set();
  }

  connectedCallback() {
    super.connectedCallback();
    if (may.stats(this.kind)) {
      const wide = { from: "2000-01-01", to: `${new Date().getUTCFullYear() + 1}-12-31`, by: "dataset", limit: 1000 };
      getJson<UsageAnswer>(withQuery("/v1/stats/top", wide)).then(
        (a) => (this.datasets = a.groups.map((g) => g.key).sort()),
        () => undefined,
      );
    }
    if (may.missingAcks(this.kind)) void this.#loadMissing();
  }

  willUpdate(changed: Map<string, unknown>) {
    if (changed.has("asked") && this.asked && this.asked !== this.prov?.dataset) void this.#open(this.asked);
  }

  /** The next page of missing acknowledgements (the API's own `next` link), or the first. */
  async #loadMissing(next?: string) {
    try {
      const page = await getJson<{ exchanges: MissingAck[]; next: string | null }>(next ?? withQuery("/v1/acknowledgements/missing", { limit: 25 }));
      this.missing = next ? [...(this.missing ?? []), ...page.exchanges] : page.exchanges;
      this.missingNext = page.next;
    } catch (e) {
      this.error = String(e);
    }
  }

  async #open(dataset: string, after?: number) {
    this.error = undefined;
    try {
      const page = await getJson<Provenance>(withQuery(`/v1/datasets/${encodeURIComponent(dataset)}/provenance`, { after, limit: 20 }));
      this.prov = after !== undefined && this.prov ? { ...page, exchanges: [...this.prov.exchanges, ...page.exchanges] } : page;
      if (after === undefined) location.hash = `#/audit?dataset=${encodeURIComponent(dataset)}`;
    } catch (e) {
      this.error = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
    }
  }

  #search = (e: Event) => {
    e.preventDefault();
    const raw = new FormData(e.target as HTMLFormElement).get("dataset");
    const v = typeof raw === "string" ? raw.trim() : "";
    if (v) void this.#open(v);
  };

  async #verify(r: Ref) {
    const k = keyOf(r);
    this.busy = new Set([...this.busy, k]);
    let outcome: Outcome;
    try {
      const receipt = await getJson<unknown>(`/v1/exchanges/${encodeURIComponent(r.provider)}/${encodeURIComponent(r.id)}/receipt`);
      outcome = await verifyJson(receipt, await getInfo());
    } catch (e) {
      outcome = {
        kind: "error",
        message: e instanceof ApiError && e.code === "NOT_YET_ANCHORED" ? t("audit.notAnchored") : String(e instanceof Error ? e.message : e),
      };
    }
    this.verdicts = new Map([...this.verdicts, [k, outcome]]);
    this.busy = new Set([...this.busy].filter((x) => x !== k));
  }

  #verifyButton(r: Ref, label: string) {
    const k = keyOf(r);
    return html`<button
        class="secondary"
        data-verify=${k}
        ?disabled=${this.busy.has(k)}
        @click=${() => this.#verify(r)}
        aria-label=${t("audit.verifyLabel", { what: label })}
      >
        ${t("audit.verify")}
      </button>
      ${this.busy.has(k) || this.verdicts.has(k) ? html`<dx-verdict data-for=${k} .outcome=${this.verdicts.get(k)} ?busy=${this.busy.has(k)}></dx-verdict>` : nothing}`;
  }

  render() {
    return html`<h1>${t("audit.title")}</h1>
      <section class="card" aria-labelledby="search-h">
        <h2 id="search-h">${t("audit.search")}</h2>
        <form class="search" @submit=${this.#search}>
          <label
            >${t("audit.datasetLabel")}
            <input name="dataset" list="datasets" .value=${this.prov?.dataset ?? this.asked} autocomplete="off" placeholder="tax/income-2025" required
          /></label>
          <datalist id="datasets">${this.datasets.map((d) => html`<option value=${d}></option>`)}</datalist>
          <button type="submit">${t("audit.open")}</button>
        </form>
        ${this.datasets.length ? html`<p class="muted">${t("audit.known", { n: num(this.datasets.length) })}</p>` : nothing}
      </section>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing} ${this.prov ? this.#provenance(this.prov) : nothing}
      ${may.missingAcks(this.kind) ? this.#missing() : nothing}`;
  }

  #provenance(p: Provenance) {
    const { upstream, downstream, truncated } = p.lineage;
    const edges = [...upstream, ...downstream];
    return html`<div class="grid">
      <section class="card" id="lineage" aria-labelledby="lineage-h">
        <h2 id="lineage-h">${t("audit.lineage", { dataset: p.dataset })}</h2>
        <p class="muted">${t("audit.lineageNote", { up: num(upstream.length), down: num(downstream.length) })}${truncated ? ` ${t("audit.truncated")}` : ""}</p>
        <dx-chart
          tall
          .option=${lineageOption(p.dataset, upstream, downstream)}
          label=${t("audit.lineageAlt", { dataset: p.dataset, n: num(edges.length) })}
          @dx-chart-click=${(e: CustomEvent<{ dataType?: string; name?: string }>) => e.detail.dataType === "node" && e.detail.name && e.detail.name !== p.dataset && this.#open(e.detail.name)}
        ></dx-chart>
        <details>
          <summary>${t("audit.edges")}</summary>
          <ul class="plain" id="edges">
            ${edges.map((e) => html`<li data-edge="${e.source}->${e.dataset}"><button class="secondary" @click=${() => this.#open(e.source)}>${e.source}</button> → <button class="secondary" @click=${() => this.#open(e.dataset)}>${e.dataset}</button></li>`)}
          </ul>
        </details>
      </section>
      <section class="card" id="timeline" aria-labelledby="timeline-h">
        <h2 id="timeline-h">${t("audit.timeline")}</h2>
        <p class="muted">
          ${p.origin ? t("audit.origin", { at: instant(p.origin.occurredAt), provider: p.origin.provider, consumer: p.origin.consumer }) : t("audit.noExchanges")}
        </p>
        <ol class="timeline">
          ${p.exchanges.map((x) => this.#exchange(x))}
        </ol>
        ${p.next ? html`<button class="secondary" @click=${() => this.#open(p.dataset, p.exchanges[p.exchanges.length - 1]!.seq)}>${t("audit.more")}</button>` : nothing}
      </section>
    </div>`;
  }

  #exchange(x: ExchangeItem) {
    const label = `${x.provider} → ${x.consumer}, ${x.id}`;
    return html`<li data-seq=${x.seq}>
      <div class="who">${x.provider} → ${x.consumer}</div>
      <div class="facts">
        ${instant(x.occurredAt)} · ${x.purpose} · ${t("audit.recordCount", { n: num(x.recordCount) })} · <span class="mono">${x.id}</span>
      </div>
      <div class="facts">
        <span class="badge ${x.status === "anchored" ? "ok" : "warn"}"
          >${x.status === "anchored" ? t("audit.anchored", { n: x.checkpoint?.index ?? "?" }) : t("audit.pending")}</span
        >
        <span class="badge ${x.acknowledgedBySeq === null ? "warn" : "ok"}"
          >${x.acknowledgedBySeq === null ? t("audit.unacknowledged") : t("audit.acknowledged")}</span
        >
        ${x.derivedFrom.length ? html`${t("audit.derivedFrom")} ${x.derivedFrom.join(", ")}` : nothing}
      </div>
      ${this.#verifyButton(x, label)}
    </li>`;
  }

  #missing() {
    const m = this.missing;
    return html`<section class="card" id="missing" aria-labelledby="missing-h">
      <h2 id="missing-h">${t("audit.missing")}</h2>
      <p class="muted">${t("audit.missingNote")}</p>
      ${
        !m
          ? html`<p class="muted">${t("common.loading")}</p>`
          : !m.length
            ? html`<p>${t("audit.noneMissing")}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="missing-h">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t("audit.exchange")}</th>
                      <th scope="col">${t("stats.filter.dataset")}</th>
                      <th scope="col">${t("audit.occurred")}</th>
                      <th scope="col">${t("audit.receipt")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${m.map(
                      (x) =>
                        html`<tr data-seq=${x.seq}>
                          <td>
                            ${x.provider} → ${x.consumer}
                            <div class="mono">${x.id}</div>
                          </td>
                          <td><button class="secondary" @click=${() => this.#open(x.dataset)}>${x.dataset}</button></td>
                          <td>${instant(x.occurredAt)}</td>
                          <td>${this.#verifyButton(x, `${x.provider} → ${x.consumer}, ${x.id}`)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }
      ${this.missingNext ? html`<p><button class="secondary" @click=${() => this.#loadMissing(this.missingNext!)}>${t("audit.more")}</button></p>` : nothing}
    </section>`;
  }
}
customElements.define("dx-audit-view", DxAuditView);
