// End-to-end: the referral journey. Contacts in seconds, status changes,
// closing and reopening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { addPractice, byTestId, caseloadRows, createWorkspace, logConcern, openFresh, recordReferral } from './flows.mjs';

test('contacts are added from the caseload by keyboard, and three make "seen 3+"', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0100');

  // Quick-add from the caseload row: the form opens with focus on "How".
  await page.click(byTestId('row-add-contact'));
  await page.waitForSelector(byTestId('contact-form'));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'contact-mode');
  const started = Date.now();
  await page.keyboard.type('Tel'); // "Telephone"
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('25');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${byTestId('notice')} >> text=Contact added`);
  t.diagnostic(`quick-add contact by keyboard: ${Date.now() - started} ms of scripted typing`);
  let row = (await caseloadRows(page))[0];
  assert.equal(row[4], 'Active', 'the first attended contact starts the work');
  assert.equal(row[5], '1');

  // Two more from the referral page: a did-not-attend does not count as seen.
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('journey'));
  await page.selectOption(byTestId('contact-outcome'), 'did_not_attend');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 1 time`);
  await page.fill(byTestId('contact-minutes'), '60');
  await page.fill(byTestId('contact-note'), 'Went to the walking group together');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 2 times`);
  assert.equal(await page.$(byTestId('seen-three')), null);
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(byTestId('seen-three'));
  assert.equal(await page.$$eval(byTestId('timeline-contact'), (c) => c.length), 4);
  assert.match(await page.textContent(byTestId('timeline')), /Went to the walking group together/);

  // A contact in the future is refused next to its field.
  await page.fill(byTestId('contact-date'), '2099-01-01');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('contact-form')} >> text=cannot be in the future`);
  assert.equal(await page.$$eval(byTestId('timeline-contact'), (c) => c.length), 4);
  await screenshot(page, 'journey');
  assert.deepEqual(app.errors, []);
});

test('closing takes one step and a reason; a closed referral can be reopened', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0200');
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('journey'));
  await page.click(byTestId('to-waiting'));
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Waiting list`);

  await page.click(byTestId('to-close'));
  await page.click(byTestId('status-confirm-button'));
  assert.match(await page.textContent(byTestId('status-error')), /Choose why the referral is closing/);
  await page.selectOption(byTestId('close-reason'), 'withdrew');
  await page.click(byTestId('status-confirm-button'));
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Closed`);
  assert.match(await page.textContent(byTestId('closure')), /Person withdrew/);
  assert.equal(await page.$(byTestId('contact-form')), null, 'no contacts on a closed episode');

  await page.click(byTestId('reopen'));
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Active`);
  const statuses = await page.$$eval('[data-testid="timeline-status"] .timeline__text', (e) => e.map((x) => x.textContent));
  assert.deepEqual(statuses, ['Status: Active', 'Status: Closed', 'Status: Waiting list', 'Status: Referred']);

  // Needs beyond social prescribing records what was done instead.
  await page.click(byTestId('to-needs-beyond'));
  await page.click(byTestId('status-confirm-button'));
  assert.match(await page.textContent(byTestId('status-error')), /what was done instead/);
  await page.fill(byTestId('needs-beyond-action'), 'Referred to the community mental health team');
  await page.click(byTestId('status-confirm-button'));
  await page.waitForSelector(`${byTestId('outcome-note')} >> text=community mental health team`);
  await page.click(byTestId('nav-caseload'));
  await page.selectOption(byTestId('filter-status'), 'needs_beyond');
  assert.equal((await caseloadRows(page))[0][0], 'RV-0200');
  assert.deepEqual(app.errors, []);
});

test('the waiting alert follows the days set in Settings', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-new'));
  await page.fill(byTestId('field-reference'), 'RV-0500');
  const tenDaysAgo = new Date(Date.now() - 10 * 86400000).toISOString().slice(0, 10);
  await page.fill(byTestId('field-date'), tenDaysAgo);
  await page.selectOption(byTestId('field-role'), 'gp');
  await page.check(byTestId('reason-housing'));
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('notice'));
  await caseloadRows(page);
  await page.click(byTestId('row-reference'));
  await logConcern(page, 'safeguarding', 'Worried about money going missing');
  await page.waitForSelector(byTestId('flag-safeguarding'));
  await caseloadRows(page);
  assert.equal(await page.$(byTestId('flag-waiting')), null, '10 days is within the default 14');
  await page.click(byTestId('nav-settings'));
  await page.fill(byTestId('waiting-alert-days'), '7');
  await page.click(byTestId('save-timing'));
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('flag-waiting'));
  await page.check(byTestId('filter-attention'));
  assert.equal((await caseloadRows(page)).length, 1);
  assert.deepEqual(app.errors, []);
});
