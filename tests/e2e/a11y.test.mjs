// End-to-end: accessibility. axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on every page and
// the states worth checking, reflow at 1,024 px and at 200% text, and reduced motion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from './axe.mjs';
import { countCharts } from './harness.mjs';
import {
  PASS,
  addPractice,
  addPracticeByKeyboard,
  byTestId,
  caseloadRows,
  createWorkspace,
  exportSummary,
  focusNotShown,
  offerBackupFile,
  openFresh,
  recordReferral,
  tabTo,
} from './flows.mjs';

test('axe finds no WCAG 2.2 AA violation on any page or state', async (t) => {
  const app = await openFresh(t, { clock: '2026-11-21T12:00:00Z' });
  const { page, context } = app;
  await context.addInitScript(countCharts);
  await page.reload();
  const found = [];
  // Fields the browser could offer to the next person (autofill) on a shared PC: every
  // text field and text area must opt out.
  const autofillable = [];
  const check = async (state) => {
    found.push(...(await axeViolations(page, state)));
    const open = await page.$$eval(
      'input:not([type]), input[type=text], input[type=search], input[type=email], input[type=tel], input[type=url], input[type=number], textarea',
      (fields) => fields.filter((f) => f.getAttribute('autocomplete') !== 'off').map((f) => f.id || f.dataset.testid || f.outerHTML.slice(0, 80)),
    );
    autofillable.push(...open.map((f) => `${state}: ${f}`));
  };

  // The lock screen of a new browser, and its forms' errors.
  await page.waitForSelector(byTestId('create-form'));
  await check('lock screen, no workspaces');
  await page.click(byTestId('create'));
  await check('create a workspace, errors shown');

  // A new workspace: the empty caseload, settings, and a referral form's errors.
  await createWorkspace(page);
  await page.waitForSelector(byTestId('today-start'));
  await check('a new workspace opens on Today');
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('empty-caseload'));
  await check('empty caseload');
  await addPractice(page, 'Riverside Medical Practice', '11200');
  await check('settings');
  await page.click(byTestId('nav-new'));
  await page.click(byTestId('save-referral'));
  await page.waitForSelector('.error-summary');
  // The problems are announced: the summary is an alert and takes focus.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'alert');
  await check('new referral, errors shown');
  await recordReferral(page, 'RV-0412');
  await check('caseload with a notice');
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('journey'));
  await check('referral');
  await page.click(byTestId('write-message'));
  await page.waitForSelector(byTestId('message-panel'));
  await check('referral, message to the referrer open');
  await page.click(byTestId('to-close'));
  await page.click(byTestId('status-confirm-button'));
  await page.waitForSelector(byTestId('status-error'));
  await check('closing a referral, error shown');
  await page.click(byTestId('save-measure'));
  await check('outcome measure, error shown');
  await page.click(byTestId('nav-dashboard'));
  await check('dashboard, almost empty');
  await page.click(byTestId('lock'));
  await page.fill(byTestId('unlock-passphrase'), 'not the passphrase');
  await page.click(byTestId('unlock'));
  await page.waitForSelector(byTestId('unlock-error'));
  await check('lock screen, wrong passphrase');
  await offerBackupFile(page, 'not-a-backup.json', '{"format":"something else"}');
  await page.waitForSelector(byTestId('restore-error'));
  await check('restore, a file refused');

  // The demo: every page with a full caseload.
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(byTestId('today-heading'));
  await check('demo today');
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('diary-line'));
  await check('demo diary');
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('caseload-row'));
  await check('demo caseload');
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('journey'));
  await check('demo referral');
  await page.click(byTestId('nav-dashboard'));
  await page.waitForFunction(() => window.__liveCharts >= 14, null, { timeout: 20_000 });
  await check('demo dashboard');
  await page.click(byTestId('nav-work'));
  await check('practice work');
  await page.click(byTestId('nav-practices'));
  await page.waitForFunction(() => window.__liveCharts >= 2, null, { timeout: 20_000 });
  await check('practices');
  await page.click('[data-testid^=start-checkin-] >> nth=0');
  await page.waitForSelector(byTestId('checkin-form'));
  await page.click('[data-testid=checkin-form] button[type=submit]');
  await check('check-in, errors shown');
  await page.click(byTestId('nav-directory'));
  await check('directory');
  await page.click(byTestId('nav-settings'));
  await check('demo settings');
  const summary = await exportSummary(page, 'North PCN, link worker 2');
  await check('import and export, a summary previewed');

  // Handing over: the page, its errors, the code shown, and a referral handed over.
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-handover'));
  await page.waitForSelector(byTestId('hand-over-form'));
  await check('hand over and receive');
  await page.click(byTestId('make-handover'));
  await page.waitForSelector(byTestId('handover-people-error'));
  await page.click(byTestId('open-handover'));
  await page.waitForSelector(byTestId('receive-file-error'));
  await check('hand over and receive, errors shown');
  await page.check(`${byTestId('handover-person')} >> nth=0`);
  await page.fill(byTestId('handover-to'), 'Jo (Hillview)');
  await Promise.all([page.waitForEvent('download'), page.click(byTestId('make-handover'))]);
  await page.waitForSelector(byTestId('handover-made'));
  await check('hand over, the code shown');
  await page.click(`${byTestId('handed-reference')} >> nth=0`);
  await page.waitForSelector(byTestId('handed-banner'));
  await check('a referral handed over, read-only');

  // The manager view: empty, then with a summary and a refused file.
  await page.click(byTestId('leave-demo'));
  await page.click(byTestId('open-manager'));
  await page.waitForSelector(byTestId('programme-empty'));
  await check('manager view, empty');
  await page.setInputFiles(byTestId('summary-files'), [
    { name: summary.name, mimeType: 'application/json', buffer: Buffer.from(summary.text) },
    { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":') },
  ]);
  await page.waitForSelector(byTestId('summary-row'));
  await page.waitForFunction(() => window.__liveCharts >= 1, null, { timeout: 20_000 });
  await check('manager view, a summary imported and a file refused');

  assert.deepEqual(found, []);
  assert.deepEqual(autofillable, [], 'fields that can hold something about a person opt out of autofill');
  assert.deepEqual(app.errors, []);
});

