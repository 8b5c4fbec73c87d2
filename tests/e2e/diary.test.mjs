// End-to-end: the link worker's day. Booking by keyboard, Today's "to record", marking,
// the did-not-attend figures, tasks, the printed day sheet and the calendar file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import ICAL from 'ical.js';
import { screenshot } from './harness.mjs';
import {
  addPractice,
  byTestId,
  caseloadRows,
  createWorkspace,
  openFresh,
  recordReferral,
  tabTo,
  unlockByKeyboard,
} from './flows.mjs';

const MONDAY = '2026-11-23T09:00:00Z';

/** Moves the browser's clock on; if the idle lock closed the workspace meanwhile, unlocks. */
async function moveClockTo(page, when) {
  await page.clock.setSystemTime(new Date(when));
  await page.clock.runFor(61_000);
  if (await page.$(byTestId('unlock-form'))) await unlockByKeyboard(page);
}

/** Opens the only referral from the caseload. */
async function openReferral(page) {
  await caseloadRows(page);
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('section-menu'));
}

/** Which element has focus: its id or test id. */
function focused(page) {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.dataset?.testid || null);
}

/** The calendar file's events as plain objects, read by ical.js. */
function events(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((e) => ({
    uid: e.getFirstPropertyValue('uid'),
    summary: e.getFirstPropertyValue('summary'),
    location: e.getFirstPropertyValue('location'),
    start: e.getFirstPropertyValue('dtstart').toString(),
    end: e.getFirstPropertyValue('dtend').toString(),
    status: e.getFirstPropertyValue('status'),
    sequence: e.getFirstPropertyValue('sequence'),
    description: e.getFirstPropertyValue('description'),
  }));
}

async function downloadCalendar(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('ics-download'))]);
  assert.match(download.suggestedFilename(), /^linkwork-diary-\d{4}-\d{2}-\d{2}\.ics$/);
  return fs.readFile(await download.path(), 'utf8');
}

