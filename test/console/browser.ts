/**
 * Playwright (playwright-core) on Debian's Chromium for the console's tests
 * and screenshots: the launch arguments, an axe-core scan, and the checks
 * every page gets (no horizontal scrolling, no console error — a CSP
 * refusal is one).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };
export const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "console");

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

const AXE = readFileSync(join(import.meta.dirname, "..", "..", "node_modules", "axe-core", "axe.min.js"), "utf8");

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the
 * page's CSP, which refuses inline scripts, does not stop it); returns the
 * serious and critical violations.
 */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n: any) => n.target),
    }));
  });
  return (found as AxeViolation[]).filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** True when the page is no wider than the window (no horizontal scrolling). */
export function fitsWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** Collects console errors and uncaught exceptions of `page`. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}