test('the main flows work with the keyboard alone, with focus always visible', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const press = (key) => page.keyboard.press(key);
  const type = (text) => page.keyboard.type(text);

  // The skip link is the first stop and moves focus to the page's main content.
  await press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  assert.equal(await focusNotShown(page), null);
  await press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  // Create a workspace (its form is open in a new browser).
  await tabTo(page, 'create-name');
  await type('Sam');
  await press('Tab');
  await type(PASS);
  await press('Tab');
  await type(PASS);
  await press('Enter');
  await page.waitForSelector(byTestId('workspace-name'));
  await addPracticeByKeyboard(page, 'Riverside Medical Practice', '11200');

  // New referral.
  await tabTo(page, 'nav-new');
  await press('Enter');
  await page.waitForSelector(byTestId('referral-form'));
  await type('RV-0412');
  await tabTo(page, 'field-role');
  await type('GP');
  await tabTo(page, 'reason-loneliness');
  await press('Space');
  await press('Control+Enter');
  await page.waitForSelector(`${byTestId('notice')} >> text=Referral for RV-0412 saved`);

  // Add a contact from the caseload row.
  await tabTo(page, 'row-add-contact');
  await press('Enter');
  await page.waitForSelector(byTestId('contact-form'));
  await type('Tel');
  await press('Tab');
  await press('Control+A');
  await type('25');
  await press('Enter');
  await page.waitForSelector(`${byTestId('notice')} >> text=Contact added`);
  assert.equal((await caseloadRows(page))[0][5], '1', 'seen once');

  // Record an outcome measure (ONS4 at baseline) on the referral.
  await tabTo(page, 'row-reference');
  await press('Enter');
  await page.waitForSelector(byTestId('measure-form'));
  // The section menu's shortcut goes to Outcomes, as a keyboard user would.
  const shortcut = await page.$eval(`${byTestId('section-menu')} a[href="#sec-outcomes"]`, (a) => a.getAttribute('aria-keyshortcuts'));
  await press(shortcut);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sec-outcomes-heading');
  await tabTo(page, 'measure-item-0');
  for (const [i, answer] of ['3', '4', '4', '8'].entries()) {
    await type(answer);
    if (i < 3) await press('Tab');
  }
  await press('Enter');
  await page.waitForSelector(byTestId('measure-saved'));
  assert.equal(await page.$$eval(byTestId('measure-row'), (rows) => rows.length), 1);

  // Close the referral with a reason.
  await tabTo(page, 'to-close');
  await press('Enter');
  await tabTo(page, 'close-reason');
  await type('Person withdrew');
  assert.equal(await page.inputValue(byTestId('close-reason')), 'withdrew');
  await tabTo(page, 'status-confirm-button');
  await press('Enter');
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Closed`);

  // Lock, and unlock: the passphrase field has focus on the lock screen.
  await press('Control+Shift+L');
  await page.waitForSelector(byTestId('unlock-form'));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'unlock-passphrase');
  await type(PASS);
  await press('Enter');
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Closed`);
  assert.deepEqual(app.errors, []);
});

