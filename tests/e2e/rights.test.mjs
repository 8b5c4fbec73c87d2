// End-to-end: the person's plan printed and copied; a person's record exported for a
// subject access request; a person deleted with nothing of them left in storage; edits kept
// in a history; retention listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { screenshot } from './harness.mjs';
import {
  addPractice,
  byTestId,
  caseloadRows,
  createWorkspace,
  logConcern,
  openFresh,
  openStorage,
  recordConsent,
  recordReferral,
  storedEntries,
  unlockByKeyboard,
} from './flows.mjs';

/** Opens the referral with this reference from the caseload. */
async function openReferral(page, reference) {
  await caseloadRows(page);
  await page.click(`${byTestId('caseload-row')}:has-text("${reference}") ${byTestId('row-reference')}`);
  await page.waitForSelector(byTestId('section-menu'));
}

async function addAction(page, by, what, { service = '', due = '' } = {}) {
  await page.selectOption(byTestId('plan-by'), by);
  if (service) await page.fill(byTestId('plan-service'), service);
  await page.fill(byTestId('plan-what'), what);
  if (due) await page.fill(byTestId('plan-due'), due);
  await page.click(byTestId('save-plan-action'));
  await page.waitForSelector(`${byTestId('plan-said')} >> text=Added to the plan`);
}

test("the person's plan is agreed, made into tasks, and printed and copied in plain words", async (t) => {
  const app = await openFresh(t);
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-settings'));
  await page.fill(byTestId('link-worker-contact'), 'Sam Patel, 01632 960000');
  await page.click(byTestId('save-outcome-settings'));
  await recordReferral(page, 'RV-0900', { notes: 'Private note for the team' });
  await openReferral(page, 'RV-0900');
  await page.fill(byTestId('field-what-matters'), 'Seeing my grandchildren more.');
  await page.click(byTestId('save-referral'));
  await openReferral(page, 'RV-0900');
  await logConcern(page, 'self_neglect', 'Kitchen very cold');

  // Refused next to the field: nothing to do, a service without a name.
  await page.click(byTestId('save-plan-action'));
  await page.waitForSelector(`${byTestId('plan-form')} >> text=Say what`);
  await addAction(page, 'person', 'go to the walking group on Tuesday', { due: '2026-12-08' });
  await addAction(page, 'link_worker', 'ring the housing team about the heating');
  await page.selectOption(byTestId('plan-by'), 'service');
  await page.fill(byTestId('plan-what'), 'check your benefits');
  await page.click(byTestId('save-plan-action'));
  await page.waitForSelector(`${byTestId('plan-form')} >> text=Name the service`);
  await page.fill(byTestId('plan-service'), 'Citizens Advice');
  await page.click(byTestId('save-plan-action'));
  await page.waitForSelector(`${byTestId('plan-said')} >> text=Added to the plan`);
  assert.equal(await page.$$eval(byTestId('plan-action'), (l) => l.length), 3);

  // An agreed action becomes a task, once.
  await page.click(`${byTestId('plan-action')}:has-text("ring the housing team") ${byTestId('plan-make-task')}`);
  await page.waitForSelector(`${byTestId('plan-action')}:has-text("ring the housing team") ${byTestId('plan-action-task')}`);
  assert.match(await page.textContent('#sec-tasks'), /ring the housing team about the heating/);

  // The person's copy: written to them, with none of the internal record.
  await page.click(byTestId('plan-show'));
  await page.waitForSelector(byTestId('plan-preview'));
  const preview = await page.textContent(byTestId('plan-preview'));
  for (const words of [
    'Your plan',
    'What matters to you',
    'Seeing my grandchildren more',
    'What we agreed',
    'You will go to the walking group on Tuesday by 8 December',
    'I will ring the housing team about the heating',
    'Citizens Advice will check your benefits',
    'How to reach me',
    'Sam Patel, 01632 960000',
  ]) {
    assert.ok(preview.includes(words), `missing ${words} in ${preview}`);
  }
  for (const internal of ['RV-0900', 'Private note', 'Kitchen very cold', 'SNOMED', 'Self-neglect', 'Active', 'Referred']) {
    assert.ok(!preview.includes(internal), `${internal} is on the person's copy`);
  }
  await screenshot(page, 'plan');

  // Printed, the copy alone, on one A4 page.
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => ({
    sheet: getComputedStyle(document.querySelector('.plan-sheet')).display,
    header: document.querySelector('.site-header').getBoundingClientRect().height,
    main: document.querySelector('#main').getBoundingClientRect().height,
  }));
  assert.deepEqual(shown, { sheet: 'block', header: 0, main: 0 }, 'only the plan prints');
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  assert.equal((pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1, 'one A4 page');
  await page.emulateMedia({ media: 'screen' });

  // Copied as text, the same words.
  await page.click(byTestId('plan-copy'));
  await page.waitForSelector(`${byTestId('plan-copied')} >> text=Copied as plain text`);
  const text = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(text, /^Your plan\n\nThis is your plan/);
  assert.match(text, /- You will go to the walking group on Tuesday by 8 December/);
  assert.ok(!text.includes('RV-0900'));
  assert.deepEqual(app.errors, []);
});

