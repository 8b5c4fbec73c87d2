// Practice and community work, and the practice integration check-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { addPractice, byTestId, createWorkspace, openFresh, unlockByKeyboard } from './flows.mjs';

const cells = (page, selector) =>
  page.$$eval(selector, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));

test('practice and community work are logged in seconds; a check-in changes the practice profile', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice', '11200');

  // Practice work by keyboard: the form opens with focus on the kind of work.
  await page.click(byTestId('nav-work'));
  await page.waitForSelector(byTestId('activity-form'));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'activity-kind');
  const started = Date.now();
  await page.keyboard.type('Bri'); // "Briefing or training staff about the role"
  await page.focus(byTestId('activity-minutes'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('45');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector(`${byTestId('notice')} >> text=Recorded: Briefing`);
  t.diagnostic(`practice activity by keyboard: ${Date.now() - started} ms of scripted typing`);
  assert.equal(await page.textContent(byTestId('month-practice')), '0.8 h');

  // Community work needs the organisation, and says so next to the field.
  await page.check(byTestId('activity-level-community'));
  await page.selectOption(byTestId('activity-practice'), '');
  await page.click(byTestId('save-activity'));
  await page.waitForSelector(byTestId('activity-organisation-error'));
  assert.match(await page.textContent(byTestId('activity-organisation-error')), /Name the organisation/);
  assert.equal(await page.getAttribute(byTestId('activity-organisation'), 'aria-invalid'), 'true');
  await page.fill(byTestId('activity-organisation'), 'Riverside Walking Group');
  await page.fill(byTestId('activity-minutes'), '90');
  await page.click(byTestId('save-activity'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Recorded: Meeting or visit`);
  assert.equal(await page.textContent(byTestId('month-community')), '1.5 h');
  const log = await cells(page, byTestId('activity-row'));
  assert.equal(log.length, 2);
  assert.deepEqual(
    log.map((r) => [r[1], r[3], r[4]]),
    [
      ['Community', 'Riverside Walking Group', '90'],
      ['Practice', 'Riverside Medical Practice', '45'],
    ],
  );
  assert.equal(await page.textContent(byTestId('month-share')), '100%', 'no contacts yet: all beyond one-to-one');

  // The practice is due its first check-in.
  await page.click(byTestId('nav-practices'));
  await page.waitForSelector(byTestId('checkins-due'));
  assert.equal(await page.textContent(byTestId('checkin-due')), 'No check-in yet: due now');
  let side = await cells(page, `${byTestId('table-practices')} tbody tr`);
  assert.deepEqual(side[0], ['Riverside Medical Practice', '0', '0.0', '0', 'none yet', '100%', '–']);

  // The check-in, keyboard and mouse as it comes.
  await page.click(byTestId('start-checkin-riverside-medical-practice'));
  await page.waitForSelector(byTestId('checkin-form'));
  await page.click(byTestId('save-checkin'));
  await page.waitForSelector(byTestId('error-summary'));
  assert.match(await page.textContent(byTestId('error-summary')), /Rate at least one statement/);
  for (const [id, value] of [['understand_role', 4], ['differs', 2], ['champion', 5], ['hear_back', 3]]) {
    await page.check(byTestId(`rate-${id}-${value}`));
  }
  await page.selectOption(byTestId('check-room'), 'yes');
  await page.selectOption(byTestId('check-induction'), 'partly');
  await page.check(byTestId('continuum-fitting_in'));
  await page.check(byTestId('checkin-lead'));
  await page.fill(byTestId('checkin-helped'), 'Invited to the clinical meeting');
  await page.click(byTestId('save-checkin'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Check-in saved`);
  await screenshot(page, 'practices');

  // The profile shows it: where the role sits, the scores, what is in place, when next due.
  assert.match(await page.textContent(byTestId('checkin-due')), /^Next due \d+ \w+ \d{4}$/);
  side = await cells(page, `${byTestId('table-practices')} tbody tr`);
  assert.equal(side[0][6], 'Fitting in');
  const over = await cells(page, `${byTestId('table-practice-checkins-0')} tbody tr`);
  assert.equal(over.length, 1);
  // Date, with the lead, then the four constructs: (4+2)/2, 5, none rated, 3.
  assert.deepEqual(over[0].slice(1), ['Yes', '3.0', '5.0', '–', '3.0', 'Fitting in', '1 of 8']);
  const checklist = await cells(page, `${byTestId('table-checklists')} tbody tr`);
  assert.deepEqual(checklist[0].slice(0, 4), ['Riverside Medical Practice', 'Partly', 'Not known', 'Yes']);

  // All of it is kept, encrypted, over a lock.
  await page.click(byTestId('lock'));
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-practices'));
  await page.waitForSelector(byTestId('table-practice-checkins-0'));
  side = await cells(page, `${byTestId('table-practices')} tbody tr`);
  assert.equal(side[0][6], 'Fitting in');
  await page.click(byTestId('nav-work'));
  await page.waitForSelector(byTestId('activity-row'));
  assert.equal((await cells(page, byTestId('activity-row'))).length, 2);
  assert.deepEqual(app.errors, []);
});

test('the demo shows a year of practice work and check-ins, with one practice still to check in with', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-practices'));
  await page.waitForSelector(`${byTestId('chart-balance')} svg`);
  await page.waitForSelector(`${byTestId('chart-scores')} svg`);
  const due = await page.$$eval(byTestId('checkin-due'), (b) => b.map((x) => x.textContent));
  assert.equal(due.length, 7);
  assert.equal(due.filter((d) => d === 'No check-in yet: due now').length, 1);
  const balance = await cells(page, `${byTestId('table-balance')} tbody tr`);
  assert.equal(balance.length, 12);
  assert.ok(balance.some((r) => r[3] !== '0.0'), 'practice work recorded');
  assert.deepEqual(app.errors, []);
});

