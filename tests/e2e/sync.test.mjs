// End-to-end: one workspace on several PCs through a CouchDB-compatible server
// (pouchdb-server in memory; a real CouchDB 3 with SYNC_URL). Each PC is a fresh browser
// profile with its own copy of the app on its own origin, and `/sync/` on that origin goes
// to the server, as in the recommended deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { startCouch, makeAccount, dumpServer, couchRequest } from './couch.mjs';
import {
  PASS, addPractice, addTask, byTestId, caseloadRows, createWorkspace, openFresh, openStorage, recordConsent, recordReferral, unlockByKeyboard,
} from './flows.mjs';

const USER = 'sam';
const PASSWORD = 'sam-server-password';

/** A server with one account, closed after the test. */
async function server(t, db = 'sam-caseload') {
  const couch = await startCouch();
  t.after(() => couch.close());
  const account = await makeAccount(couch, { db, user: USER, password: PASSWORD, admin: true });
  return { couch, account };
}

/** The server address as a PC of this app reaches it: its own origin's /sync/. */
const address = (app) => `${new URL(app.url).origin}/sync/`;

/** Fills a sync form (`sync` in Settings, `join` on the lock screen). */
async function fillSync(page, prefix, app, account, { pass = PASS, secret = '' } = {}) {
  await page.fill(byTestId(`${prefix}-address`), address(app));
  await page.fill(byTestId(`${prefix}-database`), account.db);
  await page.fill(byTestId(`${prefix}-user`), USER);
  await page.fill(byTestId(`${prefix}-password`), PASSWORD);
  await page.fill(byTestId(`${prefix}-passphrase`), pass);
  if (secret) await page.fill(byTestId(`${prefix}-secret`), secret);
}

/** Switches sync on in Settings; gives the secret from the set-up sheet. */
async function switchOn(app, account) {
  const { page } = app;
  await page.click(byTestId('nav-settings'));
  await fillSync(page, 'sync', app, account);
  await page.click(byTestId('sync-on'));
  await page.waitForSelector(`${byTestId('setup-sheet')}, ${byTestId('sync-failure')}`);
  assert.equal(await page.$(byTestId('sync-failure')), null, await page.textContent(byTestId('sync-failure')).catch(() => ''));
  const secret = (await page.textContent(byTestId('sheet-secret'))).trim();
  assert.match(secret, /^([A-Z2-7]{4}-){5}[A-Z2-7]{4}$/);
  assert.equal(await page.textContent(byTestId('sheet-database')), account.db);
  await screenshot(page, 'sync-sheet');
  // Printed, the sheet comes out alone: no caseload, no settings, no buttons.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible(byTestId('sheet-secret')), true);
  for (const other of ['nav-settings', 'sync-where', 'sheet-done', 'security-settings']) {
    assert.equal(await page.isVisible(byTestId(other)), false, `${other} would be printed with the sheet`);
  }
  await page.emulateMedia({ media: 'screen' });
  await page.click(byTestId('sheet-done'));
  await settled(page);
  return secret;
}

/** Sets a fresh PC up from the sheet; waits for the workspace to open. */
async function join(app, account, secret, pass = PASS) {
  const { page } = app;
  await page.waitForSelector(byTestId('lock-screen'));
  await page.click('text=Set up this PC from a sync sheet');
  await fillSync(page, 'join', app, account, { pass, secret });
  await page.click(byTestId('join-sync'));
  await page.waitForSelector(`${byTestId('workspace-name')}, ${byTestId('join-failure')}`);
  if (await page.$(byTestId('join-failure'))) return (await page.textContent(byTestId('join-failure'))).trim();
  await page.click(byTestId('nav-settings'));
  await settled(page);
  return null;
}

/** Runs a round of sync from Settings and waits until nothing is waiting or a problem shows. */
async function syncNow(page) {
  const hash = await page.evaluate(() => location.hash);
  if (hash !== '#/settings') await page.click(byTestId('nav-settings'));
  await page.waitForSelector(byTestId('sync-now'));
  await page.waitForFunction((id) => !document.querySelector(`[data-testid="${id}"]`).disabled, 'sync-now');
  await page.click(byTestId('sync-now'));
  await settled(page);
}

