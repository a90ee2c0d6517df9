/**
 * <dx-verdict .outcome=${…}>: a verification's result, step by step — each
 * step's name, its state (✓ ok, ✗ failed, – not checked: the CLI's `skip`,
 * after an earlier failure), for a step not ok its code and the reason in the
 * page's language, and the verifier's own message (English, it names the
 * values compared) — then the flags an auditor must see even on a valid receipt.
 */
import { LitElement, css, html, nothing } from "lit";
import { LangController, t, type Key } from "../i18n.ts";
import { num } from "../format.ts";
import { shared } from "../styles.ts";
import type { Outcome } from "./verifier.ts";
import type { Check, Flag, VerifyCode } from "@dxledger/verify";

/** Each flag's words (a new flag of the verifier is a compile error here until it has some). */
const FLAG_TEXT: Record<Flag, () => string> = { SIGNED_WITH_RECOVERED_KEY: () => t("verify.flagRecovered") };

/** Each failure code's reason in words (a new code of the verifier is a compile error here until it has some). */
const REASON_KEYS: Record<Exclude<VerifyCode, "OK">, Key> = {
  RECEIPT_MALFORMED: "reason.RECEIPT_MALFORMED",
  LEAF_HASH_MISMATCH: "reason.LEAF_HASH_MISMATCH",
  INCLUSION_PROOF_INVALID: "reason.INCLUSION_PROOF_INVALID",
  PIN_MISMATCH: "reason.PIN_MISMATCH",
  WRONG_CHAIN: "reason.WRONG_CHAIN",
  WRONG_CONTRACT: "reason.WRONG_CONTRACT",
  CHECKPOINT_NOT_ON_CHAIN: "reason.CHECKPOINT_NOT_ON_CHAIN",
  CHECKPOINT_MISMATCH: "reason.CHECKPOINT_MISMATCH",
  CONTRACT_REJECTED_INCLUSION: "reason.CONTRACT_REJECTED_INCLUSION",
  SIGNATURE_INVALID: "reason.SIGNATURE_INVALID",
  DEPARTMENT_UNKNOWN: "reason.DEPARTMENT_UNKNOWN",
  SIGNER_NOT_ACTIVE: "reason.SIGNER_NOT_ACTIVE",
  INCONSISTENT_CHECKPOINT: "reason.INCONSISTENT_CHECKPOINT",
  STATE_PROOF_INVALID: "reason.STATE_PROOF_INVALID",
  BLOCK_NOT_TRUSTED: "reason.BLOCK_NOT_TRUSTED",
  NO_STATE_PROOF: "reason.NO_STATE_PROOF",
  RPC_ERROR: "reason.RPC_ERROR",
  NOT_CHECKED: "reason.NOT_CHECKED",
};

/** A check's state as shown: ok, failed, or skipped (NOT_CHECKED: an earlier step failed, so this one was not run). */
type State = "ok" | "failed" | "skipped";
const stateOf = (c: Check): State => (c.ok ? "ok" : c.code === "NOT_CHECKED" ? "skipped" : "failed");
const LOOK: Record<State, { mark: string; cls: string; key: Key }> = {
  ok: { mark: "✓", cls: "ok", key: "verify.ok" },
  failed: { mark: "✗", cls: "bad", key: "verify.failed" },
  skipped: { mark: "–", cls: "muted", key: "verify.skipped" },
};

/** Two texts that say the same, but for case and a final full stop (the verifier's message adds nothing then). */
const same = (a: string, b: string) => a.replace(/\.$/, "").toLowerCase() === b.replace(/\.$/, "").toLowerCase();

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
        ${v.cannotCheck ? html`<p class="warn">${this.#reason(v.cannotCheck)} <code class="mono">${v.cannotCheck.code}</code> <span lang="en">${v.cannotCheck.message}</span></p>` : nothing}
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

  /** The reason for a check that is not ok, in the page's language. */
  #reason(c: Check): string {
    return c.code === "OK" ? "" : t(REASON_KEYS[c.code]);
  }

  #steps(checks: readonly Check[]) {
    return html`<ol aria-label=${t("verify.steps")}>
      ${checks.map((c) => {
        const state = stateOf(c);
        const look = LOOK[state];
        return html`<li data-step=${c.step} data-ok=${String(c.ok)} data-state=${state}>
          <span class="mark ${look.cls}" aria-hidden="true">${look.mark}</span>
          <span
            ><strong>${STEP_KEYS[c.step] ? t(STEP_KEYS[c.step]!) : c.step}</strong>
            <span class="state ${look.cls}">${t(look.key)}</span>
            ${c.ok ? nothing : html`<code class="mono">${c.code}</code>`}</span
          >
          ${c.ok ? nothing : html`<span class="msg reason">${this.#reason(c)}</span>`}
          ${same(c.message, this.#reason(c)) ? nothing : html`<span class="msg detail" lang="en">${c.message}</span>`}
        </li>`;
      })}
    </ol>`;
  }
}
customElements.define("dx-verdict", DxVerdict);
