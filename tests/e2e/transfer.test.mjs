// End-to-end: a caseload imported from a spreadsheet, checked row by row,
// and exported for Excel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { addPractice, byTestId, caseloadRows, createWorkspace, openFresh } from './flows.mjs';

const csv = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

const REFERRALS = [
  'reference,referral_date,practice,referrer_role,reasons,status,status_date,closure_reason',
  'RV-1,2026-10-01,Riverside Medical Practice,GP,Loneliness or isolation; Money, debt or benefits,Active,2026-10-05,',
  'RV-2,02/10/2026,Riverside Medical Practice,Self-referral,Housing,Closed,2026-11-01,Person withdrew',
].join('\n').replace('Loneliness or isolation; Money, debt or benefits', '"Loneliness or isolation; Money, debt or benefits"');

const CONTACTS = [
  'reference,referral_date,date,mode,minutes,outcome,note',
  'RV-1,2026-10-01,2026-10-05,Telephone,30,Attended,First call',
  'RV-1,2026-10-01,2026-10-12,At the practice,45,,',
  'RV-2,2026-10-02,2026-10-20,Home visit,60,Did not attend,',
].join('\n');

test('a spreadsheet caseload is checked row by row, imported once, and exported for Excel', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-transfer'));

  // A bad file: every problem listed by row and column, nothing imported.
  const bad = 'reference,referral_date,practice,referrer_role,reasons\nRV-9,31/02/2026,Nowhere Surgery,GP,Housing\n';
  await page.setInputFiles(byTestId('import-referrals'), csv('bad.csv', bad));
  await page.click(byTestId('import-check'));
  await page.waitForSelector(byTestId('import-errors'));
  const problems = await page.$$eval(`${byTestId('import-errors')} tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.deepEqual(problems.map((p) => [p[1], p[2]]), [['2', 'referral_date'], ['2', 'practice']]);
  assert.match(problems[1][3], /Nowhere Surgery/);
  assert.equal(await page.isDisabled(byTestId('import-apply')), true);

  // A good pair of files.
  await page.setInputFiles(byTestId('import-referrals'), csv('referrals.csv', REFERRALS));
  await page.setInputFiles(byTestId('import-contacts'), csv('contacts.csv', CONTACTS));
  await page.click(byTestId('import-check'));
  await page.waitForSelector(`${byTestId('import-summary')} >> text=2 referrals and 3 contacts to add`);
  await page.click(byTestId('import-apply'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Imported 2 referrals and 3 contacts`);
  await page.selectOption(byTestId('filter-status'), 'all');
  const rows = await caseloadRows(page);
  assert.deepEqual(rows.map((r) => [r[0], r[4], r[5]]).sort(), [['RV-1', 'Active', '2'], ['RV-2', 'Closed', '0']]);

  // The same files again add nothing.
  await page.click(byTestId('to-transfer'));
  await page.setInputFiles(byTestId('import-referrals'), csv('referrals.csv', REFERRALS));
  await page.setInputFiles(byTestId('import-contacts'), csv('contacts.csv', CONTACTS));
  await page.click(byTestId('import-check'));
  await page.waitForSelector(`${byTestId('import-summary')} >> text=0 referrals and 0 contacts to add; 5 rows already in Linkwork`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('export-referrals'))]);
  const text = await fs.readFile(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with BOM for Excel');
  assert.match(text, /RV-1,2026-10-01,Riverside Medical Practice,GP/);
  assert.deepEqual(app.errors, []);
});

test('the check and the import agree: rows the check lists are never imported, the rest all are', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-transfer'));
  const referrals = [
    'reference,referral_date,practice,referrer_role,reasons,status,status_date,next_step,next_step_due',
    'RV-1,2026-10-01,Riverside Medical Practice,GP,Housing,,,Ring the housing officer,30/11/2026',
    'RV-2,2026-10-02,Riverside Medical Practice,GP,Housing,Active,2026-09-01,,',
    'RV-3,2026-10-03,Riverside Medical Practice,GP,Housing,Active,2099-01-01,,',
    'RV-4,2026-10-04,Riverside Medical Practice,GP,Housing,Active,2026-10-10,,',
  ].join('\n');
  const contacts = [
    'reference,referral_date,date,mode,minutes,outcome,note',
    'RV-1,2026-10-01,2026-10-05,Telephone,30,Attended,',
    'RV-1,2026-10-01,2026-10-06,Telephone,700,Attended,',
    `RV-4,2026-10-04,2026-10-11,Telephone,20,Attended,${'x'.repeat(604)}`,
  ].join('\n');
  await page.setInputFiles(byTestId('import-referrals'), csv('october-caseload.csv', referrals));
  await page.setInputFiles(byTestId('import-contacts'), csv('october-contacts.csv', contacts));
  await page.click(byTestId('import-check'));
  await page.waitForSelector(byTestId('import-errors'));
  const summary = await page.textContent(byTestId('import-summary'));
  assert.match(summary, /2 referrals and 1 contact to add/);
  const problems = await page.$$eval(`${byTestId('import-errors')} tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.deepEqual(
    problems.map((p) => [p[0], p[1], p[2]]),
    [
      ['october-caseload.csv', '3', 'status_date'],
      ['october-caseload.csv', '4', 'status_date'],
      ['october-contacts.csv', '3', 'minutes'],
      ['october-contacts.csv', '4', 'note'],
    ],
  );
  await page.click(byTestId('import-valid-only'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Imported 2 referrals and 1 contact; 4 rows with problems left out`);
  const rows = await caseloadRows(page);
  assert.deepEqual(rows.map((r) => [r[0], r[4]]).sort(), [['RV-1', 'Active'], ['RV-4', 'Active']]);
  assert.deepEqual(app.errors, []);
});
