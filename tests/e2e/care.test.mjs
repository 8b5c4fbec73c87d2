// End-to-end: the lawful record. A safeguarding concern logged, flagged and closed; consent
// recorded and withdrawn, with the message back and the GP record entry narrowing as it
// is; the GP record entry copied, for one person and for a week; a lone-working risk
// flagged when a home visit is booked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import {
  addPractice,
  byTestId,
  caseloadRows,
  createWorkspace,
  logConcern,
  openFresh,
  recordConsent,
  recordReferral,
  unlockByKeyboard,
} from './flows.mjs';

/** Opens the only referral from the caseload. */
async function openReferral(page) {
  await caseloadRows(page);
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('section-menu'));
}

test('a safeguarding concern is a flag everywhere until it is closed with how it was resolved', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0700');
  await openReferral(page);
  assert.match(await page.textContent(byTestId('risk-log-empty')), /No concerns logged/);

  // Refused next to its fields: no kind, no words.
  await page.click(byTestId('save-risk'));
  await page.waitForSelector(`${byTestId('risk-form')} >> text=Choose the kind of risk`);
  assert.match(await page.textContent(byTestId('risk-form')), /Say in a few words what the concern is/);
  assert.equal(await page.$(byTestId('flag-safeguarding')), null);

  await logConcern(page, 'safeguarding', 'Son takes her pension card', { told: ['gp', 'safeguarding_lead'] });
  // At the top of the referral, in the caseload and on Today.
  await page.waitForSelector(`${byTestId('journey')} ${byTestId('flag-safeguarding')}`);
  const entry = await page.textContent(byTestId('risk-entry'));
  assert.match(entry, /Safeguarding/);
  assert.match(entry, /Open/);
  assert.match(entry, /Who was told: GP, Practice safeguarding lead/);
  await caseloadRows(page);
  assert.ok(await page.$(`${byTestId('caseload-row')} ${byTestId('flag-safeguarding')}`), 'flagged in the caseload');
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(`${byTestId('today-risks')} >> text=RV-0700`);
  assert.match(await page.textContent(byTestId('today-risks')), /Safeguarding/);

  // The concern survives a lock.
  await page.keyboard.press('Control+Shift+L');
  await unlockByKeyboard(page);
  await openReferral(page);
  await page.waitForSelector(`${byTestId('journey')} ${byTestId('flag-safeguarding')}`);

  // A correction changes the entry in place, and is kept in the record's history.
  await page.click(byTestId('edit-risk'));
  assert.equal(await page.inputValue(byTestId('risk-concern')), 'Son takes her pension card');
  await page.fill(byTestId('risk-concern'), 'Son takes her pension card and bank card');
  await page.click(byTestId('save-risk'));
  await page.waitForSelector(`${byTestId('risk-entry-concern')} >> text=Son takes her pension card and bank card`);
  assert.equal(await page.$$eval(byTestId('risk-entry'), (e) => e.length), 1, 'corrected, not added');
  assert.match(
    await page.textContent(byTestId('edit-history')),
    /Sam: Concern raised \d+ \w+ \d{4}: what the concern is changed from “Son takes her pension card” to “Son takes her pension card and bank card”/,
  );

  // Closing needs a line on how it was resolved.
  await page.click(byTestId('close-risk'));
  assert.equal(
    await page.evaluate(() => document.activeElement?.dataset?.testid),
    'close-risk-resolution',
    'the resolution field takes focus',
  );
  await page.click(byTestId('save-close-risk'));
  await page.waitForSelector(`${byTestId('close-risk-form')} >> text=Say in a line how it was resolved`);
  assert.ok(await page.$(`${byTestId('journey')} ${byTestId('flag-safeguarding')}`), 'still open');
  await page.fill(byTestId('close-risk-resolution'), 'Bank card cancelled; social services involved');
  await page.click(byTestId('save-close-risk'));
  await page.waitForSelector(byTestId('risk-resolution'));
  assert.match(await page.textContent(byTestId('risk-entry')), /Closed/);
  assert.match(await page.textContent(byTestId('risk-resolution')), /Bank card cancelled/);
  assert.equal(await page.$(`${byTestId('journey')} ${byTestId('flag-safeguarding')}`), null, 'no flag once closed');
  await caseloadRows(page);
  assert.equal(await page.$(byTestId('flag-safeguarding')), null);
  await screenshot(page, 'risk-closed');
  assert.deepEqual(app.errors, []);
});