test('a day: book by keyboard, record from Today, missed figures, tasks, the day sheet and the calendar file', async (t) => {
  const app = await openFresh(t, { clock: MONDAY });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0300', { notes: 'Lives with her daughter Jane' });
  await openReferral(page);

  // Book by keyboard: a shortcut to the section, then typed fields and Enter.
  const started = Date.now();
  await page.keyboard.press('Alt+Shift+1');
  assert.equal(await focused(page), 'sec-contacts-heading');
  await tabTo(page, 'booking-date');
  await page.keyboard.type('11242026');
  assert.equal(await page.inputValue(byTestId('booking-date')), '2026-11-24');
  await tabTo(page, 'booking-start');
  await page.keyboard.type('1030A');
  await tabTo(page, 'booking-minutes');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('45');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Tel');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'booking-place');
  await page.keyboard.type('Room 3, Hillview');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${byTestId('booking-done')} >> text=Booked for 24 Nov 2026 at 10:30`);
  const took = Date.now() - started;
  t.diagnostic(`booking by keyboard: ${took} ms of scripted typing, a shortcut, Tab to each field, 5 typed values and Enter`);
  assert.ok(took < 15_000, `booking took ${took} ms`);
  assert.equal(await page.inputValue(byTestId('booking-date')), '2026-11-30', 'the form is fresh for the next one');
  assert.match(await page.textContent(byTestId('glance-next')), /24 Nov 2026 at 10:30, Telephone, Room 3, Hillview/);
  assert.match(await page.textContent(byTestId('timeline-booked')), /Booked: 10:30 · Telephone · 45 min · Room 3, Hillview/);
  // Attended cannot be marked before the day.
  assert.equal(await page.isDisabled(`${byTestId('appointment')} ${byTestId('mark-attended')}`), true);

  // Two days later it waits under "to record" on Today.
  await moveClockTo(page, '2026-11-25T09:00:00Z');
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(byTestId('today-to-record'));
  const row = await page.textContent(byTestId('today-to-record'));
  assert.match(row, /24 Nov 2026/);
  assert.match(row, /10:30–11:15/);
  assert.match(row, /RV-0300/);
  await screenshot(page, 'today-to-record');
  await page.click(`${byTestId('today-to-record')} ${byTestId('mark-attended')}`);
  await page.waitForSelector(`${byTestId('today-to-record')}`, { state: 'detached' });

  // The contact is recorded with the booking's date, mode and minutes: seen once.
  await openReferral(page);
  assert.equal(await page.textContent(byTestId('seen-count')), 'Seen 1 time');
  assert.match(await page.textContent(byTestId('timeline-contact')), /Telephone · 45 min · Attended/);
  assert.match(await page.textContent(byTestId('timeline-contact')), /24 Nov 2026/);
  assert.equal(await page.$(byTestId('timeline-booked')), null, 'no longer ahead');

  // The dashboard's did-not-attend figures before a missed appointment.
  await page.click(byTestId('nav-dashboard'));
  await page.waitForSelector(byTestId('tile-dna'));
  const dnaBefore = await page.textContent(`${byTestId('tile-dna')}`);
  assert.match(await page.textContent(`${byTestId('tile-booked-dna')}`), /^0%$/);

  // Another, today at 14:00 (with the mouse), missed: marked from Today.
  await openReferral(page);
  await page.fill(byTestId('booking-date'), '2026-11-25');
  await page.fill(byTestId('booking-start'), '14:00');
  await page.click(byTestId('save-booking'));
  await page.waitForSelector(`${byTestId('booking-done')} >> text=Booked for 25 Nov 2026 at 14:00`);
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(byTestId('today-appointments'));
  await page.click(`${byTestId('today-appointments')} ${byTestId('mark-dna')}`);
  await page.waitForSelector(byTestId('dna-next'));
  assert.match(await page.textContent(byTestId('dna-next')), /Book again/);
  assert.equal(await page.$(byTestId('dna-close')), null, 'one miss is not three');
  await page.click(byTestId('dna-letter'));
  await page.waitForSelector(`${byTestId('today-tasks')} >> text=Send a letter after the missed appointment on 25 Nov 2026`);

  await page.click(byTestId('nav-dashboard'));
  await page.waitForSelector(byTestId('tile-dna'));
  const dnaAfter = await page.textContent(`${byTestId('tile-dna')}`);
  assert.notEqual(dnaAfter, dnaBefore, 'the missed appointment counts');
  assert.equal(dnaAfter, '50%');
  assert.equal(await page.textContent(`${byTestId('tile-booked-dna')}`), '50%');

  // Tasks on the referral: an overdue one flags the caseload until it is ticked.
  await openReferral(page);
  await page.keyboard.press('Alt+Shift+2');
  assert.equal(await focused(page), 'sec-tasks-heading');
  await page.fill(`#sec-tasks ${byTestId('task-input')}`, 'Ring the housing officer');
  await page.fill(`#sec-tasks ${byTestId('task-due')}`, '2026-11-24');
  await page.click(`#sec-tasks ${byTestId('add-task')}`);
  await page.waitForSelector(`#sec-tasks ${byTestId('open-tasks')} >> text=Ring the housing officer`);
  assert.match(await page.textContent(byTestId('glance-tasks')), /2, 1 overdue/);
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(`${byTestId('caseload-row')} ${byTestId('flag-overdue')}`);
  await openReferral(page);
  await page.click(`#sec-tasks ${byTestId('open-tasks')} li:has-text("Ring the housing officer") input`);
  await page.waitForSelector(`#sec-tasks ${byTestId('done-tasks')} >> text=Ring the housing officer`, { state: 'attached' });
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('caseload-row'));
  assert.equal(await page.$(byTestId('flag-overdue')), null, 'ticked: no longer overdue');

  // A task of one's own on Today, ticked off there.
  await page.click(byTestId('nav-today'));
  await page.fill(`${byTestId('tasks')} ${byTestId('task-input')}`, 'Chase the housing team about the waiting list');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${byTestId('open-tasks')} >> text=Chase the housing team`);
  await page.click(`${byTestId('open-tasks')} li:has-text("Chase the housing team") input`);
  await page.waitForSelector(`${byTestId('done-tasks')} >> text=Chase the housing team`, { state: 'attached' });

  // The day sheet prints the day alone: references, times, places, modes; no notes.
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('diary'));
  await page.fill(byTestId('sheet-day'), '2026-11-25');
  await page.waitForSelector(`${byTestId('sheet-row')} >> text=RV-0300`);
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => document.body.innerText);
  await screenshot(page, 'day-sheet-print');
  await page.emulateMedia({ media: 'screen' });
  assert.match(printed, /Day sheet: Wednesday 25 November 2026/);
  assert.match(printed, /14:00–14:30/);
  assert.match(printed, /RV-0300/);
  assert.match(printed, /Telephone/);
  for (const secret of ['Jane', 'daughter', 'housing', 'letter', 'Riverside', 'Caseload', 'Diary']) {
    assert.ok(!printed.includes(secret), `the printed sheet holds "${secret}"`);
  }

  // The coming weeks as a calendar file, read by ical.js; the same UIDs next time.
  await openReferral(page);
  await page.fill(byTestId('booking-date'), '2026-12-02');
  await page.fill(byTestId('booking-start'), '09:15');
  await page.fill(byTestId('booking-place'), 'Room 3, Hillview');
  await page.click(byTestId('save-booking'));
  await page.waitForSelector(`${byTestId('booking-done')} >> text=Booked for 2 Dec 2026 at 09:15`);
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('diary'));
  const text = await downloadCalendar(page);
  const first = events(text);
  assert.equal(first.length, 2, 'today\'s missed one and the one ahead');
  const ahead = first.find((e) => e.start.startsWith('2026-12-02'));
  assert.equal(ahead.start, '2026-12-02T09:15:00');
  assert.equal(ahead.end, '2026-12-02T09:45:00');
  assert.equal(ahead.summary, 'RV-0300 (Telephone)');
  assert.equal(ahead.location, 'Room 3, Hillview');
  assert.equal(ahead.description, null, 'no notes');
  for (const secret of ['Jane', 'daughter', 'housing', 'Riverside']) {
    assert.ok(!text.includes(secret), `the calendar file holds "${secret}"`);
  }
  await page.clock.runFor(120_000);
  const again = events(await downloadCalendar(page));
  assert.deepEqual(again.map((e) => e.uid).sort(), first.map((e) => e.uid).sort(), 'stable UIDs');
  assert.ok(again[0].sequence >= first[0].sequence);

  // Every task, done or not, the person's and one's own, goes out in the tasks export.
  await page.evaluate(() => { location.hash = '#/transfer'; });
  const [tasks] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('export-tasks'))]);
  const csv = await fs.readFile(await tasks.path(), 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'reference,referral_date,task,due,done');
  assert.ok(lines.includes('RV-0300,2026-11-23,Ring the housing officer,2026-11-24,2026-11-25'), csv);
  assert.ok(lines.includes(',,Chase the housing team about the waiting list,,2026-11-25'), csv);
  assert.deepEqual(app.errors, []);
});

test('the referral page: sections by shortcut, and half-filled forms survive moving about and a lock', async (t) => {
  const app = await openFresh(t, { clock: MONDAY });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0301');
  await openReferral(page);

  // The menu names each section and its shortcut.
  const menu = await page.textContent(byTestId('section-menu'));
  const sections = ['Contacts and appointments', 'Tasks', 'Risks', 'Consent', 'Plan', 'Connections', 'Outcomes', 'Feedback, message back and GP record', 'Details'];
  for (const [i, words] of sections.entries()) {
    const n = i + 1;
    assert.match(menu, new RegExp(`${words}Alt\\+Shift\\+${n}`));
  }
  // A place that says where someone lives is warned about as it is typed (it goes on the
  // day sheet and into calendar files); a room is not.
  await page.fill(byTestId('booking-place'), '12 High Street, LS1 4AB');
  assert.match(await page.textContent(byTestId('place-warning')), /postcode.*calendar files/);
  await page.fill(byTestId('booking-place'), 'Room 9, Riverside');
  assert.equal(await page.$(byTestId('place-warning')), null);
  await page.fill(byTestId('booking-start'), '11:00');
  await page.fill(`#sec-tasks ${byTestId('task-input')}`, 'Half typed task');
  // The keys follow the menu: each section's number is its place in it.
  const keys = await page.$$eval(`${byTestId('section-menu')} a`, (links) => links.map((a) => [a.getAttribute('href'), a.getAttribute('aria-keyshortcuts')]));
  assert.deepEqual(keys.map(([, k]) => k), keys.map((_, i) => `Alt+Shift+${i + 1}`));
  const key = (section) => keys.find(([href]) => href === `#${section}`)[1];
  await page.keyboard.press(key('sec-outcomes'));
  assert.equal(await focused(page), 'sec-outcomes-heading');
  await page.keyboard.press(key('sec-details'));
  assert.equal(await focused(page), 'sec-details-heading');
  await page.keyboard.press('Alt+Shift+1');
  assert.equal(await focused(page), 'sec-contacts-heading');
  assert.equal(await page.inputValue(byTestId('booking-place')), 'Room 9, Riverside');

  // A lock keeps them, encrypted, and unlocking brings them back where they were.
  await page.click(byTestId('lock'));
  await page.waitForSelector(byTestId('unlock-form'));
  const stored = JSON.stringify(await page.evaluate(() => Object.entries(localStorage)));
  assert.ok(!stored.includes('Room 9') && !stored.includes('Half typed'), 'kept encrypted');
  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('section-menu'));
  assert.equal(await page.inputValue(byTestId('booking-place')), 'Room 9, Riverside');
  assert.equal(await page.inputValue(byTestId('booking-start')), '11:00');
  assert.equal(await page.inputValue(`#sec-tasks ${byTestId('task-input')}`), 'Half typed task');
  assert.deepEqual(app.errors, []);
});

