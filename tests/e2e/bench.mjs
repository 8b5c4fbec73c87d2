// Browser benchmark: how long the caseload takes to appear, from navigation
// start to the first row on screen, with caseloads written into local storage
// beforehand. Prints a table and writes target/bench/browser.json.
//
//   node tests/e2e/bench.mjs <fixtures dir>   (cargo xtask bench does it all)
//
// Fixtures are made by `cargo run -p linkwork-core --example storage_fixture`.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, launch, startServer } from './harness.mjs';

const RUNS = Number(process.env.LINKWORK_BENCH_RUNS ?? 7);
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

/** Opens the app over a seeded local storage and times the first caseload row. */
async function timeCaseload(browser, url, entries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // A missing page on the same origin, to write local storage before the app starts.
  await page.goto(`${url}seed-${Date.now()}.txt`);
  await page.evaluate((data) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(data)) localStorage.setItem(k, v);
  }, entries);
  await page.goto(url);
  const handle = await page.waitForFunction(
    () => document.querySelector('[data-testid="caseload-row"]') && performance.now(),
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  const ms = await handle.jsonValue();
  const count = await page.textContent('[data-testid="result-count"]');
  await context.close();
  return { ms, count };
}

const cases = [
  { name: 'demo caseload (300 referrals)', file: 'caseload-demo.json' },
  { name: '5,000 referrals', file: 'caseload-5000.json' },
];

const server = await startServer();
const browser = await launch();
const results = { runs: RUNS, caseload: [], sizes: await sizes() };
try {
  for (const c of cases) {
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
} finally {
  await browser.close();
  await server.close();
}

console.log('\nCaseload list on screen (navigation start to first row, headless Chromium):');
console.table(results.caseload);
console.log('Release build sizes (bytes):');
console.table(results.sizes);
await fs.mkdir(fixturesDir, { recursive: true });
await fs.writeFile(path.join(fixturesDir, 'browser.json'), JSON.stringify(results, null, 2));
console.log(`written ${path.join(fixturesDir, 'browser.json')}`);
