// End-to-end: a shared practice PC. Locking, encryption at rest, two tabs,
// backups, and a full storage quota.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { launch, screenshot, startServer } from './harness.mjs';
import {
  PASS,
  addPractice,
  byTestId,
  caseloadRows,
  createWorkspace,
  focusNotShown,
  offerBackupFile,
  openStorage,
  openFresh,
  recordReferral,
  storedEntries,
  unlockByKeyboard,
} from './flows.mjs';

test('nothing personal is stored as plain text', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page, 'Sam');
  await addPractice(page, 'Riverside Medical Practice', '11200');
  await recordReferral(page, 'RV-0412', { reasons: ['bereavement'], notes: 'Lives alone since March' });
  const entries = await storedEntries(page);
  const everything = entries.map(([k, v]) => `${k}=${v}`).join('\n');
  for (const secret of ['RV-0412', 'Riverside', 'Lives alone', 'bereavement', 'Bereavement', '11200']) {
    assert.ok(!everything.includes(secret), `${secret} is readable in local storage`);
  }
  // The workspace name is the only readable word, by design (the lock screen lists it).
  assert.ok(everything.includes('"name":"Sam"'));
  assert.deepEqual(app.errors, []);
});

test('idle time locks the screen, and the half-filled form comes back after unlocking', async (t) => {
  const app = await openFresh(t, { clock: true });
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-new'));
  await page.fill(byTestId('field-reference'), 'RV-0999');
  await page.check(byTestId('reason-housing'));
  await page.fill(byTestId('field-notes'), 'Interrupted mid-form');

  await page.clock.fastForward('06:00');
  await page.waitForSelector(byTestId('lock-screen'));
  const screenText = await page.evaluate(() => document.body.innerText);
  assert.ok(!screenText.includes('RV-0999') && !screenText.includes('Interrupted'), 'nothing personal on screen');
  assert.equal(await page.title(), 'Locked – Linkwork');
  const stored = (await storedEntries(page)).map(([, v]) => v).join('\n');
  assert.ok(!stored.includes('RV-0999'), 'the kept form is encrypted');

  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('referral-form'));
  assert.equal(await page.inputValue(byTestId('field-reference')), 'RV-0999');
  assert.equal(await page.isChecked(byTestId('reason-housing')), true);
  assert.equal(await page.inputValue(byTestId('field-notes')), 'Interrupted mid-form');

  // Ctrl+Shift+L locks at once.
  await page.keyboard.press('Control+Shift+L');
  await page.waitForSelector(byTestId('lock-screen'));
  assert.deepEqual(app.errors, []);
});

test('a wrong passphrase is refused plainly; a changed passphrase replaces the old one', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0001');
  await page.click(byTestId('nav-settings'));
  const before = Object.fromEntries(await storedEntries(page));
  await page.fill(byTestId('new-pass'), 'a brand new passphrase');
  await page.fill(byTestId('new-pass-confirm'), 'a brand new passphrase');
  await page.click(byTestId('change-pass'));
  await page.waitForSelector(byTestId('pass-changed'));
  // Only the data key is wrapped again: the workspace keeps its id, and not one of its
  // sealed documents is rewritten.
  const after = Object.fromEntries(await storedEntries(page));
  const metaKey = Object.keys(before).find((k) => k.endsWith('/meta'));
  assert.ok(after[metaKey], 'the same workspace id');
  assert.notEqual(after[metaKey], before[metaKey], 'its description has the new wrapping');
  for (const [k, v] of Object.entries(before)) {
    if (k.startsWith(metaKey.replace(/meta$/, '')) && !k.endsWith('/meta') && !k.endsWith('/writer')) {
      assert.equal(after[k], v, `${k} was not rewritten`);
    }
  }
  await page.click(byTestId('lock'));
  await page.fill(byTestId('unlock-passphrase'), PASS);
  await page.click(byTestId('unlock'));
  await page.waitForSelector(byTestId('unlock-error'));
  assert.match(await page.textContent(byTestId('unlock-error')), /passphrase is not right/);
  await unlockByKeyboard(page, 'a brand new passphrase');
  await page.click(byTestId('nav-caseload'));
  assert.equal((await caseloadRows(page))[0][0], 'RV-0001');
  const metas = (await storedEntries(page)).filter(([k]) => k.endsWith('/meta'));
  assert.equal(metas.length, 1, 'the old copy is removed');
  assert.deepEqual(app.errors, []);
});