test("a person's record is exported whole, as a web page and as JSON, without the record key", async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0910', { notes: 'Prefers <b>mornings</b>' });
  await openReferral(page, 'RV-0910');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 1 time`);
  await logConcern(page, 'safeguarding', 'Money going missing from the flat');
  await recordConsent(page, 'support', 'yes', 'written');
  await page.fill(byTestId('note-text'), 'Called the housing team about the damp');
  await page.click(byTestId('save-note'));
  await page.waitForSelector(`${byTestId('timeline')} >> text=Called the housing team`);

  const [html] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('export-record-html'))]);
  assert.match(html.suggestedFilename(), /^linkwork-record-RV-0910-\d{4}-\d{2}-\d{2}\.html$/);
  const page1 = await fs.readFile(await html.path(), 'utf8');
  for (const held of ['RV-0910', 'Riverside Medical Practice', 'Money going missing from the flat', 'Called the housing team about the damp', 'Prefers &lt;b&gt;mornings&lt;/b&gt;']) {
    assert.ok(page1.includes(held), `${held} missing from the page`);
  }
  assert.ok(!page1.includes('<b>mornings'), 'typed text is escaped');
  assert.ok(!/<script/i.test(page1), 'no scripts');
  const [json] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('export-record-json'))]);
  assert.match(json.suggestedFilename(), /^linkwork-record-RV-0910-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(await fs.readFile(await json.path(), 'utf8'));
  assert.equal(doc.format, 'linkwork.person-record');
  assert.equal(doc.person.reference, 'RV-0910');
  assert.equal(doc.referrals.length, 1);
  assert.equal(doc.referrals[0].risks[0].concern, 'Money going missing from the flat');
  assert.equal(doc.referrals[0].key, undefined, 'the record key never leaves');
  // The record key is in storage, and it is not in either file.
  const stored = await openStorage(page);
  const key = stored.map(([, text]) => text.match(/"key":"([0-9a-f]{16})"/)).find(Boolean)[1];
  assert.ok(!page1.includes(key) && !JSON.stringify(doc).includes(key));
  assert.deepEqual(app.errors, []);
});

test('a person deleted leaves nothing of them in any stored document, drafts included', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0920', { notes: 'Marker-notes-0920' });
  await recordReferral(page, 'RV-0921', { notes: 'Keep-me-0921' });
  await openReferral(page, 'RV-0920');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('seen-count')} >> text=Seen 1 time`);
  await logConcern(page, 'safeguarding', 'Marker-risk-0920');
  await page.fill(byTestId('note-text'), 'Marker-casenote-0920');
  await page.click(byTestId('save-note'));
  await page.waitForSelector(`${byTestId('timeline')} >> text=Marker-casenote-0920`);
  // An own task that names them, and a half-typed concern.
  await page.click(byTestId('nav-today'));
  const ownTasks = 'section[aria-labelledby="today-own-tasks"]';
  await page.fill(`${ownTasks} ${byTestId('task-input')}`, 'Chase the council for RV-0920');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${ownTasks} >> text=Chase the council for RV-0920`);
  await openReferral(page, 'RV-0920');
  await page.fill(byTestId('risk-concern'), 'Marker-draft-0920');

  // The scan sees them before, the half-typed concern too (a lock keeps it, encrypted):
  // it can find what it looks for.
  const markers = ['RV-0920', 'Marker-notes-0920', 'Marker-risk-0920', 'Marker-casenote-0920'];
  const referralId = new URL(page.url()).hash.split('/').pop();
  await page.keyboard.press('Control+Shift+L');
  const before = (await openStorage(page)).map(([, text]) => text).join('\n');
  for (const m of [...markers, 'Marker-draft-0920', referralId]) assert.ok(before.includes(m), `${m} is stored before`);
  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('delete-person'));
  assert.equal(await page.inputValue(byTestId('risk-concern')), 'Marker-draft-0920', 'the draft came back');

  // A typed confirmation, refused until it matches.
  await page.click(byTestId('delete-person'));
  await page.waitForSelector(byTestId('delete-person-confirm'));
  assert.match(await page.textContent(byTestId('delete-person-confirm')), /all 1 of their episodes/);
  assert.match(await page.textContent(byTestId('delete-person-confirm')), /1 note\(s\) elsewhere/);
  await page.fill(byTestId('delete-person-typed'), 'RV-092');
  await page.click(byTestId('delete-person-confirmed'));
  await page.waitForSelector(`${byTestId('delete-person-confirm')} >> text=Type the reference exactly`);
  await page.fill(byTestId('delete-person-typed'), 'rv-0920');
  await page.click(byTestId('delete-person-confirmed'));
  await page.waitForSelector(`${byTestId('notice')} >> text=RV-0920 and everything about them was deleted`);
  const rows = await caseloadRows(page);
  assert.deepEqual(rows.map((r) => r[0]), ['RV-0921']);

  // Locked (which keeps any half-filled form), then opened: nothing of them anywhere.
  await page.keyboard.press('Control+Shift+L');
  const whileLocked = (await openStorage(page)).map(([, text]) => text).join('\n');
  await unlockByKeyboard(page);
  const after = (await openStorage(page)).map(([, text]) => text).join('\n');
  for (const text of [whileLocked, after]) {
    for (const m of [...markers, 'Marker-draft-0920', referralId]) {
      assert.ok(!text.includes(m), `${m} is still stored`);
    }
    assert.ok(text.includes('Keep-me-0921'), 'the other person is kept');
    assert.ok(text.includes('Chase the council for [person deleted]'), 'the own task is kept, without them');
  }
  const names = (await storedEntries(page)).map(([k, v]) => `${k}=${v}`).join('\n');
  for (const m of markers) assert.ok(!names.includes(m));
  assert.deepEqual(app.errors, []);
});

test('edits to a referral are kept in a history, and a long-ended record is listed for review', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page, 'Sam');
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0930');
  await openReferral(page, 'RV-0930');
  assert.match(await page.textContent(byTestId('edit-history-empty')), /No changes/);
  await page.fill(byTestId('field-date'), '2024-01-05');
  await page.click(byTestId('save-referral'));
  await openReferral(page, 'RV-0930');
  const history = await page.textContent(byTestId('edit-history'));
  assert.match(history, /, Sam: Referral date changed from “\d+ \w+ \d{4}” to “5 Jan 2024”/);
  // Closed on 1 Jun 2024: not due under the default 8 years, nor ever under 0; under one
  // year it is listed, and kept with a reason it leaves the list for a year.
  await page.click(byTestId('to-close'));
  await page.selectOption(byTestId('close-reason'), 'complete');
  await page.fill(byTestId('status-date'), '2024-06-01');
  await page.click(byTestId('status-confirm-button'));
  await page.waitForSelector(`${byTestId('journey-status')} >> text=Closed`);
  await page.click(byTestId('nav-settings'));
  await page.waitForSelector(byTestId('retention-none'));
  assert.equal(await page.inputValue(byTestId('retention-years')), '8');
  await page.fill(byTestId('retention-years'), 'eight');
  await page.click(byTestId('save-retention'));
  await page.waitForSelector(`${byTestId('retention')} >> text=whole number from 0`);
  await page.fill(byTestId('retention-years'), '1');
  await page.click(byTestId('save-retention'));
  await page.waitForSelector(byTestId('retention-row'));
  assert.match(await page.textContent(byTestId('retention-row')), /RV-0930.*Riverside Medical Practice.*1 Jun 2024.*1 Jun 2025/);
  await page.click(byTestId('keep-record'));
  await page.waitForSelector(`${byTestId('retention-row')} >> text=Say why`);
  await page.fill(byTestId('keep-reason'), 'Complaint still open');
  await page.click(byTestId('keep-record'));
  await page.waitForSelector(byTestId('retention-none'));
  await page.fill(byTestId('retention-years'), '0');
  await page.click(byTestId('save-retention'));
  await page.waitForSelector(byTestId('retention-none'));
  assert.deepEqual(app.errors, []);
});
