// Browser benchmark: how long the caseload takes to appear (from the click
// that opens it to the first row on screen), how long unlocking an encrypted
// workspace takes and what one edit writes, with caseloads written into
// local storage beforehand. Prints a table and writes target/bench/browser.json.
//
//   node tests/e2e/bench.mjs <fixtures dir>   (cargo xtask bench does it all)
//
// Fixtures are made by `cargo run -p linkwork-core --example storage_fixture`.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, countCharts, launch, startServer } from './harness.mjs';

const RUNS = Number(process.env.LINKWORK_BENCH_RUNS ?? 7);
/** Dashboard ⇄ caseload round trips per run, to look for leaks. */
const SWITCHES = Number(process.env.LINKWORK_BENCH_SWITCHES ?? 100);
const fixturesDir = path.resolve(process.argv[2] ?? 'target/bench');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function sizes() {
  const rows = [];
  for (const name of await fs.readdir(DIST)) {
    const ext = path.extname(name);
    if (!['.wasm', '.js', '.css', '.html'].includes(ext)) continue;
    const body = await fs.readFile(path.join(DIST, name));
    rows.push({
      file: ext === '.html' ? name : `*${ext}`,
      raw: body.length,
      gzip: zlib.gzipSync(body, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(body).length,
    });
  }
  return rows;
}

/**
 * Goes from the dashboard to the caseload and back `rounds` times; reports the time per
 * round, the ECharts instances still alive on the caseload, and the JS heap (after a
 * garbage collection) before and after.
 */
async function switchPages(page, rounds) {
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const before = await heap();
  const result = await page.evaluate(async (n) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const start = performance.now();
    let alive = 0;
    for (let i = 0; i < n; i += 1) {
      location.hash = '#/';
      while (!document.querySelector('[data-testid="caseload-row"]')) await frame();
      alive = Math.max(alive, window.__liveCharts);
      location.hash = '#/dashboard';
      while (document.querySelectorAll('.echart__canvas svg').length < 14) await frame();
    }
    return { per_round: (performance.now() - start) / n, alive_after_leaving: alive };
  }, rounds);
  const after = await heap();
  return { ...result, heap_before: before, heap_after: after };
}

/** A fresh profile whose local storage holds `entries`, with the app opened. */
async function seededPage(browser, url, entries) {
  const context = await browser.newContext();
  await context.addInitScript(countCharts);
  const page = await context.newPage();
  // A missing page on the same origin, to write local storage before the app starts.
  await page.goto(`${url}seed-${Date.now()}.txt`);
  await page.evaluate((data) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(data)) localStorage.setItem(k, v);
  }, entries);
  await page.goto(url);
  return { context, page };
}

/** Opens the app over a seeded local storage and times the first caseload row. */
async function timeCaseload(browser, url, entries) {
  const { context, page } = await seededPage(browser, url, entries);
  // The app starts locked; the stored caseload is the demo's, opened in one click.
  await page.waitForSelector('[data-testid="open-demo"]');
  const start = await page.evaluate(() => performance.now());
  await page.click('[data-testid="open-demo"]');
  const handle = await page.waitForFunction(
    () => document.querySelector('[data-testid="caseload-row"]') && performance.now(),
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  const ms = (await handle.jsonValue()) - start;
  const count = await page.textContent('[data-testid="result-count"]');
  await context.close();
  return { ms, count };
}

const cases = [{ name: 'demo caseload (300 referrals)', file: 'caseload-demo.json' }];

/** Encrypted workspaces (passphrase PASS), padded to the size of referrals
 * with 5 contacts and 2 measure sets each. */
const PASS = 'correct horse battery';
const sealedCases = [
  { name: '1,000 referrals, encrypted, padded', file: 'sealed-1000.json' },
  { name: '5,000 referrals, 25,000 contacts, encrypted', file: 'sealed-5000.json' },
  { name: '20,000 referrals, 100,000 contacts, encrypted', file: 'sealed-20000.json' },
];

/** Times from an input event to the next painted frame with the new result. */
async function timeSearch(page, text) {
  await page.click('[data-testid="search"]');
  await page.fill('[data-testid="search"]', '');
  await page.waitForTimeout(50);
  return page.evaluate(async (value) => {
    const input = document.querySelector('[data-testid="search"]');
    const before = document.querySelector('[data-testid="result-count"]').textContent;
    const start = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    while (document.querySelector('[data-testid="result-count"]').textContent === before) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - start;
  }, text);
}

/** Times a quick-add contact from the click on "Add contact" to the confirmation. */
async function timeAddContact(page) {
  await page.fill('[data-testid="search"]', '');
  await page.click('[data-testid="row-add-contact"]');
  await page.waitForSelector('[data-testid="contact-form"]');
  return page.evaluate(async () => {
    const start = performance.now();
    document.querySelector('[data-testid="save-contact"]').click();
    while (!document.querySelector('[data-testid="notice"]')) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    return performance.now() - start;
  });
}

/**
 * Opens the dashboard and times it until every chart is drawn; then changes the practice
 * filter and times the recomputation (marks around it) and the redraw (the change event to
 * the next painted frame: Leptos and ECharts' SVG renderer both update synchronously).
 */
async function timeDashboard(page) {
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const charts = () => document.querySelectorAll('.echart__canvas svg').length;
    const start = performance.now();
    location.hash = '#/dashboard';
    while (!document.querySelector('[data-testid="tile-open"]') || charts() < 14) await frame();
    const drawn = performance.now() - start;
    const marks = () => performance.getEntriesByType('mark');
    const span = (what) => {
      const at = (name) => marks().filter((m) => m.name === name).at(-1).startTime;
      return at(`linkwork-dashboard-${what}-end`) - at(`linkwork-dashboard-${what}-start`);
    };
    const index = span('index');
    const firstCompute = span('compute');
    const select = document.querySelector('[data-testid="dash-practice"]');
    const changeStart = performance.now();
    select.value = select.options[3].value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await frame();
    const redraw = performance.now() - changeStart;
    const filterCompute = span('compute');
    return { drawn, index, firstCompute, redraw, filterCompute };
  });
}

