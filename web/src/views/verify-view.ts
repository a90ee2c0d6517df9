/**
 * The Verify page: paste a receipt (or a provenance bundle), or drop or pick
 * its file, and it is checked in this page against the chain's RPC, pinned
 * to the chain id, contract and log id of /v1/info. Open to everyone: it
 * needs no token, only the chain.
 */
import { LitElement, css, html, nothing } from "lit";
import { LangController, t } from "../i18n.ts";
import { short } from "../format.ts";
import { getInfo } from "../store.ts";
import { shared } from "../styles.ts";
import type { Info } from "../types.ts";
import { parseJson, verifyJson, type Outcome } from "../parts/verifier.ts";
import "../parts/verdict.ts";

export class DxVerifyView extends LitElement {
  static properties = { info: { state: true }, outcome: { state: true }, busy: { state: true }, over: { state: true } };
  declare info: Info | undefined;
  declare outcome: Outcome | undefined;
  declare busy: boolean;
  declare over: boolean;
  static styles = [
    shared,
    css`
      .drop {
        border: 2px dashed var(--dx-line);
        border-radius: 8px;
        padding: 1rem;
      }
      .drop.over {
        border-color: var(--dx-accent);
        background: #e8f1f5;
      }
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.2rem 0.75rem;
        margin: 0;
        font-size: 0.9rem;
      }
      dt {
        color: var(--dx-muted);
      }
      dd {
        margin: 0;
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.busy = false;
    this.over = false;
  }

  connectedCallback() {
    super.connectedCallback();
    void getInfo().then((info) => (this.info = info));
  }

  render() {
    const i = this.info;
    return html`<h1>${t("verify.title")}</h1>
      <p class="muted">${t("verify.intro")}</p>
      <div class="grid">
        <section
          class="card drop ${this.over ? "over" : ""}"
          aria-labelledby="paste-h"
          @dragover=${(e: DragEvent) => {
            e.preventDefault();
            this.over = true;
          }}
          @dragleave=${() => (this.over = false)}
          @drop=${this.#drop}
        >
          <h2 id="paste-h">${t("verify.pasteTitle")}</h2>
          <label
            >${t("verify.pasteLabel")}
            <textarea id="receipt" rows="10" spellcheck="false" placeholder='{"v":1,"entry":…}'></textarea>
          </label>
          <div class="row">
            <button id="verify" @click=${this.#verifyPasted} ?disabled=${this.busy || !i}>${t("verify.button")}</button>
            <label>${t("verify.fileLabel")}<input id="file" type="file" accept="application/json,.json" @change=${this.#pick} /></label>
          </div>
          <p class="muted">${t("verify.dropHint")}</p>
        </section>
        <section class="card" aria-labelledby="pins-h">
          <h2 id="pins-h">${t("verify.pinsTitle")}</h2>
          ${
            i
              ? html`<dl>
                    <dt>${t("verify.rpc")}</dt>
                    <dd class="mono">${i.rpcUrl}</dd>
                    <dt>${t("verify.chainId")}</dt>
                    <dd class="mono">${i.chainId}</dd>
                    <dt>${t("verify.contract")}</dt>
                    <dd class="mono" title=${i.contract}>${short(i.contract, 8)}</dd>
                    <dt>${t("verify.logId")}</dt>
                    <dd class="mono" title=${i.logId}>${short(i.logId, 8)}</dd>
                  </dl>
                  <p class="muted">${t("verify.pinsNote")}</p>`
              : nothing
          }
        </section>
      </div>
      <section class="card" aria-labelledby="result-h" ?hidden=${!this.outcome && !this.busy}>
        <h2 id="result-h">${t("verify.result")}</h2>
        <dx-verdict .outcome=${this.outcome} ?busy=${this.busy}></dx-verdict>
      </section>`;
  }

  async #run(text: string) {
    const info = this.info ?? (await getInfo());
    const parsed = parseJson(text);
    this.busy = true;
    this.outcome = parsed.ok ? await verifyJson(parsed.json, info) : { kind: "error", message: t("verify.notJson", { message: parsed.message }) };
    this.busy = false;
  }

  #verifyPasted = () => this.#run(this.renderRoot.querySelector<HTMLTextAreaElement>("#receipt")!.value);

  #pick = async (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) await this.#load(f);
  };

  #drop = async (e: DragEvent) => {
    e.preventDefault();
    this.over = false;
    const f = e.dataTransfer?.files[0];
    if (f) await this.#load(f);
    else if (e.dataTransfer?.getData("text")) await this.#run(e.dataTransfer.getData("text"));
  };

  async #load(f: File) {
    const text = await f.text();
    this.renderRoot.querySelector<HTMLTextAreaElement>("#receipt")!.value = text;
    await this.#run(text);
  }
}
customElements.define("dx-verify-view", DxVerifyView);
