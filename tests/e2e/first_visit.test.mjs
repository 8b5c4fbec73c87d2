// End-to-end: the first visit. The page draws Linkwork's frame and "Loading Linkwork…" before
// the app's WebAssembly has arrived, the app takes over without moving anything, and the
// visit downloads each file of the build once, across the page and its service worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from './axe.mjs';
import { buildFiles, launch, startServer, workerActive } from './harness.mjs';
import { byTestId } from './flows.mjs';

/** Records every layout shift of the page (and its FCP) from the very start. */
function watchShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__shifts.push({ value: entry.value, sources: (entry.sources ?? []).map((s) => s.node?.nodeName ?? '?') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** A server, a browser and a fresh context and page; closed after the test. */
async function fresh(t, { delay = null } = {}) {
  const server = await startServer({ prefix: '/linkwork/' });
  server.delay = delay;
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const context = await browser.newContext();
  await context.addInitScript(watchShifts);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { server, browser, context, page, errors };
}

/** The box of the first element matching `selector`, rounded to the pixel. */
async function box(page, selector) {
  const found = await page.$(selector);
  assert.ok(found, `${selector} is on the page`);
  const { x, y, width, height } = await found.boundingBox();
  return { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
}

test('the loading frame is on screen, styled, from the page alone, and the app takes its place without moving anything', async (t) => {
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  // Every file but the page itself is held back (stylesheet, scripts, WebAssembly): the
  // frame needs nothing else to be drawn.
  const asked = [];
  const { server, page, errors } = await fresh(t, {
    delay: (pathname) => {
      if (pathname === '/linkwork/' || pathname === '/linkwork/index.html') return 0;
      asked.push(pathname);
      return held;
    },
  });
  await page.goto(server.url, { waitUntil: 'commit' });
  await page.waitForSelector('#boot h1', { state: 'visible' });
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
  assert.equal(await page.textContent('#boot h1'), 'Loading Linkwork…');
  assert.match(await page.textContent('#boot-status'), /downloads the app once/);
  assert.equal(await page.isVisible('#boot-progress'), true, 'a progress bar while the app downloads');
  assert.equal(await page.textContent('#boot .brand__name'), 'Linkwork');
  // It is painted, styled by the app's stylesheet (the header is Linkwork's blue), while
  // every other file is still held back.
  const headerColour = await page.$eval('#boot .site-header', (el) => getComputedStyle(el).backgroundColor);
  assert.equal(headerColour, 'rgb(0, 94, 184)');
  assert.equal(asked.filter((p) => p.endsWith('.wasm')).length, 1, 'the WebAssembly was asked for at once, and is held back');
  assert.equal(await page.$(byTestId('app-root')), null, 'the app has not started');
  assert.deepEqual(await axeViolations(page, 'the loading frame'), []);
  const before = {
    header: await box(page, '.site-header'),
    brand: await box(page, '.brand'),
    page: await box(page, '.page'),
    heading: await box(page, 'main h1'),
  };

  release();
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await page.$('#boot'), null, 'the frame is gone once the app is there');
  assert.equal(await page.locator('.site-header').count(), 1, 'one header, the app’s');
  assert.equal(await page.locator('main').count(), 1, 'one main landmark');
  const after = {
    header: await box(page, '.site-header'),
    brand: await box(page, '.brand'),
    page: await box(page, '.page'),
    heading: await box(page, 'main h1'),
  };
  assert.deepEqual(after.header, before.header, 'the header stays where it was');
  assert.deepEqual(after.brand, before.brand, 'the name stays where it was');
  assert.deepEqual(after.page, { ...before.page, height: after.page.height }, 'the page box starts where it did');
  assert.equal(after.heading.y, before.heading.y, 'the first heading is where "Loading Linkwork…" was');
  const shifts = await page.evaluate(() => window.__shifts);
  assert.deepEqual(shifts, [], 'no layout shift from the first paint to the lock screen');
  assert.deepEqual(errors, []);
});

test('the progress bar moves as the app downloads on a slow line', async (t) => {
  const { server, page, context } = await fresh(t);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // 2 Mbit/s: the WebAssembly takes a few seconds, long enough to watch the bar.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: 2_000_000 / 8,
    uploadThroughput: 2_000_000 / 8,
  });
  await page.goto(server.url, { waitUntil: 'commit' });
  await page.waitForSelector('#boot-progress');
  const seen = new Set();
  while (!(await page.$(byTestId('lock-screen')))) {
    const value = await page.evaluate(() => document.getElementById('boot-progress')?.value ?? null);
    if (value !== null) seen.add(value);
    await page.waitForTimeout(50);
  }
  const between = [...seen].filter((v) => v > 0 && v < 100);
  const shown = [...seen].sort((a, b) => a - b);
  assert.ok(between.length >= 3, `the bar showed progress along the way: ${shown}`);
  // It counts towards the file's real size: it fills up as the download ends, rather than
  // stalling part of the way and jumping to the end.
  assert.ok(Math.max(...between) >= 90, `the bar came close to full before the app started: ${shown}`);
});