test('two tabs on one workspace never lose an update', async (t) => {
  const app = await openFresh(t);
  const first = app.page;
  await createWorkspace(first);
  await addPractice(first, 'Riverside Medical Practice');
  const second = await app.context.newPage();
  app.watch(second);
  await second.goto(app.url);
  await unlockByKeyboard(second);
  await second.waitForSelector(byTestId('other-tab'));
  assert.equal(await second.isDisabled(`${byTestId('nav-new')}`), false);
  await second.click(byTestId('nav-new'));
  assert.equal(await second.isDisabled(byTestId('save-referral')), true, 'the second tab is read-only');

  // A change in the editing tab appears in the other.
  await first.bringToFront();
  await recordReferral(first, 'RV-0001');
  await second.bringToFront();
  await second.click(byTestId('nav-caseload'));
  await second.waitForSelector(`${byTestId('row-reference')} >> text=RV-0001`);

  // The second tab takes over; the first becomes read-only and shows its change.
  await second.click(byTestId('take-over'));
  await second.waitForSelector(byTestId('other-tab'), { state: 'detached' });
  await recordReferral(second, 'RV-0002');
  await first.bringToFront();
  await first.waitForSelector(byTestId('other-tab'));
  await first.click(byTestId('nav-caseload'));
  await first.waitForSelector(`${byTestId('caseload-table')} >> text=RV-0002`);

  await second.reload();
  await unlockByKeyboard(second);
  const refs = (await caseloadRows(second)).map((r) => r[0]).sort();
  assert.deepEqual(refs, ['RV-0001', 'RV-0002']);
  assert.deepEqual(app.errors, []);
});

test('a reload on a hanging network leaves the only tab editing, not read-only', async (t) => {
  const app = await openFresh(t);
  const page = app.page;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  // The network takes 3.5 s to answer the reload (the offline copy waits 4 s for it):
  // the old page runs on meanwhile, past its heartbeats, until the new one replaces it.
  let held = 0;
  app.server.delay = (pathname) => {
    if (pathname !== '/linkwork/') return 0;
    held += 1;
    return 3500;
  };
  await page.reload();
  app.server.delay = null;
  assert.equal(held, 1, 'the reload waited on the network');
  await unlockByKeyboard(page);
  // Give a wrong read-only banner time to appear (two heartbeats).
  await page.waitForTimeout(4500);
  assert.equal(await page.isVisible(byTestId('other-tab')), false, 'no "another tab" banner');
  await page.click(byTestId('nav-new'));
  assert.equal(await page.isDisabled(byTestId('save-referral')), false, 'the only tab can save');
  await recordReferral(page, 'RV-0100');
  assert.deepEqual((await caseloadRows(page)).map((r) => r[0]), ['RV-0100']);
  assert.deepEqual(app.errors, []);
});

