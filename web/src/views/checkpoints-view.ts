/**
 * Checkpoints (everyone, no token needed): the anchoring health of /v1/info
 * and /readyz, and the latest checkpoints with the transactions that anchored
 * them. Refreshes itself every 15 s while shown.
 */
import { LitElement, css, html, nothing } from "lit";
import { LangController, t } from "../i18n.ts";
import { duration, instant, num, short } from "../format.ts";
import { getInfo, latestCheckpoints } from "../store.ts";
import { shared } from "../styles.ts";
import type { Checkpoint, Info } from "../types.ts";

export class DxCheckpointsView extends LitElement {
  static properties = { info: { state: true }, ready: { state: true }, checkpoints: { state: true }, error: { state: true } };
  declare info: Info | undefined;
  declare ready: { status: string; checks: Record<string, boolean | string> } | undefined;
  declare checkpoints: Checkpoint[] | undefined;
  declare error: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  static styles = [
    shared,
    css`
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
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
  }

  connectedCallback() {
    super.connectedCallback();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), 15_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async refresh() {
    try {
      const [info, cps] = await Promise.all([getInfo(true), latestCheckpoints(20)]);
      this.info = info;
      this.checkpoints = cps;
      // /readyz answers 503 with the same body while writes would be refused.
      const r = await fetch("/readyz", { cache: "no-store" });
      this.ready = (await r.json()) as typeof this.ready;
      this.error = undefined;
    } catch (e) {
      this.error = String(e);
    }
  }

  render() {
    return html`<h1>${t("cp.title")}</h1>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <div class="grid">${this.#health()}${this.#chain()}</div>
      ${this.#list()}`;
  }

  #health() {
    const a = this.info?.anchoring;
    if (!a || !this.info) return html`<section class="card"><p class="muted">${t("common.loading")}</p></section>`;
    const ok = this.ready?.status === "ready";
    const problems = Object.entries(this.ready?.checks ?? {}).filter(([, v]) => v !== true);
    return html`<section class="card" id="health" aria-labelledby="health-h" data-ready=${String(ok)}>
      <div class="spread">
        <h2 id="health-h">${t("cp.health")}</h2>
        <span class="badge ${ok ? "ok" : "bad"}">${ok ? t("cp.ready") : t("cp.notReady")}</span>
      </div>
      <dl>
        <dt>${t("cp.treeSize")}</dt>
        <dd>${num(this.info.treeSize)}</dd>
        <dt>${t("cp.anchoredSize")}</dt>
        <dd>${num(a.anchoredSize)}</dd>
        <dt>${t("cp.pending")}</dt>
        <dd>${num(a.pending)}${a.pending ? ` · ${t("cp.oldest", { age: duration(a.oldestPendingAgeMs) })}` : ""}</dd>
        <dt>${t("cp.chainHead")}</dt>
        <dd>${a.chainHead === null ? "—" : num(a.chainHead)}${a.chainCheckedAt ? ` · ${instant(a.chainCheckedAt)}` : ""}</dd>
        <dt>${t("cp.lastError")}</dt>
        <dd class=${a.lastError ? "bad" : ""}>${a.lastError ? `${a.lastError.kind}: ${a.lastError.message} (${instant(a.lastError.at)})` : t("cp.none")}</dd>
        ${
          a.lostCheckpoints
            ? html`<dt>${t("cp.lost")}</dt>
                <dd class="warn">${num(a.lostCheckpoints)}</dd>`
            : nothing
        }
        ${
          a.halted
            ? html`<dt>${t("cp.halted")}</dt>
                <dd class="bad">${a.halted.reason}</dd>`
            : nothing
        }
      </dl>
      ${
        problems.length
          ? html`<ul>
              ${problems.map(([k, v]) => html`<li class="bad">${k}: ${String(v)}</li>`)}
            </ul>`
          : nothing
      }
    </section>`;
  }

  #chain() {
    const i = this.info;
    if (!i) return nothing;
    return html`<section class="card" aria-labelledby="chain-h">
      <h2 id="chain-h">${t("cp.chain")}</h2>
      <dl>
        <dt>${t("cp.log")}</dt>
        <dd>${i.logName}</dd>
        <dt>${t("verify.chainId")}</dt>
        <dd class="mono">${i.chainId}</dd>
        <dt>${t("verify.contract")}</dt>
        <dd class="mono">${i.contract}</dd>
        <dt>${t("verify.logId")}</dt>
        <dd class="mono">${i.logId}</dd>
        <dt>${t("verify.rpc")}</dt>
        <dd class="mono">${i.rpcUrl}</dd>
      </dl>
    </section>`;
  }

  #list() {
    const cps = this.checkpoints;
    return html`<section class="card" id="checkpoints" aria-labelledby="list-h">
      <div class="spread">
        <h2 id="list-h">${t("cp.latest")}</h2>
        <button class="secondary" @click=${() => this.refresh()}>${t("cp.refresh")}</button>
      </div>
      ${
        !cps
          ? html`<p class="muted">${t("common.loading")}</p>`
          : !cps.length
            ? html`<p>${t("cp.noneYet")}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="list-h">
                <table>
                  <thead>
                    <tr>
                      <th scope="col" class="n">${t("cp.index")}</th>
                      <th scope="col" class="n">${t("cp.size")}</th>
                      <th scope="col">${t("cp.root")}</th>
                      <th scope="col">${t("cp.tx")}</th>
                      <th scope="col" class="n">${t("cp.block")}</th>
                      <th scope="col">${t("cp.anchoredAt")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${cps.map(
                      (c) =>
                        html`<tr data-index=${c.index}>
                          <th scope="row" class="n">${num(c.index)}</th>
                          <td class="n">${num(c.treeSize)}</td>
                          <td class="mono" title=${c.rootHash}>${short(c.rootHash)}</td>
                          <td class="mono" title=${c.txHash}>${short(c.txHash)}</td>
                          <td class="n">${num(c.blockNumber)}</td>
                          <td>${instant(c.anchoredAt)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }
    </section>`;
  }
}
customElements.define("dx-checkpoints-view", DxCheckpointsView);