/**
 * Imports 200 summary files (50 link workers x 4 quarters) into the manager view and times
 * reading, checking, merging and saving them (marks around the import), and until the
 * programme's figures are on screen.
 */
async function timeSummaryImport(browser, url, files) {
  const { context, page } = await seededPage(browser, url, {});
  await page.click('[data-testid="open-manager"]');
  await page.waitForSelector('[data-testid="summary-files"]');
  const payload = Object.entries(files).map(([name, text]) => ({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  }));
  await page.setInputFiles('[data-testid="summary-files"]', payload);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="summary-row"]').length === n,
    payload.length,
    { polling: 'raf', timeout: 120_000 },
  );
  const result = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name).at(-1).startTime;
    return {
      import_ms: at('linkwork-import-end') - at('linkwork-import-start'),
      shown_ms: performance.now() - at('linkwork-import-start'),
      stored_units: (localStorage.getItem('linkwork/manager/programme') ?? '').length,
      ok: document.querySelectorAll('.import-ok').length,
    };
  });
  await context.close();
  return result;
}

/** Opens the lock screen over seeded storage, unlocks, and times the parts. */
async function timeUnlock(browser, url, entries) {
  const { context, page } = await seededPage(browser, url, entries);
  await page.waitForSelector('[data-testid="unlock-passphrase"]');
  await page.fill('[data-testid="unlock-passphrase"]', PASS);
  const start = await page.evaluate(() => performance.now());
  await page.click('[data-testid="unlock"]');
  const shown = await (
    await page.waitForFunction(
      () => document.querySelector('[data-testid="caseload-row"]') && performance.now(),
      null,
      { polling: 'raf', timeout: 60_000 },
    )
  ).jsonValue();
  const marks = await page.evaluate(() =>
    Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
  );
  const search = await timeSearch(page, 'HV-0');
  const addContact = await timeAddContact(page);
  // Count what one edit writes: wrap setItem, change one referral's notes, save.
  await page.evaluate(() => {
    window.__written = 0;
    const set = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (!k.endsWith('/writer')) window.__written += k.length + String(v).length;
      return set.call(this, k, v);
    };
  });
  const editStart = await page.evaluate(() => performance.now());
  await page.click('[data-testid="row-reference"]');
  await page.waitForSelector('[data-testid="referral-form"]');
  await page.fill('[data-testid="field-notes"]', 'Edited for the benchmark');
  await page.click('[data-testid="save-referral"]');
  await page.waitForSelector('[data-testid="notice"]');
  await page.waitForTimeout(100);
  const written = await page.evaluate(() => window.__written);
  const dashboard = await timeDashboard(page);
  dashboard.switching = await switchPages(page, SWITCHES);
  await context.close();
  return {
    total: shown - start,
    kdf: marks['linkwork-kdf-end'] - marks['linkwork-kdf-start'],
    decrypt_and_load: marks['linkwork-loaded'] - marks['linkwork-kdf-end'],
    written,
    editStart,
    search,
    addContact,
    dashboard,
  };
}