/** Waits until a round has finished: nothing waiting, or a problem shown. */
async function settled(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="sync-status"]')?.textContent ?? '';
    const problem = document.querySelector('[data-testid="sync-problem"]');
    return problem || (!status.includes('Syncing now') && status.includes('Nothing waiting'));
  }, null, { timeout: 20_000 });
}

/** Every document of the workspace on a PC, decrypted, by name (the sync state left out). */
async function workspaceOf(page, pass = PASS) {
  const docs = await openStorage(page, pass);
  const out = {};
  for (const [name, text] of docs) {
    if (!/\/ws\/[0-9a-f]+\/(settings|directory|practice-work|tasks|records\/\d+)$/.test(name)) continue;
    const doc = JSON.parse(text);
    // A records part with nobody in it is the same as no part.
    if (doc.format === 'linkwork.records' && doc.people.length === 0) continue;
    out[name] = doc;
  }
  return out;
}

async function openReferral(page, reference) {
  await page.click(byTestId('nav-caseload'));
  await page.click(`${byTestId('row-reference')}:text-is("${reference}")`);
  await page.waitForSelector(byTestId('journey'));
}

test('with sync off, the app asks nothing of any server, not even its own /sync/', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0001');
  await page.click(byTestId('nav-settings'));
  await page.waitForSelector(byTestId('sync-settings'));
  assert.match(await page.textContent(byTestId('sync-settings')), /Sync is off/);
  await page.waitForTimeout(1500);
  const origin = new URL(app.url).origin;
  const elsewhere = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'a request left for another origin');
  assert.deepEqual(requests.filter((u) => u.includes('/sync/')), []);
  assert.deepEqual(app.errors, []);
});

