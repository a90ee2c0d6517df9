/**
 * <dx-verdict .outcome=${…}>: a verification's result, step by step — each
 * step's name, ✓ or ✗, its code and the verifier's own message — then the
 * flags an auditor must see even on a valid receipt.
 */
import { LitElement, css, html, nothing } from "lit";
import { LangController, t, type Key } from "../i18n.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import type { Outcome } from "./verifier.ts";
import type { Flag } from "@dxledger/verify";

/** Each flag's words (a new flag of the verifier is a compile error here until it has some). */
const FLAG_TEXT: Record<Flag, () => string> = { SIGNED_WITH_RECOVERED_KEY: () => t("verify.flagRecovered") };

const STEP_KEYS: Record<string, Key> = {
  "leaf-hash": "step.leaf-hash",
  inclusion: "step.inclusion",
  checkpoint: "step.checkpoint",
  signature: "step.signature",
  consistency: "step.consistency",
  "state-proof": "step.state-proof",
};

export class DxVerdict extends LitElement {
  static properties = { outcome: { attribute: false }, busy: { type: Boolean } };
  declare outcome: Outcome | undefined;
  declare busy: boolean;
  static styles = [
    shared,
    css`
      .head {
        font-weight: 700;
        font-size: 1.05rem;
        margin-bottom: 0.5rem;
      }
      ol {
        padding-left: 0;
        list-style: none;
        margin: 0;
      }
      li {
        display: grid;
        grid-template-columns: 1.6rem minmax(0, 1fr);
        gap: 0.1rem 0.4rem;
        padding: 0.35rem 0;
        border-top: 1px solid var(--dx-line);
      }
      .mark {
        font-weight: 700;
        font-size: 1.1rem;
      }
      .msg {
        grid-column: 2;
        font-size: 0.85rem;
        color: var(--dx-muted);
        overflow-wrap: anywhere;
      }
    `,
  ];

  constructor() {
    super();
    new LangController(this);
    this.busy = false;
  }

  render() {
    if (this.busy) return html`<p role="status" class="muted">${t("verify.running")}</p>`;
    const o = this.outcome;
    if (!o) return nothing;
    if (o.kind === "error") return html`<p role="alert" class="error" data-valid="false">${t("verify.error", { message: o.message })}</p>`;
    if (o.kind === "bundle") {
      const v = o.verdict;
      return html`<div role="status" data-valid=${String(v.valid)}>
        <p class="head ${v.valid ? "ok" : "bad"}">
          ${v.valid ? t("verify.bundleValid", { n: num(v.verified) }) : t("verify.bundleInvalid", { n: num(v.invalid.length) })}
        </p>
        <p>${t("verify.bundleSummary", { dataset: v.dataset, receipts: num(v.receipts), pending: num(v.pending.length) })}</p>
        ${v.cannotCheck ? html`<p class="warn">${v.cannotCheck.message}</p>` : nothing}
        ${v.invalid.map(
          (r) =>
            html`<h3>${t("verify.entry", { seq: String(r.seq) })}</h3>
              ${this.#steps(r.checks)}`,
        )}
      </div>`;
    }
    const v = o.verdict;
    const head = o.cannotCheck ? ["warn", t("verify.cannotCheck")] : v.valid ? ["ok", t("verify.valid")] : ["bad", t("verify.invalid")];
    return html`<div role="status" data-valid=${String(v.valid)}>
      <p class="head ${head[0]}">${head[1]}</p>
      ${this.#steps(v.checks)} ${v.flags.map((f) => html`<p class="warn">⚠ ${FLAG_TEXT[f]()}</p>`)}
    </div>`;
  }

  #steps(checks: ReadonlyArray<{ step: string; ok: boolean; code: string; message: string }>) {
    return html`<ol aria-label=${t("verify.steps")}>
      ${checks.map(
        (c) =>
          html`<li data-step=${c.step} data-ok=${String(c.ok)}>
            <span class="mark ${c.ok ? "ok" : c.code === "NOT_CHECKED" ? "muted" : "bad"}" aria-hidden="true"
              >${c.ok ? "✓" : c.code === "NOT_CHECKED" ? "–" : "✗"}</span
            >
            <span
              ><strong>${STEP_KEYS[c.step] ? t(STEP_KEYS[c.step]!) : c.step}</strong>
              <span class="${c.ok ? "ok" : "bad"}">${c.ok ? t("verify.ok") : t("verify.failed")}</span>
              ${c.ok ? nothing : html`<code class="mono">${c.code}</code>`}</span
            >
            <span class="msg">${c.message}</span>
          </li>`,
      )}
    </ol>`;
  }
}
customElements.define("dx-verdict", DxVerdict);
