// End-to-end: the built app in headless Chromium, driven as a link worker would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot } from './harness.mjs';

const byTestId = (id) => `[data-testid="${id}"]`;

/** Presses Tab until the element with this test id has focus (keyboard only). */
async function tabTo(page, testid, max = 80) {
  for (let i = 0; i < max; i += 1) {
    const here = await page.evaluate(() => document.activeElement?.dataset?.testid ?? null);
    if (here === testid) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testid}`);
}

/** Adds a practice in Settings using only the keyboard. */
async function addPracticeByKeyboard(page, name, size) {
  await tabTo(page, 'nav-settings');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('practice-name'));
  await tabTo(page, 'practice-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(size);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${byTestId('practice-list')} >> text=${name}`);
}

async function openFresh(t, hash = '') {
  const app = await openApp({ prefix: '/linkwork/', hash });
  t.after(() => app.close());
  await app.page.waitForSelector(byTestId('app-root'));
  return app;
}

test('a referral recorded with the keyboard alone is in the caseload after a reload', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.waitForSelector(byTestId('empty-caseload'));
  await addPracticeByKeyboard(page, 'Riverside Medical Practice', '11200');
  assert.match(await page.textContent(byTestId('practice-list')), /11,200 registered patients/);

  await tabTo(page, 'nav-new');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('referral-form'));
  // The form opens ready to type in its first field.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-reference');
  const started = Date.now();
  await page.keyboard.type('RV-0412');
  // Date defaults to today and the practice to the only one: skip to the role.
  await tabTo(page, 'field-role');
  await page.keyboard.type('GP');
  await tabTo(page, 'reason-loneliness');
  await page.keyboard.press('Space');
  await tabTo(page, 'reason-money');
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');

  await page.waitForSelector(byTestId('notice'));
  assert.match(await page.textContent(byTestId('notice')), /Referral for RV-0412 saved/);
  const elapsed = Date.now() - started;
  t.diagnostic(`keyboard entry to saved: ${elapsed} ms of scripted typing`);
  assert.equal(await page.title(), 'Caseload – Linkwork', 'the title never names the person');

  await page.reload();
  await page.waitForSelector(byTestId('caseload-row'));
  const rows = await page.$$eval(byTestId('caseload-row'), (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'RV-0412');
  assert.equal(rows[0][1], 'Riverside Medical Practice');
  assert.equal(rows[0][3], 'Loneliness or isolation, Money, debt or benefits');
  assert.equal(rows[0][4], 'Referred');
  assert.equal(rows[0][5], '0', 'referred today, waiting 0 days');

  // Opening the row shows the referral and an edit sticks.
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('referral-form'));
  assert.equal(await page.inputValue(byTestId('field-reference')), 'RV-0412');
  await page.selectOption(byTestId('field-status'), 'active');
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('notice'));
  await page.reload();
  await page.waitForSelector(byTestId('caseload-row'));
  assert.equal(await page.textContent(`${byTestId('caseload-row')} td:nth-child(5)`), 'Active');
  await screenshot(page, 'caseload-one-referral');
  assert.deepEqual(app.errors, []);
});

test('an invalid referral shows what is wrong next to each field and saves nothing', async (t) => {
  const app = await openFresh(t, '#/new');
  const { page } = app;
  await page.waitForSelector(byTestId('referral-form'));
  await page.fill(byTestId('field-date'), '2099-01-01');
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('error-summary'));
  const errorOf = (id) => page.textContent(byTestId(`${id}-error`));
  assert.match(await errorOf('f-reference'), /Enter a reference for the person/);
  assert.match(await errorOf('f-date'), /cannot be in the future/);
  assert.match(await errorOf('f-practice'), /Choose the practice/);
  assert.match(await errorOf('f-role'), /Choose who made the referral/);
  assert.match(await errorOf('f-reasons'), /at least one reason/);
  assert.equal(await page.getAttribute('#f-reference', 'aria-invalid'), 'true');
  // The summary takes focus so the problems are announced.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'error-summary');

  // Fixing a field clears its error at once.
  await page.fill(byTestId('field-reference'), 'Jane Smith');
  await page.waitForSelector(byTestId('f-reference-error'), { state: 'detached' });
  assert.match(await page.textContent(byTestId('reference-warning')), /could be a name/);
  await screenshot(page, 'referral-errors');

  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('/records/')));
  assert.deepEqual(stored, [], 'nothing was saved');
  assert.deepEqual(app.errors, []);
});