test('one practice without practice or community work is flagged by name and months, though the total is fine', async (t) => {
  const app = await openFresh(t, { clock: '2026-11-21T12:00:00Z' });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await addPractice(page, 'Hillview Surgery');
  // Riverside: ten hours with one person in each of August, September and October.
  const csv = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-transfer'));
  await page.setInputFiles(byTestId('import-referrals'), csv('caseload.csv',
    'reference,referral_date,practice,referrer_role,reasons\nRV-1,2026-08-01,Riverside Medical Practice,GP,Housing\n'));
  await page.setInputFiles(byTestId('import-contacts'), csv('contacts.csv', [
    'reference,referral_date,date,mode,minutes',
    'RV-1,2026-08-01,2026-08-10,Telephone,600',
    'RV-1,2026-08-01,2026-09-10,Telephone,600',
    'RV-1,2026-08-01,2026-10-10,Telephone,600',
  ].join('\n')));
  await page.click(byTestId('import-check'));
  await page.click(byTestId('import-apply'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Imported 1 referral and 3 contacts`);
  // Hillview: a long team meeting in each of those months.
  await page.click(byTestId('nav-work'));
  await page.waitForSelector(byTestId('activity-form'));
  for (const day of ['2026-08-12', '2026-09-12', '2026-10-12']) {
    await page.fill(byTestId('activity-date'), day);
    await page.selectOption(byTestId('activity-practice'), { label: 'Hillview Surgery' });
    await page.fill(byTestId('activity-minutes'), '400');
    await page.click(byTestId('save-activity'));
    await page.waitForSelector(`${byTestId('activity-row')} >> text=${Number(day.slice(8))}`);
  }
  await page.waitForSelector(byTestId('balance-flag'));
  const items = await page.$$eval(byTestId('balance-flag-item'), (li) => li.map((x) => x.textContent));
  assert.deepEqual(items, ['Riverside Medical Practice: August to October 2026 (3 months)']);
  assert.deepEqual(app.errors, []);
});