test('consent recorded and withdrawn narrows the message back and the GP record entry', async (t) => {
  const app = await openFresh(t);
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0710', { reasons: ['loneliness', 'housing'] });
  await openReferral(page);
  assert.equal(await page.$(byTestId('consent-prompt')), null, 'no prompt before the first contact');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 1 time`);
  // A gentle prompt, not a block: the work goes on.
  await page.waitForSelector(byTestId('consent-prompt'));
  assert.match(await page.textContent(`${byTestId('consent-support')} ${byTestId('consent-answer')}`), /Not recorded/);

  // Not asked about the GP: codes and dates only.
  await page.click(byTestId('write-message'));
  let message = await page.inputValue(byTestId('message-text'));
  assert.match(message, /SNOMED CT 871731000000106/);
  assert.doesNotMatch(message, /Reasons for referral/);
  assert.equal(await page.isChecked(byTestId('codes-only')), true);
  assert.equal(await page.isDisabled(byTestId('codes-only')), true);
  assert.doesNotMatch(await page.inputValue(byTestId('gp-record-text')), /Social prescribing link worker:/);

  await recordConsent(page, 'support', 'yes', 'written');
  await page.waitForSelector(byTestId('consent-prompt'), { state: 'detached' });
  await recordConsent(page, 'gp', 'yes');
  // What happens next goes back as the next appointment's date, never a task's own words
  // (a to-do may name an organisation or hold a concern).
  const ahead = new Date(Date.now() + 7 * 86_400_000);
  await page.fill(`#sec-tasks ${byTestId('task-input')}`, 'Ring safeguarding lead: son takes her pension card');
  await page.fill(`#sec-tasks ${byTestId('task-due')}`, ahead.toISOString().slice(0, 10));
  await page.click(`#sec-tasks ${byTestId('add-task')}`);
  await page.waitForSelector(`#sec-tasks ${byTestId('open-tasks')} >> text=pension card`);
  await page.fill(byTestId('booking-date'), ahead.toISOString().slice(0, 10));
  await page.fill(byTestId('booking-start'), '10:00');
  await page.click(byTestId('save-booking'));
  await page.waitForSelector(byTestId('booking-done'));
  await page.click(byTestId('write-message'));
  const full = await page.inputValue(byTestId('message-text'));
  assert.match(full, /Reasons for referral: Loneliness or isolation; Housing/);
  assert.match(full, new RegExp(`Next appointment booked: ${ahead.getUTCDate()} \\w+ ${ahead.getUTCFullYear()}\\.`));
  assert.doesNotMatch(full, /safeguarding|pension|Next step/);
  await page.locator(byTestId('message-panel')).scrollIntoViewIfNeeded();
  await screenshot(page, 'message-back');
  assert.match(await page.inputValue(byTestId('gp-record-text')), /Social prescribing link worker: seen once; active since/);
  await screenshot(page, 'consent');

  // The GP record entry is copied as it is shown.
  await page.click(byTestId('copy-gp-record'));
  await page.waitForSelector(`${byTestId('gp-record-copied')} >> text=Copied as plain text`);
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(clip, /^GP record entry: RV-0710 \(Riverside Medical Practice\)\n\d+ \w+ \d{4} {2}SNOMED CT 871731000000106 \|Referral to social prescribing service\|\nSocial prescribing link worker: seen once/);

  // Withdrawn to codes only: the open message is written again, shorter, with no words.
  await recordConsent(page, 'gp', 'codes_only');
  await page.waitForSelector(byTestId('message-rewritten'));
  message = await page.inputValue(byTestId('message-text'));
  assert.doesNotMatch(message, /Reasons for referral|Support given/);
  assert.ok(message.length < full.length, 'the message shrank');
  assert.doesNotMatch(await page.inputValue(byTestId('gp-record-text')), /Social prescribing link worker:/);
  // Withdrawn altogether: no message and no GP entry at all.
  await recordConsent(page, 'gp', 'no');
  await page.waitForSelector(byTestId('message-withheld'));
  assert.equal(await page.isVisible(byTestId('write-message')), false);
  assert.equal(await page.$(byTestId('message-text')), null);
  await page.waitForSelector(byTestId('gp-record-withheld'));
  // Every answer is kept, dated: a withdrawal is an entry, not a deletion.
  const history = await page.$$eval(`${byTestId('consent-history')} li`, (li) => li.map((l) => l.textContent));
  assert.equal(history.length, 4, history.join('\n'));
  assert.match(history.join('\n'), /Information going back to the GP — Everything/);
  assert.match(history.join('\n'), /Information going back to the GP — Nothing/);

  // The week's entries on the diary leave the person out and say so.
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('gp-week'));
  await page.waitForSelector(byTestId('gp-week-left-out'));
  assert.match(await page.textContent(byTestId('gp-week-left-out')), /1 person left out/);
  assert.doesNotMatch(await page.textContent(byTestId('gp-week')), /RV-0710/);
  assert.deepEqual(app.errors, []);
});

test("the week's GP record entries are copied for every practice", async (t) => {
  const app = await openFresh(t);
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0720');
  await openReferral(page);
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 1 time`);
  await recordConsent(page, 'gp', 'yes');
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('gp-week-text'));
  const text = await page.inputValue(byTestId('gp-week-text'));
  assert.match(text, /^GP record entries for the week \d+ \w+ \d{4} to \d+ \w+ \d{4}\n\nRiverside Medical Practice\nRV-0720:\n {2}\d+ \w+ \d{4} {2}SNOMED CT 871731000000106/);
  await page.click(byTestId('copy-gp-week'));
  await page.waitForSelector(`${byTestId('gp-week-copied')} >> text=Copied as plain text`);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  // A week without codes says so.
  await page.click(byTestId('diary-next'));
  await page.waitForSelector(byTestId('gp-week-empty'));
  assert.deepEqual(app.errors, []);
});

test('a home visit to a person with an open lone-working risk is flagged when it is booked', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0730');
  await openReferral(page);
  await page.selectOption(byTestId('booking-mode'), 'home_visit');
  assert.equal(await page.$(byTestId('lone-working-warning')), null, 'no risk logged yet');
  await logConcern(page, 'lone_working', 'Large dog loose at the house');
  await page.waitForSelector(byTestId('lone-working-warning'));
  await page.fill(byTestId('booking-start'), '10:00');
  await page.click(byTestId('save-booking'));
  await page.waitForSelector(byTestId('booking-lone-working'));
  await page.click(byTestId('nav-diary'));
  await page.click(byTestId('diary-next'));
  await page.waitForSelector(byTestId('diary-lone-working'));
  assert.deepEqual(app.errors, []);
});