test('PC A switches sync on; PC B sets up from the sheet and gets the same workspace; the server sees only ciphertext', async (t) => {
  const { couch, account } = await server(t);
  const a = await openFresh(t, { sync: couch.url });
  await createWorkspace(a.page, 'Sam (Riverside)');
  await addPractice(a.page, 'Riverside Medical Practice');
  await recordReferral(a.page, 'RV-0001', { notes: 'Private note about RV-0001' });
  await recordReferral(a.page, 'RV-0002');
  const started = Date.now();
  const secret = await switchOn(a, account);
  t.diagnostic(`switch sync on and send everything: ${Date.now() - started} ms`);
  assert.match(await a.page.textContent(byTestId('sync-status')), /Last synced/);

  // The wrong secret (right shape) with the right passphrase opens nothing.
  const wrong = await openFresh(t, { sync: couch.url });
  const refused = await join(wrong, account, 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX');
  assert.match(refused, /do not open the workspace/);
  assert.equal(await wrong.page.$(byTestId('workspace-name')), null);

  const b = await openFresh(t, { sync: couch.url });
  const joined = Date.now();
  assert.equal(await join(b, account, secret), null);
  t.diagnostic(`set up PC B and bring everything down: ${Date.now() - joined} ms`);
  assert.deepEqual((await caseloadRows(b.page)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0002']);
  assert.deepEqual(await workspaceOf(b.page), await workspaceOf(a.page));
  assert.equal(await b.page.textContent(byTestId('workspace-name')), 'Sam (Riverside)');

  // Everything the server holds, every revision, and every request it was sent.
  const dump = await dumpServer(couch, account.db);
  const seen = [...dump.map((d) => d.text), ...a.proxied.map((r) => `${r.path} ${r.requestBody} ${r.responseBody}`), ...b.proxied.map((r) => `${r.path} ${r.requestBody} ${r.responseBody}`)];
  assert.ok(seen.length > 5);
  for (const plain of ['RV-000', 'Private note', 'Riverside', 'Sam', PASS, secret, secret.replaceAll('-', ''), 'linkwork.records', 'linkwork.settings', 'loneliness']) {
    const hit = seen.find((text) => text.includes(plain));
    assert.equal(hit, undefined, `the server saw ${plain}: ${hit?.slice(0, 200)}`);
  }
  for (const d of dump.filter((d) => d.doc && d.doc._id !== 'linkwork-meta')) {
    assert.deepEqual(Object.keys(d.doc).filter((k) => !k.startsWith('_')).sort(), ['c', 'f'], `${d.doc._id} holds more than a marker and ciphertext`);
  }
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

/** Switches a PC's network off or on (its sync requests then fail, like a lost line). */
const offline = (app, off) => app.context.setOffline(off);

/** Changes "what matters to them" on a referral and saves. */
async function whatMatters(page, reference, words) {
  await openReferral(page, reference);
  await page.fill(byTestId('field-what-matters'), words);
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('notice'));
}

/** Two PCs of one workspace, syncing, with three people. */
async function twoPcs(t) {
  const { couch, account } = await server(t);
  const a = await openFresh(t, { sync: couch.url });
  await createWorkspace(a.page, 'Sam (Riverside)');
  await addPractice(a.page, 'Riverside Medical Practice');
  for (const r of ['RV-0001', 'RV-0002', 'RV-0003']) await recordReferral(a.page, r);
  const secret = await switchOn(a, account);
  const b = await openFresh(t, { sync: couch.url });
  assert.equal(await join(b, account, secret), null);
  return { couch, account, a, b, secret };
}

test('both PCs offline: different people, the same field, new people; after reconnecting both hold the same, nothing lost, the clash shown', async (t) => {
  const { a, b, couch, account } = await twoPcs(t);
  await offline(a, true);
  await offline(b, true);
  await whatMatters(a.page, 'RV-0002', 'Walking group on Tuesdays');
  await whatMatters(b.page, 'RV-0003', 'Back to the choir');
  await whatMatters(a.page, 'RV-0001', 'Getting back to the allotment');
  await whatMatters(b.page, 'RV-0001', 'Seeing friends again');
  await recordReferral(a.page, 'RV-0101');
  await recordReferral(b.page, 'RV-0201');
  await offline(a, false);
  await offline(b, false);
  await syncNow(a.page);
  await syncNow(b.page);
  await syncNow(a.page);
  const all = ['RV-0001', 'RV-0002', 'RV-0003', 'RV-0101', 'RV-0201'];
  assert.deepEqual((await caseloadRows(a.page)).map((r) => r[0]).sort(), all);
  assert.deepEqual((await caseloadRows(b.page)).map((r) => r[0]).sort(), all);
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page), 'the two PCs differ after syncing');
  await openReferral(a.page, 'RV-0003');
  assert.equal(await a.page.inputValue(byTestId('field-what-matters')), 'Back to the choir');
  await openReferral(b.page, 'RV-0002');
  assert.equal(await b.page.inputValue(byTestId('field-what-matters')), 'Walking group on Tuesdays');
  for (const page of [a.page, b.page]) {
    await openReferral(page, 'RV-0001');
    await page.waitForSelector(byTestId('conflicts-panel'));
    assert.match(await page.textContent(byTestId('conflicts-panel')), /Changed on two PCs/);
    const values = await page.$$eval(byTestId('conflict-value'), (v) => v.map((x) => x.textContent));
    assert.deepEqual(values.sort(), ['Getting back to the allotment', 'Seeing friends again']);
  }
  await screenshot(a.page, 'sync-changed-on-two-pcs');
  // New people went to each PC's own records part: neither PC's new person clashed.
  const ids = (await dumpServer(couch, account.db)).map((d) => d.doc?._id).filter((id) => /^records-\d+$/.test(id ?? ''));
  assert.ok(new Set(ids).size >= 3, `new people shared a part: ${[...new Set(ids)]}`);
  // A choice made on one PC reaches the other.
  await a.page.click(`${byTestId('keep-value')}:has-text("another PC")`);
  await a.page.waitForSelector(byTestId('conflicts-panel'), { state: 'detached' });
  await syncNow(a.page);
  await syncNow(b.page);
  await openReferral(b.page, 'RV-0001');
  assert.equal(await b.page.$(byTestId('conflicts-panel')), null);
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page));
  // While offline, the browser's own fetches (the icon, sync) fail, and say so.
  const real = (errors) => errors.filter((e) => !e.includes('/sync/') && !e.includes('ERR_INTERNET_DISCONNECTED'));
  assert.deepEqual(real(a.errors), []);
  assert.deepEqual(real(b.errors), []);
});

