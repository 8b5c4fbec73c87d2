// End-to-end: handing people over to a colleague in another browser, and back after cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { screenshot } from './harness.mjs';
import { addPractice, addTask, byTestId, caseloadRows, createWorkspace, logConcern, openFresh, recordConsent, recordReferral, unlockByKeyboard } from './flows.mjs';

/** Goes to the handover page from the caseload. */
async function toHandover(page) {
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-handover'));
  await page.waitForSelector(byTestId('hand-over-form'));
}

/** Hands the people with these references to `to`: gives the file and the code shown. */
async function handOver(page, references, to) {
  await toHandover(page);
  for (const r of references) await page.check(`${byTestId('handover-person')}[value="${r}"]`);
  await page.fill(byTestId('handover-to'), to);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('make-handover'))]);
  await page.waitForSelector(byTestId('handover-made'));
  const code = (await page.textContent(byTestId('handover-code'))).trim();
  const name = download.suggestedFilename();
  const text = await fs.readFile(await download.path(), 'utf8');
  return { name, text, code };
}

/** Opens a handover file with a code on the handover page; waits for the preview or an error. */
async function openHandover(page, file, code) {
  await toHandover(page);
  await page.setInputFiles(byTestId('receive-file'), {
    name: file.name,
    mimeType: 'application/json',
    buffer: Buffer.from(file.text),
  });
  await page.fill(byTestId('receive-code'), code);
  await page.click(byTestId('open-handover'));
  await page.waitForSelector(
    `${byTestId('handover-preview')}, ${byTestId('receive-code-error')}, ${byTestId('receive-file-error')}, ${byTestId('receive-error')}`,
  );
}

/** Jo, in a fresh browser profile, receives `file`; gives her app. */
async function colleagueReceives(t, file) {
  const jo = await openFresh(t);
  await createWorkspace(jo.page, 'Jo (Hillview)');
  await openHandover(jo.page, file, file.code);
  await jo.page.click(byTestId('confirm-receive'));
  await jo.page.waitForSelector(byTestId('notice'));
  return jo;
}

/** Takes the only person handed over back onto the caseload. */
async function takeBackOne(page) {
  await toHandover(page);
  await page.click(byTestId('take-back-one'));
  await page.click(byTestId('confirm-handed-yes'));
}

async function openReferral(page, reference) {
  await page.click(byTestId('nav-caseload'));
  await page.click(`${byTestId('row-reference')}:text-is("${reference}")`);
  await page.waitForSelector(byTestId('journey'));
}