/** Whether the page scrolls sideways (content wider than the window), and what sticks out. */
function sideways(page) {
  return page.evaluate(() => {
    const wide = document.documentElement.scrollWidth > innerWidth;
    if (!wide) return null;
    const out = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    return `${document.documentElement.scrollWidth} px wide in ${innerWidth}: ${out.join(', ')}`;
  });
}

test('every page reflows at 1,024 px, at 200% zoom and with text at 200%, without scrolling sideways', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  const pages = ['#/today', '#/diary', '#/', '#/dashboard', '#/new', '#/work', '#/practices', '#/directory', '#/settings', '#/transfer', '#/handover'];
  const problems = [];
  // 1,024 px; 200% browser zoom on a 1,024 px screen (a 512 px wide layout); text at 200%.
  const views = [
    ['1,024 px', 1024, false],
    ['200% zoom', 512, false],
    ['200% text', 1024, true],
  ];
  for (const [view, width, bigText] of views) {
    await page.setViewportSize({ width, height: 768 });
    await page.evaluate((big) => document.documentElement.style.setProperty('font-size', big ? '200%' : ''), bigText);
    for (const hash of [...pages, 'referral']) {
      if (hash === 'referral') {
        await page.evaluate(() => { location.hash = '#/'; });
        await page.click(`${byTestId('row-reference')} >> nth=0`);
        await page.waitForSelector(byTestId('journey'));
      } else {
        await page.evaluate((h) => { location.hash = h; }, hash);
        await page.waitForSelector('main h1');
      }
      // Charts redraw at their new size after a frame.
      await page.waitForTimeout(150);
      const wide = await sideways(page);
      if (wide) problems.push(`${view}, ${hash}: ${wide}`);
      // The way to lock is always on screen, never pushed out of reach.
      const lock = await page.locator(byTestId('lock')).boundingBox();
      if (!lock || lock.x + lock.width > width) problems.push(`${view}, ${hash}: the Lock button is off screen`);
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(app.errors, []);
});

test('the header holds one row at 1,280 px with a 30-character name, and the dashboard uses a wide screen', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  const name = 'Riverside and Canal Street PCN'; // 30 characters
  assert.equal(name.length, 30);
  await createWorkspace(page, name);
  const row = async () =>
    page.$$eval('.site-header .brand, .site-header .nav a, .site-header [data-testid="lock"], .site-header [data-testid="workspace-name"]', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, right: r.right };
      }),
    );
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    const boxes = await row();
    const tops = boxes.map((b) => b.top);
    assert.ok(Math.max(...tops) - Math.min(...tops) < 24, `one row at ${width} px: tops ${tops}`);
    assert.ok(Math.max(...boxes.map((b) => b.right)) <= width, `nothing off the edge at ${width} px`);
  }
  // The full name is kept for anyone who needs it.
  assert.equal(await page.getAttribute(byTestId('workspace-name'), 'title'), name);
  assert.equal(await page.textContent(byTestId('workspace-name')), name);

  // At 1,920 px the dashboard spreads out: cards side by side, not a narrow column.
  await page.click(byTestId('lock'));
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-dashboard'));
  await page.waitForSelector(`${byTestId('chart-caseload')} svg`);
  const width = await page.$eval(byTestId('app-root'), (e) => e.getBoundingClientRect().width);
  assert.ok(width > 1600, `the page uses the screen (${width} px)`);
  const [a, b] = await page.$$eval(`${byTestId('card-first-contact')}, ${byTestId('card-waiting')}`, (els) =>
    els.map((e) => e.getBoundingClientRect()),
  );
  assert.ok(Math.abs(a.top - b.top) < 2 && b.left > a.right - 1, 'two cards side by side');
  // A long table beside a short chart scrolls within the chart's height, and the keyboard can reach it.
  await page.selectOption(byTestId('dash-step'), 'week');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="table-caseload"] tbody tr').length > 27);
  const card = await page.$eval(byTestId('card-caseload'), (e) => e.getBoundingClientRect().height);
  assert.ok(card < 700, `the caseload card stays chart-high (${card} px)`);
  assert.equal(await page.$eval(byTestId('table-caseload'), (t) => t.parentElement.getAttribute('tabindex')), '0');
  assert.deepEqual(app.errors, []);
});
