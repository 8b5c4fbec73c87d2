// axe-core (from npm) for the end-to-end tests: WCAG 2.0, 2.1 and 2.2, levels A and AA.
import fs from 'node:fs/promises';

const AXE_SOURCE = await fs.readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** The axe rule tags Linkwork is held to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * axe's best-practice rules for the page's structure, held to as well: headings in order,
 * one main heading, landmarks that hold all content, a way to skip to the content.
 */
export const STRUCTURE_RULES = [
  'heading-order',
  'page-has-heading-one',
  'landmark-one-main',
  'landmark-unique',
  'landmark-no-duplicate-main',
  'region',
  'bypass',
];

/**
 * Runs axe-core on the page as it is now and returns its violations as readable lines:
 * "state: rule (impact) help: where". axe is evaluated through the DevTools protocol, which
 * the page's content security policy does not govern, so the policy stays strict.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} state what is on screen, for the report
 */
export async function axeViolations(page, state) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    async ([tags, rules]) => {
      const found = [];
      for (const runOnly of [{ type: 'tag', values: tags }, { type: 'rule', values: rules }]) {
        const result = await window.axe.run(document, { runOnly, resultTypes: ['violations'] });
        for (const v of result.violations) {
          found.push({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) });
        }
      }
      return found;
    },
    [WCAG_TAGS, STRUCTURE_RULES],
  );
  return violations.map((v) => {
    const where = v.nodes.slice(0, 4).join(' | ');
    const more = v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : '';
    return `${state}: ${v.id} (${v.impact}) ${v.help}: ${where}${more}`;
  });
}
