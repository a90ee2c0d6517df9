/**
 * Two languages, one dictionary each (i18n/en.ts, i18n/zh.ts, the same keys —
 * checked by the compiler and by test/console/i18n.test.ts). The choice is
 * remembered in localStorage; numbers and dates follow it (format.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { en, type Key } from "./i18n/en.ts";
import { zh } from "./i18n/zh.ts";

export type Lang = "en" | "zh";
export type { Key };
export const LANGS: readonly Lang[] = ["en", "zh"];
const DICTS: Record<Lang, Record<Key, string>> = { en, zh };
const STORE = "dxledger.lang";

function initial(): Lang {
  const saved = localStorage.getItem(STORE);
  if (saved === "en" || saved === "zh") return saved;
  return navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
}

let current: Lang = initial();
const listeners = new Set<() => void>();
document.documentElement.lang = current === "zh" ? "zh-CN" : "en";

export const lang = (): Lang => current;
/** The BCP 47 locale Intl formats with. */
export const locale = (): string => (current === "zh" ? "zh-CN" : "en-GB");

export function setLang(l: Lang): void {
  if (l === current) return;
  current = l;
  localStorage.setItem(STORE, l);
  document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
  for (const f of listeners) f();
}

/** The text of `key` in the current language, `{name}` replaced by `vars.name`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return DICTS[current][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Re-renders its host when the language changes. */
export class LangController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #update = () => this.#host.requestUpdate();
  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.#update);
  }
  hostDisconnected(): void {
    listeners.delete(this.#update);
  }
}
