// axe-core (through @axe-core/playwright) on a screen as the browser test reached it: any
// serious or critical violation fails the test, and so do the moderate rules listed in STRICT,
// which were found and fixed once (landmarks, headings) and must stay fixed.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Rules switched off, each with its reason. */
const ALLOWED: Readonly<Record<string, string>> = {};

/** Moderate rules held as strictly as serious ones. */
const STRICT = new Set(['landmark-one-main', 'landmark-unique', 'landmark-no-duplicate-main', 'page-has-heading-one', 'heading-order', 'region']);

/** Every screen checked in this run, for the test's own summary. */
export const checkedScreens: string[] = [];

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).disableRules(Object.keys(ALLOWED)).analyze();
  const failing = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || STRICT.has(v.id));
  checkedScreens.push(screen);
  if (failing.length === 0) return;
  const lines = failing.map((v) => {
    const nodes = v.nodes.slice(0, 6).map((n) => `      ${n.target.join(' ')}  ${(n.failureSummary ?? '').split('\n').slice(1, 2).join('').trim()}`);
    return `  ${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help}\n${nodes.join('\n')}`;
  });
  throw new Error(`axe on ${screen} (${page.url()}):\n${lines.join('\n')}`);
}