test('unlocking opens Today; a clash is warned about, not refused', async (t) => {
  const app = await openFresh(t, { clock: MONDAY });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0302');
  await recordReferral(page, 'RV-0303');
  for (const reference of ['RV-0302', 'RV-0303']) {
    await caseloadRows(page);
    await page.click(`${byTestId('caseload-row')}:has-text("${reference}") ${byTestId('row-reference')}`);
    await page.waitForSelector(byTestId('section-menu'));
    await page.fill(byTestId('booking-date'), '2026-11-23');
    await page.fill(byTestId('booking-start'), reference === 'RV-0302' ? '10:00' : '10:30');
    await page.fill(byTestId('booking-minutes'), '60');
    await page.click(byTestId('save-booking'));
    await page.waitForSelector(`${byTestId('booking-done')} >> text=Booked for 23 Nov 2026`);
  }
  assert.match(await page.textContent(byTestId('booking-clash')), /overlaps RV-0302 at 10:00 \(60 minutes\)/);
  // Locked from the caseload (a referral page would be kept and reopened), unlocking opens Today.
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('lock'));
  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('today-heading'));
  assert.equal(await page.title(), 'Today – Linkwork');
  const times = await page.$$eval(`${byTestId('today-appointments')} tbody tr`, (rows) =>
    rows.map((r) => r.querySelector('td').textContent.trim()),
  );
  assert.deepEqual(times, ['10:00–11:00 Overlaps', '10:30–11:30 Overlaps']);
  await page.click(byTestId('nav-diary'));
  await page.waitForSelector(byTestId('diary-clash'));
  assert.equal(await page.$$eval(byTestId('diary-clash'), (c) => c.length), 2);
  assert.deepEqual(app.errors, []);
});