test('locking one tab locks every tab of the workspace, in the background too, and none takes over', async (t) => {
  const app = await openFresh(t, { clock: true });
  const first = app.page;
  await createWorkspace(first);
  await addPractice(first, 'Riverside Medical Practice');
  await recordReferral(first, 'RV-0001');
  const second = await app.context.newPage();
  app.watch(second);
  await second.goto(app.url);
  await unlockByKeyboard(second);
  await second.click(byTestId('nav-caseload'));
  await second.waitForSelector(`${byTestId('row-reference')} >> text=RV-0001`);

  // Lock in the first tab while the second is in the background.
  await first.bringToFront();
  await first.keyboard.press('Control+Shift+L');
  await first.waitForSelector(byTestId('lock-screen'));
  await second.waitForSelector(byTestId('lock-screen'), { timeout: 5000 });
  assert.equal(await second.title(), 'Locked – Linkwork');
  assert.ok(!(await second.evaluate(() => document.body.innerText)).includes('RV-0001'), 'nothing personal left on screen');
  // Nor does the second tab take over editing afterwards.
  await second.clock.fastForward(10_000);
  const writer = (await storedEntries(second)).filter(([k]) => k.endsWith('/writer'));
  assert.deepEqual(writer, [], 'no tab holds the workspace');

  // A tab opened after the lock starts locked.
  const third = await app.context.newPage();
  app.watch(third);
  await third.goto(app.url);
  await third.waitForSelector(byTestId('unlock-form'));

  // Unlocked in two tabs again: using one keeps the idle lock off in both, and once
  // neither is used for the set five minutes, both lock.
  await unlockByKeyboard(first);
  await unlockByKeyboard(second);
  await first.clock.fastForward('03:00');
  const usedAt = await first.evaluate(() => Date.now());
  await first.mouse.move(10, 10);
  await first.mouse.move(50, 50);
  // The first tab shares its use at its next check (the test clock runs each tab's
  // timers in turn, so wait for it before moving on).
  await first.clock.fastForward(6000);
  await first.waitForFunction(
    (t) => Object.entries(localStorage).some(([k, v]) => k.endsWith('/active') && Number(v) >= t),
    usedAt,
  );
  await first.clock.fastForward('03:00');
  assert.equal(await second.isVisible(byTestId('lock-screen')), false, 'the other tab was in use');
  assert.equal(await first.isVisible(byTestId('lock-screen')), false);
  await first.clock.fastForward('06:00');
  await first.waitForSelector(byTestId('lock-screen'));
  await second.waitForSelector(byTestId('lock-screen'));
  assert.deepEqual(app.errors, []);
});

test('Back to Linkwork from another site shows the lock screen, not the workspace kept in the browser', async (t) => {
  // With the back-forward cache on, as in the browser a practice uses: the page that
  // comes back on Back is the one that was left, memory and all.
  const server = await startServer({ prefix: '/linkwork/' });
  const elsewhere = await startServer({ prefix: '/elsewhere/' });
  const browser = await launch({ backForwardCache: true });
  t.after(async () => {
    await browser.close();
    await server.close();
    await elsewhere.close();
  });
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__restored = [];
    addEventListener('pageshow', (e) => window.__restored.push(e.persisted));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0412');
  // A second tab of the workspace stays open: leaving one tab is not locking.
  const other = await context.newPage();
  await other.goto(server.url);
  await unlockByKeyboard(other);
  await page.bringToFront();
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(`${byTestId('row-reference')} >> text=RV-0412`);

  // The link worker types another address into the tab and walks away; the next person
  // presses Back.
  await page.goto(`${elsewhere.url}nothing-here`);
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => window.__restored.length > 1);
  assert.deepEqual(await page.evaluate(() => window.__restored), [false, true], 'the page came back from the back-forward cache');
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await page.title(), 'Locked – Linkwork');
  assert.ok(!(await page.evaluate(() => document.body.innerText)).includes('RV-0412'), 'nothing personal on screen');
  assert.equal(await other.isVisible(byTestId('lock-screen')), false, 'the other tab is still open');
  // Nothing was lost: the passphrase opens it again, the referral there.
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(`${byTestId('row-reference')} >> text=RV-0412`);
  assert.deepEqual(errors, []);
});