test('the server goes down during a push: work goes on, nothing is lost across a reload, and all of it arrives once', async (t) => {
  const { a, b, couch } = await twoPcs(t);
  couch.pause('down');
  await recordReferral(a.page, 'RV-0004');
  await a.page.click(byTestId('nav-settings'));
  await a.page.waitForSelector(byTestId('sync-problem'), { timeout: 20_000 });
  assert.match(await a.page.textContent(byTestId('sync-problem')), /not answering|cannot be reached/);
  await recordReferral(a.page, 'RV-0005');
  await a.page.reload();
  await unlockByKeyboard(a.page);
  await a.page.click(byTestId('nav-settings'));
  assert.match(await a.page.textContent(byTestId('sync-status')), /waiting to go/);
  assert.doesNotMatch(await a.page.textContent(byTestId('sync-status')), /Nothing waiting/);
  couch.resume();
  await syncNow(a.page);
  await syncNow(b.page);
  const rows = (await caseloadRows(b.page)).map((r) => r[0]).sort();
  assert.deepEqual(rows, ['RV-0001', 'RV-0002', 'RV-0003', 'RV-0004', 'RV-0005']);
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page));
});

test('a replayed old document, one moved to another name and a damaged one are refused with a message, and nothing changes', async (t) => {
  const { a, b, couch, account } = await twoPcs(t);
  const db = `/${account.db}`;
  const get = async (id) => (await couchRequest(couch, 'GET', `${db}/${id}`)).json;
  const first = await get('records-0');
  await whatMatters(a.page, 'RV-0001', 'A later version');
  await syncNow(a.page);
  await syncNow(b.page);
  const before = await workspaceOf(b.page);
  // Replayed: the first version of the part, sent again as the newest.
  const now = await get('records-0');
  await couchRequest(couch, 'PUT', `${db}/records-0`, { body: { _rev: now._rev, f: first.f, c: first.c } });
  // Moved: the part's ciphertext under another part's name.
  await couchRequest(couch, 'PUT', `${db}/records-7`, { body: { f: now.f, c: now.c } });
  // Damaged: the settings' ciphertext with a few characters changed.
  const settings = await get('settings');
  const c = settings.c.slice(0, 40) + (settings.c[40] === 'A' ? 'B' : 'A') + settings.c.slice(41);
  await couchRequest(couch, 'PUT', `${db}/settings`, { body: { _rev: settings._rev, f: settings.f, c } });
  await syncNow(b.page);
  await b.page.waitForSelector(byTestId('sync-refused'));
  const text = await b.page.textContent(byTestId('sync-refused'));
  assert.match(text, /older copy of records part 1/);
  assert.match(text, /records part 8 does not open/);
  assert.match(text, /settings does not open/);
  await screenshot(b.page, 'sync-refused');
  assert.deepEqual(await workspaceOf(b.page), before, 'a refused document changed something');
  await openReferral(b.page, 'RV-0001');
  assert.equal(await b.page.inputValue(byTestId('field-what-matters')), 'A later version');
  // This PC's good copies replace the bad ones on the server; the other PC is not misled.
  await syncNow(b.page);
  await syncNow(a.page);
  assert.deepEqual(await workspaceOf(a.page), before);
});

/**
 * Every revision the server holds, opened with the workspace's data key as a PC would
 * (the key from this PC's description, with the passphrase): `[id, text]` pairs. A
 * revision that does not open is returned as null text.
 */
async function openServer(page, couch, db, pass = PASS) {
  const { argon2id } = await import('hash-wasm');
  const [[name, value]] = (await page.evaluate(() => Object.entries(localStorage))).filter(([k]) => /\/ws\/[0-9a-f]+\/meta$/.test(k));
  const meta = JSON.parse(value);
  const key = await argon2id({
    password: pass, salt: Buffer.from(meta.kdf.salt, 'hex'), parallelism: meta.kdf.p, iterations: meta.kdf.t,
    memorySize: meta.kdf.m_kib, hashLength: 32, outputType: 'binary',
  });
  const docs = (await dumpServer(couch, db)).filter((d) => d.doc?.c).map((d) => [d.doc._id, d.doc.c]);
  return page.evaluate(async ({ raw, wrapped, wrapName, ws, docs }) => {
    const unpack = (text) => {
      const base = 0x4000;
      const len = ((text.charCodeAt(0) - base) << 15) | (text.charCodeAt(1) - base);
      const bytes = new Uint8Array(len);
      let [acc, bits, o] = [0, 0, 0];
      for (let i = 2; i < text.length; i += 1) {
        acc = (acc << 15) | (text.charCodeAt(i) - base);
        bits += 15;
        while (bits >= 8 && o < len) { bits -= 8; bytes[o] = (acc >>> bits) & 0xff; o += 1; }
        acc &= (1 << bits) - 1;
      }
      return bytes;
    };
    const open = async (k, aad, sealed) => {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: new TextEncoder().encode(aad) }, k, sealed.subarray(12));
      return new Response(new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
    };
    const outer = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['decrypt']);
    const hex = await open(outer, wrapName, unpack(wrapped.slice(3)));
    const data = await crypto.subtle.importKey('raw', new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16))), 'AES-GCM', false, ['decrypt']);
    const out = [];
    for (const [id, c] of docs) {
      const bytes = Uint8Array.from(atob(c), (ch) => ch.charCodeAt(0));
      out.push([id, await open(data, `linkwork.sync/${ws}/${id}`, bytes).catch(() => null)]);
    }
    return out;
  }, { raw: [...key], wrapped: meta.wrapped, wrapName: `${name}#data-key`, ws: meta.id, docs });
}

