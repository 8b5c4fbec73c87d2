// End-to-end: the built app in headless Chromium, driven as a link worker would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from './axe.mjs';
import { screenshot } from './harness.mjs';
import {
  PASS,
  addPractice,
  addPracticeByKeyboard,
  byTestId,
  caseloadRows,
  createWorkspace,
  openFresh,
  recordReferral,
  storedEntries,
  tabTo,
  unlockByKeyboard,
} from './flows.mjs';

test('a referral recorded with the keyboard alone is in the caseload after a reload', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.waitForSelector(byTestId('today-start'));
  await page.evaluate(() => { location.hash = '#/'; });
  await page.waitForSelector(byTestId('empty-caseload'));
  await addPracticeByKeyboard(page, 'Riverside Medical Practice', '11200');
  assert.match(await page.textContent(byTestId('practice-list')), /11,200 registered patients/);

  await tabTo(page, 'nav-new');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('referral-form'));
  // The form opens ready to type in its first field.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-reference');
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
  assert.equal(await page.title(), 'Caseload – Linkwork', 'the title never names the person');

  // A reload starts locked; unlocking brings the referral back.
  await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));
  await unlockByKeyboard(page);
  const rows = await caseloadRows(page);
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'RV-0412');
  assert.equal(rows[0][1], 'Riverside Medical Practice');
  assert.equal(rows[0][3], 'Loneliness or isolation; Money, debt or benefits');
  assert.equal(rows[0][4], 'Referred');
  assert.equal(rows[0][5], '0', 'referred today, waiting 0 days');

  // Opening the row shows the referral and an edit sticks.
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('referral-form'));
  assert.equal(await page.inputValue(byTestId('field-reference')), 'RV-0412');
  await page.click(byTestId('to-active'));
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Active`);
  await page.reload();
  await unlockByKeyboard(page);
  // Unlocking returns to the page that was open.
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Active`);
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('caseload-row'));
  assert.equal(await page.textContent(`${byTestId('caseload-row')} td:nth-child(5)`), 'Active');
  await screenshot(page, 'caseload-one-referral');
  assert.deepEqual(app.errors, []);
});

test('an invalid referral shows what is wrong next to each field and saves nothing', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('nav-new'));
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

  const stored = (await storedEntries(page)).filter(([k]) => k.includes('/records/'));
  assert.deepEqual(stored, [], 'nothing was saved');
  assert.deepEqual(app.errors, []);
});

test('the demo caseload opens under a banner and clears without touching real data', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Canal Street Surgery', '6400');
  await page.click(byTestId('lock'));
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('caseload-row'));
  // The same figure the native demo test pins: the browser generates the same caseload.
  assert.equal(await page.textContent(byTestId('result-count')), '87 of 300 referrals');
  assert.match(await page.title(), /\(demo\)/);
  assert.equal(await page.$$eval(byTestId('caseload-row'), (r) => r.length), 50, 'first page of 50');
  await screenshot(page, 'demo-caseload');

  // Filters, search and paging.
  await page.selectOption(byTestId('filter-status'), 'all');
  assert.match(await page.textContent(byTestId('result-count')), /^300 of 300/);
  await page.click(byTestId('page-next'));
  assert.equal(await page.textContent(byTestId('page-label')), 'Page 2 of 6');
  await page.fill(byTestId('search'), 'no-such-reference');
  await page.waitForSelector(byTestId('no-matches'));

  // A reload locks; the demo reopens as it was.
  await page.reload();
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-caseload'));
  assert.equal(await page.textContent(byTestId('result-count')), '87 of 300 referrals');

  await page.click(byTestId('clear-demo'));
  await page.waitForSelector(byTestId('lock-screen'));
  const keys = (await storedEntries(page)).map(([k]) => k);
  assert.ok(!keys.some((k) => k.startsWith('linkwork/demo/')), `demo keys remain: ${keys}`);
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-settings'));
  await page.waitForSelector(`${byTestId('practice-list')} >> text=Canal Street Surgery`);
  assert.deepEqual(app.errors, []);
});

test('a damaged part is reported and kept while the rest stays usable', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0001');
  // Damage the stored records part: one character changed.
  const damagedKey = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith('/records/0'));
    const v = localStorage.getItem(key);
    const i = Math.floor(v.length / 2);
    localStorage.setItem(key, v.slice(0, i) + String.fromCharCode(v.charCodeAt(i) ^ 1) + v.slice(i + 1));
    return key;
  });
  const damaged = await page.evaluate((k) => localStorage.getItem(k), damagedKey);
  await page.reload();
  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('load-problems'));
  const banner = await page.textContent(byTestId('load-problems'));
  assert.match(banner, /Records, part 1/);
  assert.match(banner, /integrity check/);
  assert.deepEqual(await axeViolations(page, 'damaged data reported'), []);
  // The rest is usable: a new referral saves, to a new part.
  await recordReferral(page, 'RV-0002');
  const after = await page.evaluate((k) => ({
    original: localStorage.getItem(k),
    copy: localStorage.getItem(k.replace('linkwork/', 'linkwork/recovery/')),
    parts: Object.keys(localStorage).filter((key) => key.startsWith('linkwork/ws/') && key.includes('/records/')).length,
  }), damagedKey);
  assert.equal(after.original, damaged, 'the damaged part is never overwritten');
  assert.equal(after.copy, damaged, 'a copy is kept for recovery');
  assert.equal(after.parts, 2);
  assert.deepEqual(app.errors, []);
});

test('text typed into fields is shown as text, never run as markup', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const payload = '<img src=x onerror="window.__xss=1">';
  await createWorkspace(page, payload.slice(0, 40));
  await page.click(byTestId('nav-settings'));
  await page.fill(byTestId('practice-name'), payload);
  await page.click(byTestId('add-practice-button'));
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid="practice-list"]').textContent.includes(text),
    payload,
  );
  await recordReferral(page, payload.slice(0, 40), { notes: payload });
  assert.equal(await page.textContent(byTestId('row-reference')), payload.slice(0, 40));
  await page.click(byTestId('lock'));
  await page.waitForSelector(byTestId('unlock-form'));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
  assert.deepEqual(app.errors, []);
});

test('records saved unencrypted by the earlier version move into a new encrypted workspace', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const fs = await import('node:fs/promises');
  const fixture = (name) => fs.readFile(new URL(`../../crates/core/fixtures/v1/${name}`, import.meta.url), 'utf8');
  const settings = await fixture('settings.json');
  const records = await fixture('records-0.json');
  await page.evaluate(([s, r]) => {
    localStorage.setItem('linkwork/main/settings', s);
    localStorage.setItem('linkwork/main/records/0', r);
  }, [settings, records]);
  await page.reload();
  await page.waitForSelector(byTestId('legacy-notice'));
  await createWorkspace(page, 'Sam', PASS);
  await page.click(byTestId('nav-caseload'));
  await page.selectOption(byTestId('filter-status'), 'all');
  const rows = await caseloadRows(page);
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['CS-0002', 'RV-0001', 'RV-0001']);
  const entries = await storedEntries(page);
  assert.ok(!entries.some(([k]) => k.startsWith('linkwork/main/')), 'the unencrypted copy is gone');
  assert.ok(!entries.some(([, v]) => v.includes('RV-0001') || v.includes('Prefers phone')), 'nothing readable');
  assert.deepEqual(app.errors, []);
});