test('a backup restored into a fresh browser profile gives identical data', async (t) => {
  const source = await openFresh(t);
  const { page } = source;
  await createWorkspace(page, 'Sam');
  await addPractice(page, 'Riverside Medical Practice', '11200');
  await recordReferral(page, 'RV-0001', { reasons: ['loneliness', 'money'] });
  await recordReferral(page, 'RV-0002', { reasons: ['housing'], notes: 'Flat is damp' });
  const before = await caseloadRows(page);
  await page.click(byTestId('nav-settings'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('download-backup'))]);
  assert.match(download.suggestedFilename(), /^linkwork-backup-\d{4}-\d{2}-\d{2}\.json$/);
  const file = await download.path();
  const text = await fs.readFile(file, 'utf8');
  assert.ok(!text.includes('RV-0001') && !text.includes('Flat is damp'), 'the backup is encrypted');
  assert.match(await page.textContent(byTestId('last-backup')), /Last backup downloaded/);

  const fresh = await openFresh(t);
  const other = fresh.page;
  await other.waitForSelector(byTestId('lock-screen'));
  await other.click('text=Restore from a backup file');
  await other.setInputFiles(byTestId('restore-file'), file);
  await other.waitForSelector(byTestId('restore-found'));
  await other.fill(byTestId('restore-pass'), 'not the passphrase');
  await other.click(byTestId('restore-open'));
  await other.waitForSelector(byTestId('restore-error'));
  assert.deepEqual(
    (await storedEntries(other)).filter(([k]) => k.startsWith('linkwork/ws/')),
    [],
    'nothing is written before the backup is checked',
  );
  await other.fill(byTestId('restore-pass'), PASS);
  await other.click(byTestId('restore-open'));
  await other.waitForSelector(byTestId('restore-summary'));
  assert.match(await other.textContent(byTestId('restore-summary')), /It holds 1 practice, 2 people and 2 referrals\./);
  await other.click(byTestId('restore-confirm'));
  await other.waitForSelector(byTestId('workspace-name'));
  assert.deepEqual(await caseloadRows(other), before);
  await other.click(byTestId('nav-settings'));
  await other.waitForSelector(`${byTestId('practice-list')} >> text=11,200 registered patients`);

  // A file that is not a backup is refused with a reason.
  await other.click(byTestId('lock'));
  await offerBackupFile(other, 'notes.json', '{"hello": "world"}');
  await other.waitForSelector(byTestId('restore-error'));
  assert.match(await other.textContent(byTestId('restore-error')), /^notes\.json: It is not a Linkwork backup/);
  // A backup cut short in the download: named, plainly, with what to do.
  await other.setInputFiles(byTestId('restore-file'), {
    name: 'linkwork-backup-2026-11-20.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "linkwork.backup", "version": 1,'),
  });
  await other.waitForSelector(`${byTestId('restore-error')} >> text=linkwork-backup-2026-11-20.json`);
  const cut = await other.textContent(byTestId('restore-error'));
  assert.match(cut, /stops part-way through/);
  assert.match(cut, /Choose the backup file/);
  assert.doesNotMatch(cut, /EOF|column|parsing/);
  assert.deepEqual(source.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('a full storage quota keeps the new referral and offers a backup', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.evaluate(() => {
    let size = 1 << 20;
    let n = 0;
    while (size >= 64) {
      try {
        localStorage.setItem(`filler/${n}`, 'x'.repeat(size));
        n += 1;
      } catch {
        size = Math.floor(size / 2);
      }
    }
  });
  await recordReferral(page, 'RV-0404');
  await page.waitForSelector(byTestId('save-error'));
  assert.match(await page.textContent(byTestId('save-error')), /storage for Linkwork is full/);
  assert.equal(await page.isVisible(`${byTestId('save-error')} ${byTestId('download-backup')}`), true);
  assert.equal((await caseloadRows(page))[0][0], 'RV-0404', 'the referral is still on screen');
  await screenshot(page, 'quota-full');

  await page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler/')) localStorage.removeItem(k);
  });
  await page.waitForSelector(byTestId('save-error'), { state: 'detached', timeout: 15_000 });
  await page.reload();
  await unlockByKeyboard(page);
  assert.equal((await caseloadRows(page))[0][0], 'RV-0404');
  assert.deepEqual(app.errors, []);
});

