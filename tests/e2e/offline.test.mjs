// End-to-end: offline use, updates, and demos from a static host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { axeViolations } from './axe.mjs';
import { DIST, countCharts, openApp, workerActive } from './harness.mjs';
import {
  addPractice,
  byTestId,
  caseloadRows,
  createWorkspace,
  openFresh,
  recordReferral,
  storedEntries,
  unlockByKeyboard,
} from './flows.mjs';


/** Whether the page is controlled by a service worker. */
const controlled = (page) => page.evaluate(() => Boolean(navigator.serviceWorker.controller));

test('after one visit the app opens, records and draws charts with the network off', async (t) => {
  const app = await openFresh(t);
  const { page, context, server } = app;
  await context.addInitScript(countCharts);
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice', '11200');
  const cachesNow = await workerActive(page);
  assert.equal(cachesNow.length, 1, `one cache for this version: ${cachesNow}`);
  assert.match(cachesNow[0], /^linkwork http:\/\/127\.0\.0\.1:\d+\/linkwork\/ [0-9a-f]{16}$/);

  await context.setOffline(true);
  const reached = server.requests();
  await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await controlled(page), true, 'the page came from the service worker');
  await unlockByKeyboard(page);
  await recordReferral(page, 'RV-0412');
  assert.equal((await caseloadRows(page))[0][0], 'RV-0412');

  // ECharts is loaded lazily, and was never fetched online: it comes from the cache too.
  // (One referral and no contacts yet: charts with nothing in them say so instead.)
  await page.click(byTestId('nav-dashboard'));
  await page.waitForFunction(
    () => {
      const drawn = document.querySelectorAll('.chart-card__body [data-testid^="chart-"]').length;
      return drawn >= 5 && window.__liveCharts === drawn;
    },
    null,
    { timeout: 20_000 },
  );
  assert.equal(await page.locator('.chart-failed').count(), 0, 'no chart failed to load');

  assert.equal(server.requests(), reached, 'nothing reached the server while offline');
  // Back online, the referral recorded offline is still there after a reload.
  await context.setOffline(false);
  await page.goto(app.url);
  await unlockByKeyboard(page);
  assert.equal((await caseloadRows(page))[0][0], 'RV-0412');
  assert.deepEqual(app.errors, []);
});

test('the service worker answers only for its own files and page: sync requests pass it by', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await workerActive(page);
  await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await controlled(page), true);

  /** The response the page got for `url` fetched with `init`, and whether the worker gave it. */
  const fetched = async (url, init = {}) => {
    const href = new URL(url, page.url()).href;
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === href && r.request().method() === (init.method ?? 'GET')),
      page.evaluate(([u, i]) => fetch(u, i).then((r) => r.status), [url, init]),
    ]);
    return { status: response.status(), fromWorker: response.fromServiceWorker() };
  };
  // A file of the build comes from the worker (so the check below can tell the difference).
  assert.deepEqual(await fetched('./manifest.webmanifest'), { status: 200, fromWorker: true });
  // What a sync server behind /sync/ is asked goes to the network untouched, whatever the
  // method; the test server has no /sync/, so it says 404 or 405.
  assert.deepEqual(
    await fetched('./sync/linkwork-sam/_changes?feed=normal&since=0'),
    { status: 404, fromWorker: false },
  );
  assert.deepEqual(
    await fetched('./sync/linkwork-sam/_bulk_docs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"docs":[]}',
    }),
    { status: 405, fromWorker: false },
  );
  // Nor does anything else of the same host that is not this build's.
  assert.deepEqual(await fetched('./other.json'), { status: 404, fromWorker: false });

  // A navigation to the sync server (e.g. CouchDB's own pages) gets the server's answer,
  // never the app's kept page in its place.
  const response = await page.goto(`${app.url}sync/_utils/`);
  assert.equal(response.status(), 404);
  assert.equal(response.fromServiceWorker(), false);
  assert.equal(await page.locator(byTestId('app-root')).count(), 0);
  // The only errors are the console's reports of those 404 and 405 answers.
  const expected = /^console: Failed to load resource: the server responded with a status of 40[45] /;
  assert.deepEqual(app.errors.filter((e) => !expected.test(e)), []);
});