test('Today lists questionnaire reviews due by the weeks set in Settings, and 0 turns them off', async (t) => {
  const app = await openFresh(t, { clock: '2026-11-21T12:00:00Z' });
  const { page } = app;
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('today-heading'));
  const due = await page.$$eval(byTestId('today-review'), (rows) => rows.map((r) => r.textContent));
  assert.ok(due.length > 0, 'the demo has reviews due');
  // A long list shows its first 30, and the rest on request.
  const tasks = await page.$$eval(byTestId('today-task'), (rows) => rows.length);
  assert.ok(tasks <= 30, `${tasks} tasks drawn`);
  const heading = await page.textContent('#today-tasks');
  const total = Number(heading.match(/\((\d+)\)/)[1]);
  if (total > 30) {
    await page.click(byTestId('show-all-tasks'));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="today-task"]').length === n, total);
  } else {
    assert.equal(await page.$(byTestId('show-all-tasks')), null);
  }
  for (const line of due) assert.match(line, /^[A-Z]{2}-\d{5} · .+: baseline \d+ \w+ \d{4}, review due \d+ \w+ \d{4}$/);
  await page.click(byTestId('nav-settings'));
  await page.fill(byTestId('review-weeks'), 'twelve');
  await page.click(byTestId('save-outcome-settings'));
  await page.waitForSelector(`${byTestId('outcome-settings-error')} >> text=whole number from 0 (none) to 104`);
  await page.fill(byTestId('review-weeks'), '0');
  await page.click(byTestId('save-outcome-settings'));
  await page.waitForSelector(byTestId('outcome-settings-result'));
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(byTestId('today-heading'));
  assert.equal(await page.$(byTestId('today-reviews')), null, 'none when set to 0');
  assert.deepEqual(app.errors, []);
});