test('a first visit is welcomed, a new workspace takes focus, reasons read apart, and warnings are announced', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal((await page.textContent('h1')).trim(), 'Welcome to Linkwork', 'nothing is locked on a first visit');
  // Created with the keyboard: focus lands on the new page's heading, with its ring showing.
  await page.focus(byTestId('create-name'));
  await page.keyboard.type('Sam');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASS);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASS);
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('workspace-name'));
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await focusNotShown(page), null, 'the focused heading shows its focus');
  assert.ok(await page.evaluate(() => document.activeElement.closest('main') !== null), 'focus is in the page, not nowhere');
  await addPractice(page, 'Riverside Medical Practice');

  // The reference warning is announced as it appears (a status region).
  await page.click(byTestId('nav-new'));
  await page.fill(byTestId('field-reference'), 'SMITH, Jane');
  await page.waitForSelector(byTestId('reference-warning'));
  assert.equal(await page.$eval('#f-reference-warning', (e) => e.getAttribute('role')), 'status');

  // Reason names hold commas, so the caseload keeps them apart with semicolons.
  await recordReferral(page, 'RV-0001', { reasons: ['loneliness', 'money'] });
  await page.click(byTestId('nav-caseload'));
  const row = (await caseloadRows(page))[0].join(' | ');
  assert.match(row, /Loneliness or isolation; Money, debt or benefits/);

  // Locked now, and a wrong passphrase is announced as an alert.
  await page.click(byTestId('lock'));
  assert.equal((await page.textContent('h1')).trim(), 'Linkwork is locked');
  await page.fill(byTestId('unlock-passphrase'), 'not the passphrase');
  await page.click(byTestId('unlock'));
  await page.waitForSelector(byTestId('unlock-error'));
  assert.equal(await page.getAttribute(byTestId('unlock-error'), 'role'), 'alert');

  // A closed panel opens from the keyboard onto its labelled form (built as it opens), and
  // what was typed is still there after closing and opening it again.
  const sheet = page.locator('summary', { hasText: 'Set up this PC from a sync sheet' });
  assert.equal(await page.isVisible(byTestId('join-address')), false, 'closed, its form is not shown');
  await sheet.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'join-address', 'Tab goes from the heading to the first field');
  assert.equal(await page.evaluate(() => document.activeElement.labels[0]?.textContent), 'Server address');
  const box = (id) => page.$eval(`#${id}`, (e) => [Math.round(e.getBoundingClientRect().height), getComputedStyle(e).fontSize]);
  assert.deepEqual(await box('join-address'), await box('join-database'), 'the address field is drawn like the others');
  await page.keyboard.type('https://example.org/sync/');
  await sheet.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible(byTestId('join-address')), false, 'closed again');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue(byTestId('join-address')), 'https://example.org/sync/', 'nothing typed is lost by closing');
  assert.deepEqual(app.errors, []);
});

/**
 * Leaves local storage as an earlier Linkwork did: one version 1 workspace (documents
 * sealed under the passphrase's key), made by `write_the_version_1_fixture` in the core's
 * tests. Returns its entries.
 */
async function seedVersion1(page) {
  const fixture = JSON.parse(await fs.readFile(new URL('./fixtures/v1-workspace.json', import.meta.url), 'utf8'));
  await page.evaluate((entries) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
  }, fixture);
  await page.reload();
  return fixture;
}

test('a workspace made before data keys moves to its own key once, all or nothing, and keeps its passphrase', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const fixture = await seedVersion1(page);
  const oldMeta = Object.keys(fixture).find((k) => k.endsWith('/meta'));
  const before = await openStorage(page);
  assert.ok(before.some(([, text]) => text.includes('RV-0001')), 'the fixture opens as it is');
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-caseload'));
  assert.equal((await caseloadRows(page))[0][0], 'RV-0001');
  const stored = Object.fromEntries(await storedEntries(page));
  const metas = Object.keys(stored).filter((k) => k.endsWith('/meta'));
  assert.equal(metas.length, 1, 'one workspace');
  assert.notEqual(metas[0], oldMeta, 'moved to a new id');
  assert.equal(Object.keys(stored).filter((k) => k.startsWith(oldMeta.replace(/meta$/, ''))).length, 0, 'the old copy is gone');
  const meta = JSON.parse(stored[metas[0]]);
  assert.equal(meta.version, 2);
  assert.match(meta.wrapped, /^E1:/, 'a wrapped data key');
  // The same passphrase opens it, and every part decrypts only through the data key.
  const after = await openStorage(page);
  assert.ok(after.some(([, text]) => text.includes('RV-0001')));
  await page.keyboard.press('Control+Shift+L');
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-caseload'));
  assert.equal((await caseloadRows(page))[0][0], 'RV-0001');
  assert.equal((await storedEntries(page)).filter(([k]) => k.endsWith('/meta'))[0][0], metas[0], 'moved once');
  assert.deepEqual(app.errors, []);
});