test('a person deleted on PC A while PC B, offline, edits them: gone from both, and from every revision on the server', async (t) => {
  const { a, b, couch, account } = await twoPcs(t);
  // Before: the server's revisions do hold RV-0002 (encrypted).
  assert.ok((await openServer(a.page, couch, account.db)).some(([, text]) => text?.includes('RV-0002')));
  await offline(b, true);
  await whatMatters(b.page, 'RV-0002', 'Edited while offline');
  await openReferral(a.page, 'RV-0002');
  await a.page.click(byTestId('delete-person'));
  await a.page.fill(byTestId('delete-person-typed'), 'RV-0002');
  await a.page.click(byTestId('delete-person-confirmed'));
  await a.page.waitForSelector(byTestId('notice'));
  await syncNow(a.page);
  await offline(b, false);
  await syncNow(b.page);
  await syncNow(a.page);
  for (const page of [a.page, b.page]) {
    assert.deepEqual((await caseloadRows(page)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0003']);
  }
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page));
  const held = await openServer(a.page, couch, account.db);
  assert.ok(held.some(([id, text]) => id === 'records-0' && text?.includes('RV-0001')), 'the server copy could not be read back');
  const left = held.filter(([, text]) => text?.includes('RV-0002') || text?.includes('Edited while offline'));
  assert.deepEqual(left.map(([id]) => id), [], 'the deleted person is still readable on the server');
  // The tombstone says nothing about them but an id.
  const gone = held.find(([id]) => id === 'gone');
  assert.ok(gone && gone[1] && !gone[1].includes('RV-'));
});

