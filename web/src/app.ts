/**
 * <dx-app>: the console's shell — header, navigation by URL fragment
 * (`#/stats`, `#/audit?dataset=…`, `#/verify`, `#/checkpoints`, `#/federation`, `#/sign-in`),
 * the language switch, sign-in state. A page the token's role may not open is
 * not offered; asked for anyway, it shows the sign-in page or the role's own.
 */
import { LitElement, css, html } from "lit";
import { getJson } from "./api.ts";
import { LANGS, LangController, lang, setLang, t, type Key, type Lang } from "./i18n.ts";
import { session } from "./session.ts";
import { shared } from "./styles.ts";
import { may, type Kind, type Whoami } from "./types.ts";
import "./views/sign-in.ts";
import "./views/stats-view.ts";
import "./views/audit-view.ts";
import "./views/verify-view.ts";
import "./views/checkpoints-view.ts";
import "./views/federation-view.ts";

type Page = "stats" | "audit" | "verify" | "checkpoints" | "federation" | "sign-in";
const PAGES: ReadonlyArray<{ page: Page; key: Key; open: (k: Kind | undefined) => boolean }> = [
  { page: "stats", key: "nav.stats", open: may.stats },
  { page: "audit", key: "nav.audit", open: may.provenance },
  { page: "verify", key: "nav.verify", open: () => true },
  { page: "checkpoints", key: "nav.checkpoints", open: () => true },
  { page: "federation", key: "nav.federation", open: () => true },
];
const LANG_NAMES: Record<Lang, string> = { en: "English", zh: "中文" };

function parseHash(): { page: string; params: URLSearchParams } {
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  return { page: path, params: new URLSearchParams(query) };
}

export class DxApp extends LitElement {
  static properties = { who: { state: true }, route: { state: true }, started: { state: true } };
  declare who: Whoami | undefined;
  declare route: { page: string; params: URLSearchParams };
  declare started: boolean;
  static styles = [
    shared,
    css`
      header {
        background: var(--dx-accent);
        color: var(--dx-accent-fg);
        padding: 0.5rem 1rem;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1.25rem;
      }
      .brand {
        font-weight: 700;
        font-size: 1.1rem;
        margin-right: auto;
      }
      .brand span {
        font-weight: 400;
        opacity: 0.85;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        color: var(--dx-accent-fg);
        text-decoration: none;
        padding: 0.35rem 0.6rem;
        border-radius: 6px;
        display: inline-block;
      }
      nav a[aria-current="page"] {
        background: rgba(255, 255, 255, 0.2);
        font-weight: 600;
      }
      nav a:hover {
        background: rgba(255, 255, 255, 0.12);
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .tools select {
        padding: 0.25rem 0.4rem;
      }
      .role {
        font-size: 0.85rem;
        background: rgba(255, 255, 255, 0.15);
        padding: 0.15rem 0.55rem;
        border-radius: 999px;
      }
      header button,
      header a.button {
        background: transparent;
        border-color: rgba(255, 255, 255, 0.7);
        color: var(--dx-accent-fg);
        padding: 0.25rem 0.7rem;
      }
      main {
        padding: 1rem;
        max-width: 1400px;
        margin: 0 auto;
      }
      @media (max-width: 600px) {
        main {
          padding: 0.6rem;
        }
        header {
          padding: 0.5rem 0.6rem;
        }
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.route = parseHash();
    this.started = false;
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener("hashchange", () => (this.route = parseHash()));
    window.addEventListener("dx-unauthorized", () => this.#signOut());
    void this.#resume();
  }

  /** The session kept from an earlier visit, if its token still answers. */
  async #resume(): Promise<void> {
    const token = session.token();
    if (token) {
      try {
        this.who = await getJson<Whoami>("/v1/whoami", token);
      } catch {
        session.clear();
      }
    }
    this.started = true;
  }

  /** The page to show: the one asked for if the role may open it, else the role's first. */
  #page(): Page {
    const kind = this.who?.role;
    const asked = PAGES.find((p) => p.page === this.route.page);
    if (asked?.open(kind)) return asked.page;
    if (!this.who) return "sign-in";
    return PAGES.find((p) => p.open(kind))!.page;
  }

  #signedIn = (e: CustomEvent<Whoami>) => {
    this.who = e.detail;
    const first = PAGES.find((p) => p.open(e.detail.role))!;
    const asked = PAGES.find((p) => p.page === this.route.page && p.open(e.detail.role));
    location.hash = `#/${(asked ?? first).page}${asked ? (this.route.params.size ? `?${this.route.params}` : "") : ""}`;
  };

  #signOut() {
    session.clear();
    this.who = undefined;
    location.hash = "#/sign-in";
  }

  render() {
    if (!this.started) return html`<main><p role="status">${t("common.loading")}</p></main>`;
    const page = this.#page();
    const kind = this.who?.role;
    return html`<header>
        <div class="brand">dxledger <span>${t("app.console")}</span></div>
        <nav aria-label=${t("app.nav")}>
          <ul>
            ${PAGES.filter((p) => p.open(kind)).map((p) => html`<li><a href="#/${p.page}" aria-current=${page === p.page ? "page" : "false"}>${t(p.key)}</a></li>`)}
          </ul>
        </nav>
        <div class="tools">
          <select id="lang" aria-label=${t("app.language")} @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            ${LANGS.map((l) => html`<option value=${l} ?selected=${lang() === l} lang=${l === "zh" ? "zh-CN" : "en"}>${LANG_NAMES[l]}</option>`)}
          </select>
          ${
            this.who
              ? html`<span class="role" id="role">${t(`role.${this.who.role}`)}${this.who.department ? `: ${this.who.department}` : ""}</span>
                  <button id="sign-out" @click=${() => this.#signOut()}>${t("app.signOut")}</button>`
              : html`<a class="button" id="sign-in-link" href="#/sign-in">${t("app.signIn")}</a>`
          }
        </div>
      </header>
      <main id="main">${this.#view(page, kind)}</main>`;
  }

  #view(page: Page, kind: Kind | undefined) {
    switch (page) {
      case "stats":
        return html`<dx-stats-view></dx-stats-view>`;
      case "audit":
        return html`<dx-audit-view .kind=${kind} .asked=${this.route.params.get("dataset") ?? ""}></dx-audit-view>`;
      case "verify":
        return html`<dx-verify-view></dx-verify-view>`;
      case "checkpoints":
        return html`<dx-checkpoints-view></dx-checkpoints-view>`;
      case "federation":
        return html`<dx-federation-view></dx-federation-view>`;
      default:
        return html`<dx-sign-in @dx-signed-in=${this.#signedIn}></dx-sign-in>`;
    }
  }
}
customElements.define("dx-app", DxApp);