const server = await startServer();
const browser = await launch();
const results = {
  runs: RUNS,
  caseload: [],
  unlock: [],
  dashboard: [],
  switching: [],
  summaries: [],
  sizes: await sizes(),
};
// LINKWORK_BENCH_ONLY=20000 runs only the cases whose name or file mentions it.
const only = process.env.LINKWORK_BENCH_ONLY;
const picked = (c) => !only || c.file.includes(only) || c.name.includes(only);
try {
  for (const c of cases.filter(picked)) {
    const entries = JSON.parse(await fs.readFile(path.join(fixturesDir, c.file), 'utf8'));
    const stored = Object.entries(entries).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const times = [];
    let count = '';
    for (let i = 0; i < RUNS; i += 1) {
      const r = await timeCaseload(browser, server.url, entries);
      times.push(r.ms);
      count = r.count;
    }
    results.caseload.push({
      case: c.name,
      stored_chars: stored,
      shown: count,
      median_ms: Math.round(median(times)),
      min_ms: Math.round(Math.min(...times)),
      max_ms: Math.round(Math.max(...times)),
    });
  }
  const summaryFile = path.join(fixturesDir, 'summaries-200.json');
  if (picked({ name: 'summaries', file: 'summaries-200.json' })) {
    const files = JSON.parse(await fs.readFile(summaryFile, 'utf8'));
    const runs = [];
    for (let i = 0; i < Math.min(RUNS, 3); i += 1) runs.push(await timeSummaryImport(browser, server.url, files));
    const med = (f) => Math.round(median(runs.map(f)));
    results.summaries.push({
      files: Object.keys(files).length,
      bytes: Object.values(files).reduce((n, t) => n + t.length, 0),
      imported: runs[0].ok,
      read_check_merge_save_ms: med((r) => r.import_ms),
      to_figures_on_screen_ms: med((r) => r.shown_ms),
      stored_units: runs[0].stored_units,
    });
  }
  for (const c of sealedCases.filter(picked)) {
    const entries = JSON.parse(await fs.readFile(path.join(fixturesDir, c.file), 'utf8'));
    const stored = Object.entries(entries).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const runs = [];
    for (let i = 0; i < Math.min(RUNS, 5); i += 1) runs.push(await timeUnlock(browser, server.url, entries));
    const med = (f) => Math.round(median(runs.map(f)));
    results.unlock.push({
      case: c.name,
      stored_units: stored,
      quota_used: `${((stored / (5 * 1024 * 1024)) * 100).toFixed(1)}%`,
      unlock_to_list_ms: med((r) => r.total),
      key_derivation_ms: med((r) => r.kdf),
      decrypt_load_ms: med((r) => r.decrypt_and_load),
      units_written_per_edit: med((r) => r.written),
      search_ms: med((r) => r.search),
      add_contact_ms: med((r) => r.addContact),
    });
    results.dashboard.push({
      case: c.name,
      open_to_all_charts_drawn_ms: med((r) => r.dashboard.drawn),
      index_records_ms: med((r) => r.dashboard.index),
      all_figures_ms: med((r) => r.dashboard.firstCompute),
      filter_change_compute_ms: med((r) => r.dashboard.filterCompute),
      filter_change_to_redrawn_ms: med((r) => r.dashboard.redraw),
    });
    const last = runs.at(-1).dashboard.switching;
    results.switching.push({
      case: c.name,
      round_trips: SWITCHES,
      ms_per_round_trip: Math.round(last.per_round),
      most_charts_alive_on_caseload: last.alive_after_leaving,
      heap_before_mb: +(last.heap_before / 1e6).toFixed(1),
      heap_after_mb: +(last.heap_after / 1e6).toFixed(1),
    });
  }
} finally {
  await browser.close();
  await server.close();
}

console.log('\nCaseload list on screen (click "Open the demo" to first row, headless Chromium):');
console.table(results.caseload);
console.log('Unlocking an encrypted workspace (click to first row), and one edit:');
console.table(results.unlock);
console.log('Dashboard, after unlocking (open to all 14 charts drawn; a practice filter change):');
console.table(results.dashboard);
console.log('Leaving and reopening the dashboard (ECharts instances and JS heap, last run):');
console.table(results.switching);
console.log('Manager view: importing 200 summary files (50 link workers x 4 quarters):');
console.table(results.summaries);
console.log('Release build sizes (bytes):');
console.table(results.sizes);
await fs.mkdir(fixturesDir, { recursive: true });
await fs.writeFile(path.join(fixturesDir, 'browser.json'), JSON.stringify(results, null, 2));
console.log(`written ${path.join(fixturesDir, 'browser.json')}`);