test('a new passphrase reaches the server; locking stops sync; a second tab does not sync', async (t) => {
  const { a, couch, account, secret } = await twoPcs(t);
  await a.page.click(byTestId('nav-settings'));
  await a.page.fill(byTestId('new-pass'), 'a brand new passphrase');
  await a.page.fill(byTestId('new-pass-confirm'), 'a brand new passphrase');
  await a.page.click(byTestId('change-pass'));
  await a.page.waitForSelector(byTestId('pass-changed'));
  await syncNow(a.page);
  const old = await openFresh(t, { sync: couch.url });
  assert.match(await join(old, account, secret, PASS), /do not open the workspace/);
  const c = await openFresh(t, { sync: couch.url });
  assert.equal(await join(c, account, secret, 'a brand new passphrase'), null);
  assert.deepEqual((await caseloadRows(c.page)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0002', 'RV-0003']);

  // A second tab of PC A is read-only (the first is editing), and does not sync.
  const second = await a.context.newPage();
  a.watch(second);
  await second.goto(a.url);
  await unlockByKeyboard(second, 'a brand new passphrase');
  await second.waitForSelector(byTestId('other-tab'), { timeout: 10_000 });
  const fromSecond = [];
  second.on('request', (r) => { if (r.url().includes('/sync/')) fromSecond.push(r.url()); });
  await second.click(byTestId('nav-settings'));
  await second.click(byTestId('sync-now'));
  await second.waitForTimeout(1500);
  assert.deepEqual(fromSecond, [], 'a tab that is not the editing one synced');

  // Locking stops sync in every tab: nothing more is asked of the server.
  await syncNow(a.page);
  await a.page.click(byTestId('lock'));
  await a.page.waitForSelector(byTestId('lock-screen'));
  await second.waitForSelector(byTestId('lock-screen'));
  await a.page.waitForTimeout(500);
  const count = a.proxied.length;
  await a.page.waitForTimeout(4000);
  assert.equal(a.proxied.length, count, 'a locked PC went on syncing');
  assert.deepEqual(a.errors, []);
});

test('a wrong password, a wrong database and a database deleted later each get a plain message, and nothing here is lost', async (t) => {
  const { couch, account } = await server(t);
  const a = await openFresh(t, { sync: couch.url });
  await createWorkspace(a.page);
  await addPractice(a.page, 'Riverside Medical Practice');
  await recordReferral(a.page, 'RV-0001');
  await a.page.click(byTestId('nav-settings'));
  // Each field says what is wrong beside it before anything is sent.
  await a.page.click(byTestId('sync-on'));
  await a.page.waitForSelector(byTestId('sync-address-error'));
  await a.page.fill(byTestId('sync-address'), 'http://example.org/sync/');
  await a.page.click(byTestId('sync-on'));
  assert.match(await a.page.textContent(byTestId('sync-address-error')), /https:\/\//);
  assert.equal(a.proxied.length, 0, 'a form with errors was sent');
  await fillSync(a.page, 'sync', a, account);
  await a.page.fill(byTestId('sync-password'), 'not the password');
  await a.page.click(byTestId('sync-on'));
  await a.page.waitForSelector(byTestId('sync-failure'));
  assert.match(await a.page.textContent(byTestId('sync-failure')), /did not accept the user name and password/);
  await fillSync(a.page, 'sync', a, { ...account, db: 'no-such-database' });
  await a.page.click(byTestId('sync-on'));
  await a.page.waitForFunction(() => /not on the sync server|may not use that database/.test(document.querySelector('[data-testid="sync-failure"]')?.textContent ?? ''));
  await fillSync(a.page, 'sync', a, account);
  await a.page.click(byTestId('sync-on'));
  await a.page.waitForSelector(byTestId('setup-sheet'));
  await a.page.click(byTestId('sheet-done'));
  await settled(a.page);
  // The database goes (emptied or deleted by IT): reported, and the caseload stays.
  await couchRequest(couch, 'DELETE', `/${account.db}`);
  await syncNow(a.page);
  await a.page.waitForSelector(byTestId('sync-problem'));
  assert.match(await a.page.textContent(byTestId('sync-problem')), /not on the sync server|no longer holds this workspace|may not use/);
  assert.deepEqual((await caseloadRows(a.page)).map((r) => r[0]), ['RV-0001']);
  await a.page.click(byTestId('nav-settings'));
  await a.page.click(byTestId('sync-stop'));
  await a.page.click(byTestId('sync-stop-confirm'));
  await a.page.waitForSelector(byTestId('sync-on'));
  await a.page.reload();
  await unlockByKeyboard(a.page);
  assert.deepEqual((await caseloadRows(a.page)).map((r) => r[0]), ['RV-0001'], 'stopping sync lost the caseload');
});

test('handing people over still works with sync on, and the handover mark reaches the other PC', async (t) => {
  const { a, b } = await twoPcs(t);
  await a.page.click(byTestId('nav-caseload'));
  await a.page.click(byTestId('to-handover'));
  await a.page.waitForSelector(byTestId('hand-over-form'));
  await a.page.check(`${byTestId('handover-person')}[value="RV-0003"]`);
  await a.page.fill(byTestId('handover-to'), 'Jo (Hillview)');
  await Promise.all([a.page.waitForEvent('download'), a.page.click(byTestId('make-handover'))]);
  await a.page.waitForSelector(byTestId('handover-made'));
  await syncNow(a.page);
  await syncNow(b.page);
  assert.deepEqual((await caseloadRows(b.page)).map((r) => r[0]).sort(), ['RV-0001', 'RV-0002']);
  await b.page.evaluate(() => { location.hash = '#/handover'; });
  await b.page.click(`${byTestId('handed-reference')}:text-is("RV-0003")`);
  await b.page.waitForSelector(byTestId('handed-banner'));
  assert.match(await b.page.textContent(byTestId('handed-banner')), /Handed over to Jo \(Hillview\)/);
});

test('two branches of a document on the server (as a cluster makes) are merged, and the extra branch deleted', async (t) => {
  const { a, b, couch, account } = await twoPcs(t);
  const db = `/${account.db}`;
  const base = (await couchRequest(couch, 'GET', `${db}/records-0`)).json;
  await whatMatters(a.page, 'RV-0001', 'Written on one branch');
  await syncNow(a.page);
  // A second branch from the same parent, holding the older contents, made to win.
  const [n, parent] = base._rev.split('-');
  const id = 'f'.repeat(32);
  const rev = `${Number(n) + 1}-${id}`;
  const made = await couchRequest(couch, 'POST', `${db}/_bulk_docs`, {
    body: { new_edits: false, docs: [{ _id: 'records-0', _rev: rev, _revisions: { start: Number(n) + 1, ids: [id, parent] }, f: base.f, c: base.c }] },
  });
  assert.ok(made.status < 300, made.text);
  const branched = (await couchRequest(couch, 'GET', `${db}/records-0?conflicts=true`)).json;
  assert.equal(branched._rev, rev);
  assert.equal(branched._conflicts?.length, 1);
  await syncNow(b.page);
  await syncNow(a.page);
  for (const page of [a.page, b.page]) {
    await openReferral(page, 'RV-0001');
    assert.equal(await page.inputValue(byTestId('field-what-matters')), 'Written on one branch', 'a branch was lost');
  }
  const after = (await couchRequest(couch, 'GET', `${db}/records-0?conflicts=true`)).json;
  assert.equal(after._conflicts, undefined, 'the merged branch is still on the server');
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page));
  for (const page of [a.page, b.page]) {
    await page.click(byTestId('nav-settings'));
    assert.equal(await page.$(byTestId('sync-refused')), null, 'a branch was reported as tampering');
  }
});

/** The referral's tasks on this PC, sorted. */
async function tasksOf(page, reference) {
  await openReferral(page, reference);
  return (await page.$$eval(`#sec-tasks ${byTestId('task-text')}`, (t) => t.map((x) => x.textContent))).sort();
}

test('two PCs offline each add a task and a GP sharing answer to one person: after syncing both hold both, and the answer recorded later is in force', async (t) => {
  const { a, b } = await twoPcs(t);
  await offline(a, true);
  await offline(b, true);
  await openReferral(a.page, 'RV-0001');
  await addTask(a.page, 'Task from PC A');
  await recordConsent(a.page, 'gp', 'yes');
  await openReferral(b.page, 'RV-0001');
  await addTask(b.page, 'Task from PC B');
  // Recorded after PC A's answer, on the same day: this one is in force.
  await recordConsent(b.page, 'gp', 'no');
  await offline(a, false);
  await offline(b, false);
  await syncNow(a.page);
  await syncNow(b.page);
  await syncNow(a.page);
  for (const page of [a.page, b.page]) {
    assert.deepEqual(await tasksOf(page, 'RV-0001'), ['Task from PC A', 'Task from PC B']);
    assert.equal(await page.$(byTestId('conflicts-panel')), null, 'two additions are no clash');
    const history = await page.$$eval(`${byTestId('consent-history')} li`, (li) => li.map((l) => l.textContent));
    assert.equal(history.length, 2, history.join('\n'));
    await page.waitForSelector(byTestId('gp-record-withheld'));
  }
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(b.page), 'the two PCs differ after syncing');
});

test('three PCs each add a task to one person at once: all three tasks reach all three PCs', async (t) => {
  const { a, b, account, couch, secret } = await twoPcs(t);
  const c = await openFresh(t, { sync: couch.url });
  assert.equal(await join(c, account, secret), null);
  const pcs = [a, b, c];
  await Promise.all(pcs.map(async (pc, n) => {
    await openReferral(pc.page, 'RV-0002');
    await addTask(pc.page, `Task ${n + 1}`);
  }));
  for (let round = 0; round < 2; round += 1) {
    for (const pc of pcs) await syncNow(pc.page);
  }
  for (const pc of pcs) {
    assert.deepEqual(await tasksOf(pc.page, 'RV-0002'), ['Task 1', 'Task 2', 'Task 3']);
  }
  assert.deepEqual(await workspaceOf(a.page), await workspaceOf(c.page));
});