test('a move to a data key that cannot be written part-way leaves the workspace as it was', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const fixture = await seedVersion1(page);
  const oldPrefix = Object.keys(fixture).find((k) => k.endsWith('/meta')).replace(/meta$/, '');
  // Storage takes the first two parts of the new copy, then is full.
  await page.evaluate((keep) => {
    const set = Storage.prototype.setItem;
    let taken = 0;
    Storage.prototype.setItem = function setItem(k, v) {
      if (k.startsWith('linkwork/ws/') && !k.startsWith(keep) && (taken += 1) > 2) {
        throw new DOMException('full', 'QuotaExceededError');
      }
      return set.call(this, k, v);
    };
  }, oldPrefix);
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-caseload'));
  assert.equal((await caseloadRows(page))[0][0], 'RV-0001', 'open, as it was');
  const stored = Object.fromEntries(await storedEntries(page));
  for (const [k, v] of Object.entries(fixture)) assert.equal(stored[k], v, `${k} untouched`);
  assert.deepEqual(
    Object.keys(stored).filter((k) => k.startsWith('linkwork/ws/') && !k.startsWith(oldPrefix)),
    [],
    'nothing of the half-written copy is left',
  );
  assert.deepEqual(app.errors, []);
});

test('a forgotten passphrase is replaced with the printed recovery code; a new code voids the old one', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0001');
  await page.click(byTestId('nav-settings'));
  assert.match(await page.textContent(byTestId('recovery-status')), /no recovery code yet/);
  await page.click(byTestId('make-recovery'));
  await page.waitForSelector(byTestId('recovery-sheet'));
  const code = (await page.textContent(byTestId('recovery-code'))).trim();
  assert.match(code, /^([A-Z2-7]{4}-){5}[A-Z2-7]{4}$/);
  assert.match(await page.textContent(byTestId('recovery-sheet')), /Linkwork recovery sheet: Sam/);
  // Printed, the sheet alone.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.recovery-sheet')).display), 'block');
  assert.equal(await page.evaluate(() => document.querySelector('#main').getBoundingClientRect().height), 0);
  await page.emulateMedia({ media: 'screen' });
  // Nothing about the code is kept in readable form.
  const plain = (await storedEntries(page)).map(([k, v]) => `${k}=${v}`).join('\n');
  assert.ok(!plain.includes(code.replace(/-/g, '')) && !plain.includes(code));
  await page.click(byTestId('done-recovery'));
  assert.equal(await page.$(byTestId('recovery-code')), null, 'shown once');

  // Forgotten: the code sets a new passphrase and opens the workspace.
  await page.click(byTestId('lock'));
  await page.click(byTestId('forgot-passphrase'));
  await page.fill(byTestId('recover-code'), 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF');
  await page.fill(byTestId('recover-pass'), 'a brand new passphrase');
  await page.fill(byTestId('recover-confirm'), 'a brand new passphrase');
  await page.click(byTestId('recover'));
  await page.waitForSelector(`${byTestId('recover-error')} >> text=recovery code is not right`);
  await page.fill(byTestId('recover-code'), code.toLowerCase().replace(/-/g, ' '));
  await page.click(byTestId('recover'));
  await page.waitForSelector(byTestId('workspace-name'));
  await page.click(byTestId('nav-caseload'));
  assert.equal((await caseloadRows(page))[0][0], 'RV-0001');
  await page.click(byTestId('lock'));
  await page.fill(byTestId('unlock-passphrase'), PASS);
  await page.click(byTestId('unlock'));
  await page.waitForSelector(byTestId('unlock-error'));
  await unlockByKeyboard(page, 'a brand new passphrase');

  // A new code: the old one is refused.
  await page.click(byTestId('nav-settings'));
  assert.match(await page.textContent(byTestId('recovery-status')), /A recovery code was made on/);
  await page.click(byTestId('make-recovery'));
  const newCode = (await page.textContent(byTestId('recovery-code'))).trim();
  assert.notEqual(newCode, code);
  await page.click(byTestId('lock'));
  await page.click(byTestId('forgot-passphrase'));
  await page.fill(byTestId('recover-code'), code);
  await page.fill(byTestId('recover-pass'), 'yet another passphrase');
  await page.fill(byTestId('recover-confirm'), 'yet another passphrase');
  await page.click(byTestId('recover'));
  await page.waitForSelector(`${byTestId('recover-error')} >> text=recovery code is not right`);
  assert.deepEqual(app.errors, []);
});