test('three people go to a colleague in another browser, and come back after cover with what was added', async (t) => {
  const sam = await openFresh(t);
  const a = sam.page;
  await createWorkspace(a, 'Sam (Riverside)');
  await addPractice(a, 'Riverside Medical Practice');
  for (const r of ['RV-0001', 'RV-0002', 'RV-0003', 'RV-0004']) {
    await recordReferral(a, r, { notes: `Private note about ${r}` });
  }

  // Sam hands three over: a file, and a code shown once.
  const started = Date.now();
  const file = await handOver(a, ['RV-0001', 'RV-0002', 'RV-0003'], 'Jo (Hillview)');
  t.diagnostic(`hand over three people: ${Date.now() - started} ms`);
  assert.match(file.name, /^linkwork-handover-\d{4}-\d{2}-\d{2}\.json$/);
  assert.match(file.code, /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
  const outer = JSON.parse(file.text);
  assert.equal(outer.from, 'Sam (Riverside)');
  assert.equal(outer.people, 3);
  for (const secret of ['RV-000', 'Private note', 'Riverside Medical', 'Jo (Hillview)', 'loneliness']) {
    assert.ok(!file.text.includes(secret), `${secret} is readable in the handover file`);
  }
  await screenshot(a, 'handover-made');
  // They leave the open caseload, and are read-only here.
  assert.deepEqual((await caseloadRows(a)).map((r) => r[0]), ['RV-0004']);
  await toHandover(a);
  assert.equal(await a.$$eval(byTestId('handed-row'), (r) => r.length), 3);
  await a.click(`${byTestId('handed-reference')}:text-is("RV-0001")`);
  await a.waitForSelector(byTestId('handed-banner'));
  assert.match(await a.textContent(byTestId('handed-banner')), /Handed over to Jo \(Hillview\)/);
  assert.equal(await a.isDisabled(byTestId('save-contact')), true, 'no contact can be added to a referral handed over');

  // Jo, in a fresh browser profile, receives them with the code.
  const jo = await openFresh(t);
  const b = jo.page;
  await createWorkspace(b, 'Jo (Hillview)');
  await addPractice(b, 'Riverside Medical Practice');
  await openHandover(b, file, 'ABCD-EFGH-JKLM-NPQR');
  assert.match(await b.textContent(byTestId('receive-code-error')), /does not open linkwork-handover/);
  assert.equal(await b.$(byTestId('handover-preview')), null);
  await openHandover(b, file, file.code.toLowerCase());
  const preview = await b.$$eval(byTestId('preview-person'), (rows) => rows.map((r) => r.textContent));
  assert.equal(preview.length, 3);
  assert.ok(preview.every((r) => r.includes('New: added to your caseload')), preview.join('\n'));
  assert.equal(await b.evaluate(() => Object.keys(localStorage).length > 0), true);
  await screenshot(b, 'handover-preview');
  await b.click(byTestId('confirm-receive'));
  await b.waitForSelector(`${byTestId('notice')} >> text=Received 3 people from Sam (Riverside)`);
  assert.deepEqual((await caseloadRows(b)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0002', 'RV-0003']);

  // Jo adds a contact during cover, then hands all three back.
  await openReferral(b, 'RV-0001');
  assert.match(await b.textContent(byTestId('provenance')), /Handed over by Sam \(Riverside\) on/);
  await b.fill(byTestId('contact-note'), 'Met at the library during cover');
  await b.click(byTestId('save-contact'));
  await b.waitForSelector(`${byTestId('timeline')} >> text=Met at the library during cover`);
  await logConcern(b, 'safeguarding', 'Worried someone is taking money from them');
  const back = await handOver(b, ['RV-0001', 'RV-0002', 'RV-0003'], 'Sam (Riverside)');

  // Sam receives them back: matched by id, updated, not duplicated.
  await openHandover(a, back, back.code);
  const again = await a.$$eval(byTestId('preview-person'), (rows) => rows.map((r) => r.textContent));
  assert.ok(again[0].includes('Already known: updated'), again.join('\n'));
  await a.click(byTestId('confirm-receive'));
  await a.waitForSelector(`${byTestId('notice')} >> text=Received 3 people from Jo (Hillview)`);
  assert.deepEqual((await caseloadRows(a)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0002', 'RV-0003', 'RV-0004']);
  await openReferral(a, 'RV-0001');
  assert.equal(await a.$(byTestId('handed-banner')), null, 'back with Sam, editable again');
  assert.match(await a.textContent(byTestId('provenance')), /Handed back by Jo \(Hillview\) on/);
  const added = a.locator(`${byTestId('timeline-contact')}:has-text("Met at the library during cover")`);
  assert.match(await added.locator(byTestId('timeline-from')).textContent(), /Recorded by Jo \(Hillview\), received/);
  assert.equal(await a.isDisabled(byTestId('save-contact')), false);
  // The concern Jo logged during cover is in the risk log, marked as Jo's.
  const concern = a.locator(`${byTestId('risk-entry')}:has-text("Worried someone is taking money")`);
  assert.match(await concern.locator(byTestId('risk-from')).textContent(), /Recorded by Jo \(Hillview\), received/);
  await screenshot(a, 'handover-back');

  // The same file again changes nothing, and says so.
  await openHandover(a, back, back.code);
  await a.waitForSelector(byTestId('preview-nothing-new'));
  assert.equal(await a.$(byTestId('confirm-receive')), null);

  // Jo, the cover over, removes the copies kept read-only.
  await toHandover(b);
  await b.click(byTestId('remove-all-handed'));
  await b.click(byTestId('confirm-handed-yes'));
  await b.waitForSelector(byTestId('handed-none'));
  await b.click(byTestId('nav-caseload'));
  await b.waitForSelector(byTestId('empty-caseload'));
  assert.deepEqual(sam.errors, []);
  assert.deepEqual(jo.errors, []);
});

test('a damaged, cut-short or foreign file, or a newer one, is refused by name and changes nothing; a file that never arrived is taken back', async (t) => {
  const sam = await openFresh(t);
  const a = sam.page;
  await createWorkspace(a, 'Sam');
  await addPractice(a, 'Riverside Medical Practice');
  await recordReferral(a, 'RV-0001');
  const file = await handOver(a, ['RV-0001'], 'Jo');
  const jo = await openFresh(t);
  const b = jo.page;
  await createWorkspace(b, 'Jo');
  // What the workspace holds: everything but the tab's writer heartbeat, which is renewed
  // every few seconds whatever happens (on a slow machine this test outlasts one renewal).
  const stored = () =>
    b.evaluate(() => JSON.stringify(Object.entries(localStorage).filter(([k]) => !k.endsWith('/writer')).sort()));
  const before = await stored();
  const cases = [
    [{ name: 'cut.json', text: file.text.slice(0, file.text.length / 2) }, /cut\.json is damaged or incomplete/],
    [{ name: 'caseload.csv', text: 'reference,date\nRV-1,2026-01-01\n' }, /caseload\.csv is not a Linkwork handover file/],
    [{ name: 'newer.json', text: file.text.replace('"version":1', '"version":9') }, /newer\.json was made by a newer version/],
  ];
  for (const [bad, message] of cases) {
    await openHandover(b, bad, file.code);
    assert.match(await b.textContent(byTestId('receive-file-error')), message);
  }
  // A code typed wrongly is told apart from a wrong code.
  await openHandover(b, file, 'ABCD');
  assert.match(await b.textContent(byTestId('receive-code-error')), /16 letters and digits/);
  // Sam's own file, opened in Sam's own workspace, would undo the handover: refused.
  await openHandover(a, file, file.code);
  assert.match(await a.textContent(byTestId('receive-file-error')), /came from this workspace/);
  assert.equal(await stored(), before, 'nothing was written');
  // A full storage quota part-way through receiving: none of it is written, and it says so.
  await b.evaluate(() => {
    let size = 1 << 20;
    let n = 0;
    while (size >= 16) {
      try {
        localStorage.setItem(`filler/${n}`, 'x'.repeat(size));
        n += 1;
      } catch {
        size = Math.floor(size / 2);
      }
    }
  });
  // The workspace's documents (not the filler, nor the editing tab's heartbeat).
  const mine = () =>
    b.evaluate(() =>
      JSON.stringify(Object.entries(localStorage).filter(([k]) => !k.startsWith('filler/') && !k.endsWith('/writer')).sort()),
    );
  const full = await mine();
  await openHandover(b, file, file.code);
  await b.click(byTestId('confirm-receive'));
  await b.waitForSelector(byTestId('receive-error'));
  assert.match(await b.textContent(byTestId('receive-error')), /Nothing was changed/);
  assert.equal(await mine(), full, 'storage holds none of it');
  await b.click(byTestId('nav-caseload'));
  await b.waitForSelector(byTestId('empty-caseload'));
  await b.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler/')) localStorage.removeItem(k);
  });
  // The file never reached Jo: Sam takes RV-0001 back, editable and on the caseload again.
  await takeBackOne(a);
  await a.waitForSelector(byTestId('handed-none'));
  assert.match(await a.textContent(byTestId('handed-message')), /1 person taken back onto your caseload/);
  assert.deepEqual((await caseloadRows(a)).map((r) => r[0]), ['RV-0001']);
  assert.deepEqual(jo.errors, []);
  assert.deepEqual(sam.errors, []);
});

test('a value changed on both sides while handed over keeps both, and the link worker chooses', async (t) => {
  const sam = await openFresh(t);
  const a = sam.page;
  await createWorkspace(a, 'Sam (Riverside)');
  await addPractice(a, 'Riverside Medical Practice');
  await recordReferral(a, 'RV-0001');
  const file = await handOver(a, ['RV-0001'], 'Jo');
  // Sam takes the person back (thinking the file was lost) and changes what matters.
  await takeBackOne(a);
  const whatMatters = async (page, words) => {
    await openReferral(page, 'RV-0001');
    await page.fill(byTestId('field-what-matters'), words);
    await page.click(byTestId('save-referral'));
    await page.waitForSelector(byTestId('notice'));
  };
  await whatMatters(a, 'Getting back to the allotment');
  // Jo did receive it, and changes the same thing before handing back.
  const jo = await colleagueReceives(t, file);
  const b = jo.page;
  await whatMatters(b, 'Seeing friends again');
  const back = await handOver(b, ['RV-0001'], 'Sam');

  await openHandover(a, back, back.code);
  assert.match(await a.textContent(byTestId('preview-conflicts')), /1 value was changed here and in Jo \(Hillview\)'s copy/);
  await a.click(byTestId('confirm-receive'));
  await a.waitForSelector(byTestId('notice'));
  await openReferral(a, 'RV-0001');
  const values = await a.$$eval(byTestId('conflict-value'), (v) => v.map((x) => x.textContent));
  assert.deepEqual(values.sort(), ['Getting back to the allotment', 'Seeing friends again'], 'both kept; the edit history is joined, not a choice');
  assert.equal(await a.textContent(byTestId('conflict-what')), 'What matters to the person');
  // As a link worker sees it on a phone, away from the desk.
  await a.setViewportSize({ width: 360, height: 740 });
  await a.locator(byTestId('conflicts-panel')).scrollIntoViewIfNeeded();
  await a.screenshot({ path: new URL('artifacts/handover-conflict-360.png', import.meta.url).pathname });
  const wide = await a.evaluate(() => [...document.querySelectorAll('[data-testid="conflicts-panel"] *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth).length);
  assert.equal(wide, 0, 'nothing in the panel runs off a 360 px screen');
  await a.setViewportSize({ width: 1280, height: 900 });
  await a.click(`${byTestId('keep-value')}:has-text("Jo (Hillview)")`);
  await a.waitForSelector(byTestId('conflicts-panel'), { state: 'detached' });
  // The details form on the same page shows the choice at once, and saving another detail
  // from it does not write Sam's words back.
  assert.equal(await a.inputValue(byTestId('field-what-matters')), 'Seeing friends again');
  await a.fill(byTestId('field-notes'), 'Prefers a call in the morning');
  await a.click(byTestId('save-referral'));
  await a.waitForSelector(byTestId('notice'));
  await a.reload();
  await unlockByKeyboard(a);
  await openReferral(a, 'RV-0001');
  assert.equal(await a.inputValue(byTestId('field-what-matters')), 'Seeing friends again');
  assert.equal(await a.inputValue(byTestId('field-notes')), 'Prefers a call in the morning');
  assert.equal(await a.$(byTestId('conflicts-panel')), null, 'the choice is saved');
  assert.deepEqual(sam.errors, []);
  assert.deepEqual(jo.errors, []);
});

test('cover: entries added on both copies while handed over all come back, and the later withdrawal of GP sharing is in force', async (t) => {
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const sam = await openFresh(t);
  const a = sam.page;
  await createWorkspace(a, 'Sam (Riverside)');
  await addPractice(a, 'Riverside Medical Practice');
  await recordReferral(a, 'QX-4471', { notes: 'Referred by the practice nurse', date: day(-3) });
  const file = await handOver(a, ['QX-4471'], 'Jo (Hillview)');
  // Sam takes the person back (thinking the file was lost), adds a task and "codes only",
  // dated yesterday.
  await takeBackOne(a);
  await openReferral(a, 'QX-4471');
  await addTask(a, "Sam's task: ring about the bus pass");
  await recordConsent(a, 'gp', 'codes_only', 'verbal', day(-1));

  // Jo did receive it: a contact, a task, a note, and GP sharing withdrawn today.
  const jo = await colleagueReceives(t, file);
  const b = jo.page;
  await openReferral(b, 'QX-4471');
  await b.fill(byTestId('contact-note'), 'Met at the library during cover');
  await b.click(byTestId('save-contact'));
  await b.waitForSelector(`${byTestId('timeline')} >> text=Met at the library during cover`);
  await addTask(b, "Jo's task: chase the food bank");
  await b.fill(byTestId('note-text'), "Jo's note: prefers mornings");
  await b.click(byTestId('save-note'));
  await b.waitForSelector(`${byTestId('timeline')} >> text=prefers mornings`);
  await recordConsent(b, 'gp', 'no');
  const back = await handOver(b, ['QX-4471'], 'Sam (Riverside)');

  // Sam receives: nothing to choose, everything there once.
  await openHandover(a, back, back.code);
  assert.equal(await a.$(byTestId('preview-conflicts')), null, 'two additions are not "changed in two places"');
  await a.click(byTestId('confirm-receive'));
  await a.waitForSelector(byTestId('notice'));
  await openReferral(a, 'QX-4471');
  assert.equal(await a.$(byTestId('conflicts-panel')), null, 'nothing waits for a choice');
  const tasks = await a.$$eval(`#sec-tasks ${byTestId('task-text')}`, (t) => t.map((x) => x.textContent));
  assert.deepEqual(tasks.filter((x) => /task:/.test(x)).sort(), ["Jo's task: chase the food bank", "Sam's task: ring about the bus pass"]);
  const timeline = await a.textContent(byTestId('timeline'));
  assert.match(timeline, /Met at the library during cover/);
  assert.match(timeline, /prefers mornings/);
  const history = await a.$$eval(`${byTestId('consent-history')} li`, (li) => li.map((l) => l.textContent));
  assert.match(history.join('\n'), /Information going back to the GP — Codes only/);
  assert.match(history.join('\n'), /Information going back to the GP — Nothing/);
  // The withdrawal is in force: no GP record entry, no message back.
  await a.waitForSelector(byTestId('gp-record-withheld'));
  await a.waitForSelector(byTestId('message-withheld'));
  await screenshot(a, 'handover-cover-both-sides');
  assert.deepEqual(sam.errors, []);
  assert.deepEqual(jo.errors, []);
});
