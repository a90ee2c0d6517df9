/**
 * Federation (everyone, no token needed): every log of the ledger from
 * GET /v1/federation — the chain's directory (name, operator, gateway URL,
 * anchorer), each log's latest checkpoint on chain, and its gateway's health
 * as that gateway reports it — with this gateway's own log (the logId of
 * /v1/info) marked. Refreshes itself every 30 s while shown, and on demand.
 */
import { LitElement, css, html, nothing } from "lit";
import { getJson } from "../api.ts";
import { LangController, t } from "../i18n.ts";
import { duration, instant, num, short } from "../format.ts";
import { getInfo } from "../store.ts";
import { shared } from "../styles.ts";
import type { Federation, FederationLog } from "../types.ts";

/** The URL as a link target only when it is http(s): the directory is on chain and anyone bound may write it. */
function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export class DxFederationView extends LitElement {
  static properties = { fed: { state: true }, selfLogId: { state: true }, loading: { state: true }, error: { state: true } };
  declare fed: Federation | undefined;
  declare selfLogId: string | undefined;
  declare loading: boolean;
  declare error: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  static styles = [
    shared,
    css`
      .logs {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr));
        gap: 1rem;
      }
      .logs > li {
        margin: 0;
      }
      .logs > li.self {
        border-left: 6px solid var(--dx-accent);
      }
      h2 {
        overflow-wrap: anywhere;
      }
      .badges {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
      }
      .badge.filled-bad {
        background: var(--dx-bad);
        color: #fff;
        border-color: var(--dx-bad);
        font-weight: 600;
      }
      .badge.self {
        background: var(--dx-accent);
        color: var(--dx-accent-fg);
        border-color: var(--dx-accent);
      }
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.25rem 1rem;
        margin: 0;
      }
      dt {
        color: var(--dx-muted);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }
      .summary {
        font-weight: 600;
      }
      @media (max-width: 420px) {
        dl {
          grid-template-columns: minmax(0, 1fr);
          gap: 0 0;
        }
        dd {
          margin-bottom: 0.35rem;
        }
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.loading = false;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), 30_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async refresh() {
    if (this.loading) return;
    this.loading = true;
    try {
      // /v1/federation takes at most the gateways' probe timeout (2 s) beyond the chain reads.
      const [info, fed] = await Promise.all([getInfo(), getJson<Federation>("/v1/federation", null)]);
      this.selfLogId = info.logId;
      this.fed = fed;
      this.error = undefined;
    } catch (e) {
      this.error = String(e);
    } finally {
      this.loading = false;
    }
  }

  render() {
    const fed = this.fed;
    return html`<h1>${t("fed.title")}</h1>
      <p>${t("fed.intro")}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <section class="card" aria-label=${t("fed.summaryTitle")}>
        <div class="spread">
          <p id="summary" class="summary" role="status">${fed ? this.#summary(fed) : t("common.loading")}</p>
          <button id="refresh" class="secondary" ?disabled=${this.loading} aria-busy=${String(this.loading)} @click=${() => this.refresh()}>
            ${t("fed.refresh")}
          </button>
        </div>
        ${
          fed
            ? html`<p class="muted" id="checked-at">${t("fed.checkedAt", { at: instant(fed.checkedAt) })}</p>
                <p class="muted">${t("fed.staleNote", { age: duration(fed.staleAfterS * 1000) })}</p>`
            : nothing
        }
      </section>
      ${
        !fed
          ? nothing
          : !fed.logs.length
            ? html`<p>${t("fed.noLogs")}</p>`
            : html`<ul class="logs" id="logs" aria-label=${t("fed.list")}>
                ${fed.logs.map((l, i) => this.#log(l, i))}
              </ul>`
      }`;
  }

  #summary(fed: Federation): string {
    const stale = fed.logs.filter((l) => l.stale || !l.health.reachable).length;
    const unreachable = fed.logs.filter((l) => !l.health.reachable).length;
    const n = fed.logs.length;
    const s = t(n === 1 ? "fed.summaryOne" : "fed.summaryOther", { n: num(n), stale: num(stale) });
    return unreachable ? `${s} (${t("fed.unreachableCount", { n: num(unreachable) })})` : s;
  }

  // eslint-disable-next-line complexity -- one branch per state a log's row shows
  #log(l: FederationLog, i: number) {
    const self = l.logId === (this.selfLogId ?? this.fed?.selfLogId);
    const h = l.health;
    const cp = l.latestCheckpoint;
    const href = safeHref(l.url);
    const stale = l.stale || !h.reachable;
    return html`<li
      class="card ${self ? "self" : ""}"
      aria-labelledby="log-${i}"
      aria-current=${self ? "true" : "false"}
      data-log-id=${l.logId}
      data-name=${l.name}
      data-self=${String(self)}
      data-stale=${String(stale)}
      data-reachable=${String(h.reachable)}
    >
      <div class="spread">
        <h2 id="log-${i}">${l.name || t("fed.unnamed")}</h2>
        <div class="badges">
          ${self ? html`<span class="badge self">${t("fed.self")}</span>` : nothing}
          ${
            !h.reachable
              ? html`<span class="badge filled-bad status">${t("fed.unreachable")}</span>`
              : stale
                ? html`<span class="badge filled-bad status">${t("fed.stale")}</span>`
                : html`<span class="badge ok status">${t("fed.upToDate")}</span>`
          }
        </div>
      </div>
      <dl>
        <dt>${t("fed.operator")}</dt>
        <dd data-field="operator">${l.operator || t("cp.none")}</dd>
        <dt>${t("fed.url")}</dt>
        <dd data-field="url">
          ${href ? html`<a href=${href} rel="noopener noreferrer">${l.url}</a>` : l.url ? html`<span class="mono">${l.url}</span>` : html`<span class="muted">${t("fed.noUrl")}</span>`}
        </dd>
        <dt>${t("fed.anchorer")}</dt>
        <dd class="mono" data-field="anchorer">${l.anchorer}</dd>
        <dt>${t("verify.logId")}</dt>
        <dd class="mono" title=${l.logId}>${short(l.logId, 10)}</dd>
        ${
          cp
            ? html`<dt>${t("fed.checkpoint")}</dt>
                <dd data-field="index" data-value=${cp.index}>${num(cp.index)}</dd>
                <dt>${t("cp.size")}</dt>
                <dd data-field="size" data-value=${cp.treeSize}>${num(cp.treeSize)}</dd>
                <dt>${t("cp.block")}</dt>
                <dd data-field="block" data-value=${cp.blockNumber}>${num(cp.blockNumber)}</dd>
                <dt>${t("cp.anchoredAt")}</dt>
                <dd data-field="anchoredAt">${instant(cp.anchoredAt)}</dd>`
            : html`<dt>${t("fed.checkpoint")}</dt>
                <dd data-field="index" class="muted">${t("fed.noCheckpoint")}</dd>`
        }
        <dt>${t("fed.health")}</dt>
        <dd data-field="health" class=${h.reachable ? (h.ready ? "ok" : "warn") : "bad"}>
          ${h.reachable ? `${t("fed.reachable")} · ${h.ready ? t("cp.ready") : t("cp.notReady")}` : t("fed.unreachable")}
        </dd>
        ${
          h.anchoring
            ? html`<dt>${t("cp.pending")}</dt>
                <dd data-field="pending" data-value=${h.anchoring.pending}>
                  ${num(h.anchoring.pending)}${h.anchoring.pending ? ` · ${t("cp.oldest", { age: duration(h.anchoring.oldestPendingAgeMs) })}` : ""}
                </dd>`
            : nothing
        }
        ${
          h.error
            ? html`<dt>${t("fed.error")}</dt>
                <dd data-field="error" class="bad">${h.error}</dd>`
            : nothing
        }
        ${
          l.staleReason
            ? html`<dt>${t("fed.reason")}</dt>
                <dd data-field="reason" class="bad">${l.staleReason}</dd>`
            : nothing
        }
      </dl>
    </li>`;
  }
}
customElements.define("dx-federation-view", DxFederationView);