test('a new version is announced, and replaces the old one only when the person says so', async (t) => {
  // A copy of the build, so the test can deploy a "new version" of it.
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'linkwork-update-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.cp(DIST, root, { recursive: true });
  const app = await openApp({ root, prefix: '/linkwork/' });
  t.after(() => app.close());
  const { page, context } = app;
  await page.waitForSelector(byTestId('lock-screen'));
  const [oldCache] = await workerActive(page);
  // A first visit is not announced as an update.
  assert.equal(await page.locator(byTestId('update-ready')).count(), 0);
  await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await controlled(page), true);

  // A second tab, open on the old version while the first one updates.
  const other = await context.newPage();
  app.watch(other);
  await other.goto(app.url);
  await other.waitForSelector(byTestId('lock-screen'));

  // Deploy: a new worker version, and a page that says which version it is.
  const worker = await fs.readFile(path.join(root, 'sw.js'), 'utf8');
  const oldVersion = worker.match(/const VERSION = '([0-9a-f]+)'/)[1];
  const pageText = await fs.readFile(path.join(root, 'index.html'), 'utf8');
  const newPage = pageText.replace('<title>', '<meta name="deployed" content="second" /><title>');
  // The new worker names the new page's integrity, as a build does; the old page is still in
  // the browser's HTTP cache (the open tabs loaded it), and must not be kept as the new one.
  const sri = (text) => `sha256-${crypto.createHash('sha256').update(text).digest('base64')}`;
  assert.ok(worker.includes(sri(pageText)), 'the worker names the page by its integrity');
  await fs.writeFile(
    path.join(root, 'sw.js'),
    worker.replace(oldVersion, 'feedfacefeedface').replace(sri(pageText), sri(newPage)),
  );
  await fs.writeFile(path.join(root, 'index.html'), newPage);
  // Their precompressed copies would still be the old ones (the server sends those first),
  // as on a host where a file was edited by hand: they go, as a real deploy replaces them.
  for (const name of ['sw.js', 'index.html']) {
    for (const ext of ['.br', '.gz']) await fs.rm(path.join(root, name + ext), { force: true });
  }

  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.waitForSelector(byTestId('update-ready'), { timeout: 20_000 });
  assert.match(await page.textContent(byTestId('update-ready')), /A new version of Linkwork is ready/);
  assert.deepEqual(await axeViolations(page, 'new version ready'), []);
  // Until the person chooses, the old version keeps running and serving.
  assert.equal(await page.locator('meta[name=deployed]').count(), 0);
  const cachesWaiting = await page.evaluate(() => caches.keys());
  assert.ok(cachesWaiting.includes(oldCache), 'the old version is still kept');
  const keptPage = await page.evaluate(async () => {
    const cache = await caches.open((await caches.keys()).find((name) => name.endsWith(' feedfacefeedface')));
    return (await cache.match('./index.html'))?.text();
  });
  assert.match(keptPage ?? '', /name="deployed"/, 'the new version keeps the new page, not the one cached by the browser');

  await Promise.all([page.waitForEvent('load'), page.click(byTestId('update-now'))]);
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await page.locator('meta[name=deployed]').count(), 1, 'the new version is running');
  assert.equal(await page.locator(byTestId('update-ready')).count(), 0);
  const cachesAfter = await page.evaluate(() => caches.keys());
  assert.deepEqual(
    cachesAfter.map((name) => name.split(' ').pop()),
    ['feedfacefeedface'],
    'only the new version is kept',
  );

  // The other tab was not reloaded under its person; it says what happened.
  await other.waitForSelector(byTestId('update-elsewhere'));
  assert.deepEqual(await axeViolations(other, 'updated in another tab'), []);
  assert.equal(await other.locator('meta[name=deployed]').count(), 0);
  assert.deepEqual(app.errors, []);
});

test('?demo opens the demo straight away, on Today, apart from real workspaces', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await recordReferral(page, 'RV-0001');
  await page.click(byTestId('lock'));
  await page.reload();
  await page.waitForSelector(byTestId('unlock-form'));
  const workspaceEntries = async () =>
    (await storedEntries(page)).filter(([key]) => key.startsWith('linkwork/ws/')).sort();
  const real = await workspaceEntries();

  await page.goto(`${app.url}?demo#/`);
  await page.waitForSelector(byTestId('demo-banner'));
  assert.match(await page.textContent(byTestId('demo-banner')), /Demo caseload/);
  assert.equal(await page.title(), 'Today (demo) – Linkwork');
  assert.ok((await caseloadRows(page)).length >= 50, 'the demo caseload is listed');
  // The visitor changes something in the demo.
  await recordReferral(page, 'DEMO-1', { practice: 1 });
  // A reload stays in the demo, with the change.
  await page.reload();
  await page.waitForSelector(byTestId('demo-banner'));
  const refs = (await caseloadRows(page)).map((row) => row[0]);
  assert.ok(refs.includes('DEMO-1'));

  // Leaving takes ?demo out of the address, so a reload stays on the lock screen.
  await page.click(byTestId('leave-demo'));
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(new URL(page.url()).search, '');
  await page.reload();
  await page.waitForSelector(byTestId('unlock-form'));
  assert.equal(await page.locator(byTestId('demo-banner')).count(), 0);

  const realAfter = await workspaceEntries();
  assert.deepEqual(realAfter, real, 'the real workspace was not touched');
  await unlockByKeyboard(page);
  assert.deepEqual((await caseloadRows(page)).map((row) => row[0]), ['RV-0001']);
  assert.deepEqual(app.errors, []);
});