test('a case note of work on their behalf is in the timeline and counts as time for the person', async (t) => {
  const app = await openFresh(t, { clock: MONDAY });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0305');
  await openReferral(page);
  // Refused next to its field: no words.
  await page.fill(byTestId('note-minutes'), '40');
  await page.click(byTestId('save-note'));
  await page.waitForSelector(`${byTestId('note-form')} >> text=Write what was done or said`);
  await page.fill(byTestId('note-text'), 'Called the housing team about the damp');
  await page.click(byTestId('save-note'));
  await page.waitForSelector(byTestId('timeline-note'));
  assert.match(await page.textContent(byTestId('timeline-note')), /Work on their behalf · 40 min.*Called the housing team about the damp/);
  assert.equal(await page.inputValue(byTestId('note-text')), '', 'the form is fresh');
  await page.click(byTestId('nav-practices'));
  await page.waitForSelector(byTestId('table-balance'));
  const header = await page.$$eval(`${byTestId('table-balance')} thead th`, (th) => th.map((c) => c.textContent));
  assert.equal(header[2], 'On their behalf (hours)');
  const november = await page.$$eval(`${byTestId('table-balance')} tbody tr`, (rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent)).find((r) => r[0].startsWith('Nov')),
  );
  assert.equal(november[2], '0.7', '40 minutes');
  assert.equal(november[1], '0.0', 'apart from contact time');
  assert.deepEqual(app.errors, []);
});

test('an appointment taken out of the diary is never reused: the next booking at the same time has a UID of its own, and the calendar file cancels the old one', async (t) => {
  const { page, errors } = await openFresh(t);
  await createWorkspace(page);
  await addPractice(page, 'Hillview Surgery');
  await recordReferral(page, 'RV-0400');
  const ahead = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const book = async () => {
    await openReferral(page);
    await page.fill(byTestId('booking-date'), ahead);
    await page.fill(byTestId('booking-start'), '10:00');
    await page.click(byTestId('save-booking'));
    await page.waitForSelector(byTestId('booking-done'));
  };
  const calendar = async () => {
    await page.click(byTestId('nav-diary'));
    await page.waitForSelector(byTestId('diary'));
    return events(await downloadCalendar(page));
  };
  await book();
  const before = await calendar();
  assert.equal(before.length, 1);
  const old = before[0].uid;
  await openReferral(page);
  await page.click(byTestId('remove-appointment'));
  await page.waitForSelector(byTestId('remove-appointment'), { state: 'detached' });
  await book();
  const after = await calendar();
  assert.equal(after.length, 2, after.map((e) => `${e.uid} ${e.status}`).join('\n'));
  const gone = after.find((e) => e.uid === old);
  assert.equal(gone?.status, 'CANCELLED', 'the calendar takes the old event out');
  assert.equal(gone.start, `${ahead}T10:00:00`);
  const booked = after.find((e) => e.uid !== old);
  assert.equal(booked.status, 'CONFIRMED');
  assert.equal(booked.start, `${ahead}T10:00:00`, 'the new booking is a new event, not the old one moved');
  assert.deepEqual(errors, []);
});
