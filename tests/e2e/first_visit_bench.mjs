// The first-visit benchmark: how soon a new visitor sees Linkwork and can use it, on a
// practice PC's line and on a slow mobile one, beside the network's floor measured in the
// same run. The release build is served as a static host serves it (brotli copies and the
// build's `_headers`, see harness.mjs), in headless Chromium with the DevTools protocol's
// network and CPU throttling.
//
// For each profile, the median of LINKWORK_BENCH_RUNS runs (default 3), each in a fresh
// browser context:
// - first visit: first contentful paint, and the lock screen ready (the app's
//   `linkwork-started` mark: drawn, in the task that removed the loading frame), from the
//   start of navigation;
// - the floor: the files the page fetched until then (page, stylesheet, glue, WebAssembly),
//   fetched all at once from a blank page of the same origin with the same throttling;
// - repeat visit: the same page reloaded once the service worker is in control;
// - bytes on the wire for the whole first visit, the service worker's install included,
//   beside the build's own compressed size (every file once, brotli).
// Prints a table and writes target/bench/first_visit.json. Times are printed, not judged.
//
//   LINKWORK_DIST=dist node tests/e2e/first_visit_bench.mjs   (`cargo xtask bench` runs it)
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildFiles, launch, startServer, workerActive } from './harness.mjs';

const RUNS = Number(process.env.LINKWORK_BENCH_RUNS ?? 3);
const OUT = path.resolve('target/bench/first_visit.json');

/** The profiles of issue 23: bandwidth, round trip and CPU slowdown. */
const PROFILES = [
  { name: 'practice PC (10 Mbit/s, 40 ms, CPU ×2)', mbit: 10, latency: 40, cpu: 2 },
  { name: 'slow mobile (1.6 Mbit/s, 150 ms, CPU ×4)', mbit: 1.6, latency: 150, cpu: 4 },
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A page of `context` throttled as `profile` says. */
async function throttledPage(context, profile) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: (profile.mbit * 1_000_000) / 8,
    uploadThroughput: (profile.mbit * 1_000_000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  return page;
}

/** First paint and the lock screen ready, in ms from the start of the page's navigation. */
async function paintAndReady(page) {
  // Paint entries are reported after the frame is presented, so the first paint may be
  // listed a moment after the app has started.
  const both = ['linkwork-started', 'first-contentful-paint'];
  await page.waitForFunction((names) => names.every((n) => performance.getEntriesByName(n).length > 0), both, {
    timeout: 60_000,
    polling: 20,
  });
  return page.evaluate(() => {
    const ready = performance.getEntriesByName('linkwork-started')[0].startTime;
    return {
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      ready,
      // What the page itself fetched until then: the page and what it asked for (not what the
      // service worker fetches once the app has started).
      files: [
        location.pathname,
        ...performance
          .getEntriesByType('resource')
          .filter((e) => e.startTime <= ready && e.name.startsWith(location.origin))
          .map((e) => new URL(e.name).pathname),
      ],
      // The app's code starts running (WebAssembly compiled and instantiated).
      main: performance.getEntriesByName('linkwork-main')[0]?.startTime ?? NaN,
      // When the page asked for the WebAssembly (its preload: the page's own round trip and
      // the browser's work before it could), and its last byte (from the network or the
      // service worker's cache).
      asked: performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.startTime ?? NaN,
      wasm: performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd ?? NaN,
    };
  });
}

/** One first visit, its floor and a repeat visit, as `profile`. */
async function run(browser, profile) {
  const server = await startServer({ prefix: '/linkwork/' });
  try {
    const context = await browser.newContext();
    const page = await throttledPage(context, profile);
    await page.goto(server.url, { waitUntil: 'commit' });
    const first = await paintAndReady(page);
    const lockScreenFiles = [...new Set(first.files)];
    await workerActive(page);
    // The worker's install is done: everything this visit downloaded is in the log.
    const bytes = server.log.reduce((sum, entry) => sum + entry.bytes, 0);
    const requests = server.log.length;
    await page.reload({ waitUntil: 'commit' });
    const repeat = await paintAndReady(page);
    await context.close();

    // The floor: the same files at once, from a blank page (a 404 of the same origin), in a
    // fresh context so nothing is cached.
    const blank = await browser.newContext();
    const floorPage = await throttledPage(blank, profile);
    await floorPage.goto(`${server.url}floor-blank-page`);
    const floor = await floorPage.evaluate(async (paths) => {
      const start = performance.now();
      await Promise.all(paths.map((p) => fetch(p, { cache: 'no-store' }).then((r) => r.arrayBuffer())));
      return performance.now() - start;
    }, lockScreenFiles);
    await blank.close();
    return { first, repeat, floor, bytes, requests, lockScreenFiles };
  } finally {
    await server.close();
  }
}

const browser = await launch();
const results = {};
const rows = [];
try {
  // The build's own size on the wire: every file once, as its brotli copy where it has one.
  const app = (await buildFiles()).reduce((sum, file) => sum + file.wire, 0);
  for (const profile of PROFILES) {
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await run(browser, profile));
    const m = (pick) => median(runs.map(pick));
    const result = {
      first_paint_ms: Math.round(m((r) => r.first.paint)),
      ready_ms: Math.round(m((r) => r.first.ready)),
      wasm_asked_ms: Math.round(m((r) => r.first.asked)),
      wasm_arrived_ms: Math.round(m((r) => r.first.wasm)),
      app_code_started_ms: Math.round(m((r) => r.first.main)),
      floor_ms: Math.round(m((r) => r.floor)),
      repeat_paint_ms: Math.round(m((r) => r.repeat.paint)),
      repeat_ready_ms: Math.round(m((r) => r.repeat.ready)),
      first_visit_kb: Math.round(m((r) => r.bytes) / 1024),
      first_visit_requests: m((r) => r.requests),
      app_kb: Math.round(app / 1024),
      lock_screen_files: runs[0].lockScreenFiles,
      runs: RUNS,
    };
    results[profile.name] = result;
    rows.push({
      profile: profile.name,
      'first paint': `${result.first_paint_ms} ms`,
      'wasm asked, arrived, app code runs': `${result.wasm_asked_ms}, ${result.wasm_arrived_ms}, ${result.app_code_started_ms} ms`,
      'lock screen ready': `${result.ready_ms} ms`,
      floor: `${result.floor_ms} ms`,
      'ready / floor': `${(result.ready_ms / result.floor_ms).toFixed(2)}x`,
      'repeat: paint, ready': `${result.repeat_paint_ms}, ${result.repeat_ready_ms} ms`,
      'first visit on the wire': `${result.first_visit_kb} KiB in ${result.first_visit_requests} requests`,
      'wire / app': `${(result.first_visit_kb / result.app_kb).toFixed(2)}x of ${result.app_kb} KiB`,
    });
  }
} finally {
  await browser.close();
}
console.log(`\nFirst visit on a slow line (median of ${RUNS}), beside the floor: the same files fetched at once from a blank page:`);
console.table(rows);
await fs.mkdir(path.dirname(OUT), { recursive: true });
await fs.writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${path.relative(process.cwd(), OUT)}`);