test('the demo caseload loads under a banner and clears without touching real data', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await addPracticeByKeyboard(page, 'Canal Street Surgery', '6400');
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('load-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.waitForSelector(byTestId('caseload-row'));
  // The same figure the native demo test pins: the browser generates the same caseload.
  assert.equal(await page.textContent(byTestId('result-count')), '87 of 300 referrals');
  assert.match(await page.title(), /\(demo\)/);
  assert.equal(await page.$$eval(byTestId('caseload-row'), (r) => r.length), 50, 'first page of 50');
  await screenshot(page, 'demo-caseload');

  // Filters and search narrow the list.
  await page.selectOption(byTestId('filter-status'), 'all');
  assert.match(await page.textContent(byTestId('result-count')), /^300 of 300/);
  await page.click(byTestId('page-next'));
  assert.equal(await page.textContent(byTestId('page-label')), 'Page 2 of 6');
  await page.fill(byTestId('search'), 'no-such-reference');
  await page.waitForSelector(byTestId('no-matches'));
  await page.fill(byTestId('search'), '');

  // The demo survives a reload and stays marked.
  await page.reload();
  await page.waitForSelector(byTestId('demo-banner'));

  await page.click(byTestId('clear-demo'));
  await page.waitForSelector(byTestId('demo-banner'), { state: 'detached' });
  await page.waitForSelector(byTestId('empty-caseload'));
  const keys = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(!keys.some((k) => k.startsWith('linkwork/demo/')), `demo keys remain: ${keys}`);
  await page.click(byTestId('nav-settings'));
  await page.waitForSelector(`${byTestId('practice-list')} >> text=Canal Street Surgery`);
  assert.deepEqual(app.errors, []);
});

test('damaged stored data is reported, kept, and never overwritten', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const damaged = '{"format":"linkwork.records","version":1,"chunk":0,"people":[';
  await page.evaluate((value) => localStorage.setItem('linkwork/main/records/0', value), damaged);
  await page.reload();
  await page.waitForSelector(byTestId('load-problems'));
  assert.match(await page.textContent(byTestId('load-problems')), /Records, part 1/);
  await page.goto(`${app.url}#/new`);
  await page.waitForSelector(byTestId('referral-form'));
  assert.equal(await page.isDisabled(byTestId('save-referral')), true, 'saving is paused');
  const kept = await page.evaluate(() => ({
    original: localStorage.getItem('linkwork/main/records/0'),
    copy: localStorage.getItem('linkwork/recovery/main/records/0'),
  }));
  assert.deepEqual(kept, { original: damaged, copy: damaged });

  // Carrying on sets the damaged part aside (its copy stays) and unlocks saving.
  await page.click(byTestId('set-aside'));
  await page.waitForSelector(byTestId('load-problems'), { state: 'detached' });
  assert.equal(await page.isDisabled(byTestId('save-referral')), false);
  assert.equal(
    await page.evaluate(() => localStorage.getItem('linkwork/recovery/main/records/0')),
    damaged,
  );
  assert.deepEqual(app.errors, []);
});

test('text typed into fields is shown as text, never run as markup', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const payload = '<img src=x onerror="window.__xss=1">';
  await page.goto(`${app.url}#/settings`);
  await page.fill(byTestId('practice-name'), payload);
  await page.click(byTestId('add-practice-button'));
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid="practice-list"]').textContent.includes(text),
    payload,
  );
  await page.goto(`${app.url}#/new`);
  await page.fill(byTestId('field-reference'), payload.slice(0, 40));
  await page.selectOption(byTestId('field-role'), 'gp');
  await page.check(byTestId('reason-food'));
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('caseload-row'));
  assert.equal(await page.textContent(byTestId('row-reference')), payload.slice(0, 40));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
});