test('a new workspace offers its recovery code on its first page, once', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page, 'Sam');
  // The first page offers the code straight away.
  await page.waitForSelector(byTestId('recovery-offer'));
  assert.match(await page.textContent(byTestId('recovery-status')), /no recovery code yet/);
  await page.click(byTestId('make-recovery'));
  await page.waitForSelector(byTestId('recovery-sheet'));
  assert.match((await page.textContent(byTestId('recovery-code'))).trim(), /^([A-Z2-7]{4}-){5}[A-Z2-7]{4}$/);
  assert.equal(await page.textContent(byTestId('recovery-offer-close')), 'Close');
  await page.click(byTestId('recovery-offer-close'));
  assert.equal(await page.$(byTestId('recovery-offer')), null);
  // Settings knows the code was made; the offer does not come back after a lock.
  await page.click(byTestId('nav-settings'));
  assert.match(await page.textContent(byTestId('recovery-status')), /A recovery code was made on/);
  await page.click(byTestId('lock'));
  await unlockByKeyboard(page);
  await page.click(byTestId('nav-today'));
  await page.waitForSelector(byTestId('today-heading'));
  assert.equal(await page.$(byTestId('recovery-offer')), null);

  // "Not now" on another new workspace puts the offer away for this session.
  const other = await openFresh(t);
  await createWorkspace(other.page, 'Jo');
  await other.page.click(byTestId('recovery-offer-close'));
  assert.equal(await other.page.$(byTestId('recovery-offer')), null);
  assert.deepEqual(app.errors, []);
  assert.deepEqual(other.errors, []);
});

test('a workspace without a recovery code says plainly that a forgotten passphrase loses it', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('lock'));
  await page.click(byTestId('forgot-passphrase'));
  assert.match(await page.textContent(byTestId('no-recovery')), /cannot be opened, and its data is lost/);
  assert.deepEqual(app.errors, []);
});

test("two tabs' half-filled forms are each kept over a lock, and each tab gets its own back", async (t) => {
  const app = await openFresh(t);
  const first = app.page;
  await createWorkspace(first);
  await addPractice(first, 'Riverside Medical Practice');
  const second = await app.context.newPage();
  app.watch(second);
  await second.goto(app.url);
  await unlockByKeyboard(second);
  for (const [page, words] of [[first, 'TAB-ONE'], [second, 'TAB-TWO']]) {
    await page.bringToFront();
    await page.click(byTestId('nav-new'));
    await page.waitForSelector(byTestId('referral-form'));
    await page.fill(byTestId('field-reference'), words);
    await page.fill(byTestId('field-notes'), `Typed in ${words}`);
  }
  // Locking one tab locks both; each keeps its own form.
  await first.bringToFront();
  await first.click(byTestId('lock'));
  await first.waitForSelector(byTestId('unlock-form'));
  await second.waitForSelector(byTestId('unlock-form'));
  await second.bringToFront();
  await unlockByKeyboard(second);
  await second.waitForSelector(byTestId('referral-form'));
  assert.equal(await second.inputValue(byTestId('field-reference')), 'TAB-TWO');
  await first.bringToFront();
  await unlockByKeyboard(first);
  await first.waitForSelector(byTestId('referral-form'));
  assert.equal(await first.inputValue(byTestId('field-reference')), 'TAB-ONE', "the other tab's lock did not overwrite it");
  assert.equal(await first.inputValue(byTestId('field-notes')), 'Typed in TAB-ONE');
  assert.deepEqual(app.errors, []);
});
