/**
 * Sign in with a bearer token. The token is checked with GET /v1/whoami and
 * kept in this tab's sessionStorage only (never in a URL); the event
 * "dx-signed-in" carries what the service says the token is.
 */
import { LitElement, html, nothing } from "lit";
import { ApiError, getJson } from "../api.ts";
import { LangController, t } from "../i18n.ts";
import { session } from "../session.ts";
import { shared } from "../styles.ts";
import type { Whoami } from "../types.ts";

export class DxSignIn extends LitElement {
  static properties = { error: { state: true }, busy: { state: true } };
  declare error: string | undefined;
  declare busy: boolean;
  static styles = shared;

  constructor() {
    super();
    new LangController(this);
    this.busy = false;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const input = this.renderRoot.querySelector("input")!;
    const token = input.value.trim();
    if (!token) return;
    this.busy = true;
    this.error = undefined;
    try {
      const who = await getJson<Whoami>("/v1/whoami", token);
      session.set(token);
      input.value = "";
      this.dispatchEvent(new CustomEvent<Whoami>("dx-signed-in", { detail: who, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof ApiError && err.status === 401 ? t("signIn.refused") : String(err);
    } finally {
      this.busy = false;
    }
  };

  render() {
    return html`<h1>${t("signIn.title")}</h1>
      <section class="card" aria-labelledby="si-h">
        <h2 id="si-h">${t("signIn.heading")}</h2>
        <form @submit=${this.#submit}>
          <label>${t("signIn.token")} <input type="password" name="token" autocomplete="off" spellcheck="false" required placeholder="dxl_…" /></label>
          <p><button type="submit" ?disabled=${this.busy}>${t("signIn.button")}</button></p>
        </form>
        ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
        <p class="muted">${t("signIn.note")}</p>
        <ul>
          <li>${t("signIn.roleRegulator")}</li>
          <li>${t("signIn.roleAuditor")}</li>
          <li>${t("signIn.roleDepartment")}</li>
          <li>${t("signIn.roleEveryone")}</li>
        </ul>
      </section>`;
  }
}
customElements.define("dx-sign-in", DxSignIn);
