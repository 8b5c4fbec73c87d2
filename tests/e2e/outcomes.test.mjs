// End-to-end: outcome measures by keyboard, a declined questionnaire, and
// the message back to the referrer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { addPractice, byTestId, createWorkspace, openFresh, recordConsent, recordReferral, unlockByKeyboard } from './flows.mjs';

async function ons4ByKeyboard(page, answers) {
  await page.focus(byTestId('measure-item-0'));
  for (const [i, a] of answers.entries()) {
    await page.keyboard.type(String(a));
    if (i < answers.length - 1) await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
}

test('ONS4 at baseline and review by keyboard, a declined SWEMWBS, and the message back', async (t) => {
  const app = await openFresh(t);
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0600');
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('measure-form'));
  // Working together: the referral is accepted, so it is coded in the message.
  await page.click(byTestId('to-active'));
  assert.equal(await page.inputValue(byTestId('measure-time-point')), 'baseline');
  // The ONS wording is shown with each item.
  assert.match(await page.textContent(byTestId('measure-items')), /how satisfied are you with your life nowadays/);

  // The baseline was read out: assisted. The next questionnaire starts afresh.
  await page.selectOption(byTestId('measure-completion'), 'assisted');
  const started = Date.now();
  await ons4ByKeyboard(page, [3, 4, 4, 8]);
  await page.waitForSelector(byTestId('measure-saved'));
  assert.equal(await page.inputValue(byTestId('measure-completion')), 'self', '"Completed" is reset with the form');
  t.diagnostic(`ONS4 by keyboard: ${Date.now() - started} ms of scripted typing`);
  assert.equal(await page.inputValue(byTestId('measure-time-point')), 'review', 'the next one is a review');
  await ons4ByKeyboard(page, [6, 6, 7, 4]);
  await page.waitForSelector(byTestId('change-table'));
  const change = await page.$$eval(`${byTestId('change-table')} tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
  );
  // Each ONS4 value with its ONS band, in the table, the records and the chart.
  assert.deepEqual(change.map((r) => [r[1], r[2], r[3], r[4]]), [
    ['3 (Low)', '6 (Medium)', '+3', 'Better'],
    ['4 (Low)', '6 (Medium)', '+2', 'Better'],
    ['4 (Low)', '7 (High)', '+3', 'Better'],
    ['8 (High)', '4 (Medium)', '-4', 'Better'],
  ]);
  assert.match(await page.textContent(byTestId('measures-table')), /Life satisfaction 6 \(Medium\), Worthwhile 6 \(Medium\), Happiness 7 \(High\), Anxiety 4 \(Medium\)/);
  assert.match(await page.getAttribute('.change-chart', 'aria-label'), /3 \(Low\) to 6 \(Medium\)/);
  assert.match(await page.textContent('.change-chart'), /7 \(High\)/);
  // A second baseline is refused at entry: change is measured from the one marked Baseline.
  await page.selectOption(byTestId('measure-time-point'), 'baseline');
  await ons4ByKeyboard(page, [1, 1, 1, 9]);
  await page.waitForSelector(`${byTestId('measure-error')} >> text=There is already a baseline for this questionnaire`);
  assert.equal(await page.$$eval(byTestId('measure-row'), (r) => r.length), 2, 'nothing saved');

  // SWEMWBS declined by the person: recorded, with the reason.
  await page.selectOption(byTestId('measure-instrument'), 'swemwbs');
  assert.match(await page.textContent(byTestId('measure-items')), /Item 1/, 'licensed wording is not shown');
  await page.check(byTestId('mode-declined'));
  assert.equal(await page.isVisible(byTestId('measure-completion')), false, 'a declined questionnaire was not completed');
  await page.fill(byTestId('measure-reason'), 'Too much today');
  await page.click(byTestId('save-measure'));
  await page.waitForSelector(`${byTestId('measures-table')} >> text=Declined by the person: Too much today`);
  assert.equal(await page.$$eval(byTestId('measure-row'), (r) => r.length), 3);
  const rows = await page.$$eval(byTestId('measure-row'), (r) => r.map((x) => x.textContent));
  assert.equal(rows.filter((r) => r.includes('Assisted')).length, 1, `only the baseline was assisted: ${rows}`);
  assert.ok(rows.some((r) => r.includes('Declined by the person') && r.includes('–') && !r.includes('Assisted')));
  await screenshot(page, 'outcomes');

  // The message back: words only once the person agreed to information going to the GP,
  // and outcomes only with their agreement to share them.
  await page.click(byTestId('write-message'));
  assert.doesNotMatch(await page.inputValue(byTestId('message-text')), /Reasons for referral/, 'not asked yet: codes only');
  await recordConsent(page, 'gp', 'yes');
  await page.click(byTestId('write-message'));
  let message = await page.inputValue(byTestId('message-text'));
  assert.match(message, /SNOMED CT 871731000000106/);
  assert.match(message, /has not agreed to share them/);
  assert.doesNotMatch(message, /→/);
  await recordConsent(page, 'outcomes', 'yes');
  await page.click(byTestId('write-message'));
  message = await page.inputValue(byTestId('message-text'));
  assert.match(message, /life satisfaction 3 \(low\) → 6 \(medium\); worthwhile 4 \(low\) → 6 \(medium\); happiness 4 \(low\) → 7 \(high\); anxiety 8 \(high\) → 4 \(medium\)/);
  assert.match(message, /1 questionnaire declined or not appropriate/);

  // Edited, then copied as plain text.
  await page.fill(byTestId('message-text'), `${message}\nSeen at the Thursday walking group.`);
  await page.click(byTestId('copy-message'));
  await page.waitForSelector(`${byTestId('copied')} >> text=Copied as plain text`);
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(clip, /Seen at the Thursday walking group\.$/);

  // Printed, the message alone fits on one A4 page.
  await page.emulateMedia({ media: 'print' });
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 1, 'one A4 page');
  await page.emulateMedia({ media: 'screen' });

  await page.check(byTestId('codes-only'));
  const codes = await page.inputValue(byTestId('message-text'));
  assert.match(codes, /SNOMED CT 871731000000106/);
  assert.doesNotMatch(codes, /→|Reasons for referral/);

  // Consent withdrawn: the open message is written again at once, without the scores.
  await page.uncheck(byTestId('codes-only'));
  assert.match(await page.inputValue(byTestId('message-text')), /3 \(low\) → 6/);
  await page.fill(byTestId('feedback-quote'), 'It helped');
  assert.doesNotMatch(await page.textContent(byTestId('feedback-form')), /Saved/, 'an unsaved change is not "Saved."');
  await page.click(byTestId('consent-outcomes') + ' ' + byTestId('consent-withdraw'));
  assert.equal(await page.inputValue(byTestId('consent-answer-choice')), 'no', 'Withdraw fills in "no"');
  await page.click(byTestId('save-consent'));
  await page.waitForSelector(byTestId('message-rewritten'));
  assert.doesNotMatch(await page.inputValue(byTestId('message-text')), /→/);
  assert.match(await page.inputValue(byTestId('message-text')), /has not agreed to share them/);
  assert.match(await page.textContent(byTestId('consent-outcomes')), /No/);
  await page.click(byTestId('write-message'));
  assert.doesNotMatch(await page.inputValue(byTestId('message-text')), /→/);
  // The withdrawal is stored: it holds after locking and unlocking.
  await page.keyboard.press('Control+Shift+L');
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('row-reference'));
  assert.match(await page.textContent(`${byTestId('consent-outcomes')} ${byTestId('consent-answer')}`), /^No$/);
  assert.match(await page.textContent(byTestId('consent-history')), /Sharing changes in their outcome scores — No/);
  await page.click(byTestId('write-message'));
  assert.doesNotMatch(await page.inputValue(byTestId('message-text')), /→/);
  assert.deepEqual(app.errors, []);
});

test('an instrument file adds a questionnaire, and a bad one is refused with the reason', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('nav-settings'));
  const fs = await import('node:fs/promises');
  const good = await fs.readFile(new URL('../../crates/core/fixtures/instruments/wellbeing-star.json', import.meta.url), 'utf8');
  await page.setInputFiles(byTestId('instrument-file'), { name: 'star.json', mimeType: 'application/json', buffer: Buffer.from(good.replace('"min": 1', '"min": 11')) });
  await page.waitForSelector(byTestId('outcome-settings-error'));
  assert.match(await page.textContent(byTestId('outcome-settings-error')), /must be below the highest/);
  await page.setInputFiles(byTestId('instrument-file'), { name: 'star.json', mimeType: 'application/json', buffer: Buffer.from(good) });
  await page.waitForSelector(`${byTestId('outcome-settings-result')} >> text=Loaded “Wellbeing star (example)”`);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0700');
  await page.click(byTestId('row-reference'));
  await page.selectOption(byTestId('measure-instrument'), 'wellbeing-star');
  assert.match(await page.textContent(byTestId('measure-items')), /Managing money/);
  assert.deepEqual(app.errors, []);
});