test('when the app cannot load, the frame says so in plain words instead of loading for ever', async (t) => {
  const { server, page, context } = await fresh(t);
  await context.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto(server.url);
  const alert = page.locator('#boot [role=alert]');
  await alert.waitFor();
  assert.equal(await page.textContent('#boot h1'), 'Linkwork could not start');
  assert.match(await alert.textContent(), /Reload the page to try again/);
  assert.doesNotMatch(await alert.textContent(), /wasm|WebAssembly\.|TypeError|undefined/i);
  assert.equal(await page.$('#boot-progress'), null, 'no progress bar left spinning');
});

test('a first visit downloads each file once, across the page and the service worker, and then works offline', async (t) => {
  const { server, page, context, errors } = await fresh(t);
  await page.goto(server.url);
  await page.waitForSelector(byTestId('lock-screen'));
  // The service worker installs from what the page fetched, and fetches the rest.
  await workerActive(page);
  const build = await buildFiles();
  const files = build.map((file) => file.name);
  const asked = new Map();
  for (const entry of server.log) {
    const name = entry.path.slice('/linkwork/'.length) || 'index.html';
    asked.set(name, [...(asked.get(name) ?? []), entry]);
  }
  const twice = [...asked].filter(([, entries]) => entries.length > 1).map(([name, entries]) => `${name} ×${entries.length}`);
  assert.deepEqual(twice, [], 'no file is downloaded twice');
  assert.deepEqual([...asked.keys()].sort(), [...files].sort(), 'every file of the build, and nothing else');
  // What went over the wire is the build, compressed, once.
  const compressed = build.reduce((sum, file) => sum + file.wire, 0);
  const sent = server.log.reduce((sum, entry) => sum + entry.bytes, 0);
  assert.ok(sent <= compressed * 1.01, `${sent} bytes sent for a build of ${compressed} bytes compressed`);
  assert.equal(
    server.log.find((entry) => entry.path.endsWith('.wasm')).encoding,
    'br',
    'the WebAssembly came brotli-compressed',
  );

  // And nothing more is needed: the next visit opens with the network off.
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));
  assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
  assert.deepEqual(errors, []);
});

test('without JavaScript the page says what Linkwork needs, and does not pretend to load', async (t) => {
  const server = await startServer({ prefix: '/linkwork/' });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url);
  assert.equal(await page.isVisible('noscript h1'), true);
  assert.equal(await page.textContent('noscript h1'), 'Linkwork needs JavaScript');
  assert.equal(await page.isVisible('#boot-heading'), false, 'no "Loading Linkwork…" that never ends');
  assert.equal(await page.isVisible('#boot-progress'), false, 'no progress bar that never moves');
  assert.equal(await page.isVisible('.boot__about'), true, 'what Linkwork is, still');
  const headings = await page.$$eval('h1, h2, h3', (all) =>
    all.filter((h) => h.getClientRects().length > 0).map((h) => h.textContent),
  );
  assert.deepEqual(headings, ['Linkwork needs JavaScript'], 'it is the page’s one heading, first');
  const order = await page.$eval('main', (main) => main.innerText.indexOf('needs JavaScript') < main.innerText.indexOf('casework'));
  assert.equal(order, true, 'the message comes before the description');
});
