// The Lighthouse benchmark: Lighthouse's own scores for a first visit to Linkwork, on its
// desktop and its (default) mobile form factor, for three categories: performance,
// accessibility and best practices. The release build is served as a static host serves it
// (brotli copies and the build's `_headers`: CSP, cache lifetimes; see harness.mjs) and
// audited in headless Chromium started by chrome-launcher, through Lighthouse's Node API.
//
// Each run gets a fresh Chromium (chrome-launcher's new temporary profile), so every run is
// a first visit: nothing cached, no service worker. Throttling is Lighthouse's default
// (simulated: the page loads at full speed and the times are modelled for a slow network
// and CPU), so scores can be set beside PageSpeed Insights'. For each form factor, the run
// with the median performance score of LINKWORK_LIGHTHOUSE_RUNS runs (default 1) is
// reported: its three scores (0–100), its metrics (FCP, LCP, speed index, TBT in ms, CLS),
// the failing accessibility and best-practices audits, and the performance opportunities
// and diagnostics scoring below 0.9. Prints tables and writes target/bench/lighthouse.json
// ({ desktop: {...}, mobile: {...} }). Scores are printed, not judged: the script fails
// only when Lighthouse could not run.
//
//   LINKWORK_DIST=dist node tests/e2e/lighthouse_bench.mjs
import fs from 'node:fs/promises';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { CHROMIUM, CHROMIUM_ARGS, DIST, startServer } from './harness.mjs';

const RUNS = Math.max(1, Number(process.env.LINKWORK_LIGHTHOUSE_RUNS ?? 1));
const OUT = path.resolve('target/bench/lighthouse.json');

/** The categories audited (SEO is left out: the app is not meant to be found by search). */
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];

/** The form factors: Lighthouse's default config is mobile (a Moto G Power on slow 4G). */
const FORM_FACTORS = [
  { name: 'desktop', config: desktopConfig },
  { name: 'mobile', config: undefined },
];

/** The metric audits reported, by the name used in the table and the JSON. */
const METRICS = {
  fcp_ms: 'first-contentful-paint',
  lcp_ms: 'largest-contentful-paint',
  speed_index_ms: 'speed-index',
  tbt_ms: 'total-blocking-time',
  cls: 'cumulative-layout-shift',
};

/** Audits that neither pass nor fail (not applicable, to check by hand, or only informing). */
const UNSCORED = new Set(['notApplicable', 'manual', 'informative']);

/** A 0–1 score as 0–100 (null stays null: the category could not be scored). */
const percent = (score) => (score === null || score === undefined ? null : Math.round(score * 100));

/**
 * One Lighthouse run on the app at `url`, in a Chromium of its own, closed afterwards
 * whatever happens. Returns Lighthouse's result (the LHR).
 */
async function audit(url, config) {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    // CHROMIUM_ARGS: no sandbox (root in a container) and no background traffic to Google.
    chromeFlags: [...CHROMIUM_ARGS, '--headless=new'],
  });
  try {
    const result = await lighthouse(
      url,
      { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES },
      config,
    );
    if (!result) throw new Error('Lighthouse returned no result');
    const { lhr } = result;
    // The page did not load, or not enough to be measured (e.g. NO_FCP): no scores to report.
    if (lhr.runtimeError) {
      throw Object.assign(new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`), {
        code: lhr.runtimeError.code,
      });
    }
    return lhr;
  } finally {
    await chrome.kill();
  }
}

/** Lighthouse's own failures to record a trace, which it says to meet by running again. */
const TRACE_NOT_RECORDED = new Set(['NO_NAVSTART', 'NO_TRACING_STARTED']);

/**
 * `audit`, run again (up to twice) when Lighthouse failed to record its trace; any other
 * failure, such as a page that never painted, is reported at once.
 */
async function auditAgainIfUnrecorded(url, config) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await audit(url, config);
    } catch (error) {
      if (attempt > 2 || !TRACE_NOT_RECORDED.has(error.code)) throw error;
      console.log(`Lighthouse did not record its trace (${error.code}); running it again`);
    }
  }
}

/**
 * The audits of `category` that fail: scored below 1 (accessibility, best practices) or
 * below `below` (performance), leaving out the metrics, unscored audits and, unless asked
 * for, those of the 'hidden' group. Audits that could not run are listed too, as errors.
 */
function failing(lhr, category, below = 1) {
  const rows = [];
  for (const ref of lhr.categories[category].auditRefs) {
    if (ref.group === 'metrics' || ref.group === 'hidden') continue;
    const result = lhr.audits[ref.id];
    if (UNSCORED.has(result.scoreDisplayMode)) continue;
    const error = result.scoreDisplayMode === 'error';
    if (!error && (result.score === null || result.score >= below)) continue;
    rows.push({
      id: result.id,
      title: result.title,
      score: error ? 'error' : result.score,
      // Performance audits say what they would save: an opportunity (time, bytes) or a
      // diagnostic (something to look at); in Lighthouse 12 both are in 'diagnostics'.
      ...(category === 'performance' && {
        kind: result.details?.type === 'opportunity' ? 'opportunity' : 'diagnostic',
        display: result.displayValue ?? '',
      }),
      ...(error && { error: result.errorMessage }),
    });
  }
  return rows;
}

/** What is reported for one run: scores, metrics, and the audits worth a look. */
function summarise(lhr) {
  const metrics = Object.fromEntries(
    Object.entries(METRICS).map(([name, id]) => {
      const value = lhr.audits[id]?.numericValue;
      if (value === undefined) return [name, null];
      return [name, name === 'cls' ? Math.round(value * 1000) / 1000 : Math.round(value)];
    }),
  );
  return {
    performance: percent(lhr.categories.performance.score),
    accessibility: percent(lhr.categories.accessibility.score),
    best_practices: percent(lhr.categories['best-practices'].score),
    ...metrics,
    failing: {
      accessibility: failing(lhr, 'accessibility'),
      best_practices: failing(lhr, 'best-practices'),
      performance: failing(lhr, 'performance', 0.9),
    },
    warnings: lhr.runWarnings,
    lighthouse: lhr.lighthouseVersion,
    browser: lhr.environment.hostUserAgent,
    url: lhr.finalDisplayedUrl,
  };
}

/** The run with the median performance score (the lower middle one for an even count). */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.performance - b.performance);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const results = {};
let server = null;
try {
  // A missing build would only show up as Lighthouse's 404 report: say so plainly.
  await fs.access(path.join(DIST, 'index.html')).catch(() => {
    throw new Error(`no build at ${DIST} (index.html missing): run \`cargo xtask dist\` or set LINKWORK_DIST`);
  });
  server = await startServer({ prefix: '/linkwork/' });
  for (const { name, config } of FORM_FACTORS) {
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = Date.now();
      const run = summarise(await auditAgainIfUnrecorded(server.url, config));
      run.seconds = Math.round((Date.now() - started) / 100) / 10;
      runs.push(run);
    }
    results[name] = {
      ...medianRun(runs),
      runs: RUNS,
      performance_scores: runs.map((r) => r.performance),
    };
  }
} catch (error) {
  console.error(`Lighthouse could not run: ${error.message}`);
  process.exitCode = 1;
} finally {
  await server?.close();
}

if (!process.exitCode) {
  console.log(`\nLighthouse ${results.mobile.lighthouse}, first visit, simulated throttling (median of ${RUNS} run(s) by performance score):`);
  console.table(
    Object.entries(results).map(([form, r]) => ({
      form,
      performance: r.performance,
      accessibility: r.accessibility,
      best_practices: r.best_practices,
      fcp_ms: r.fcp_ms,
      lcp_ms: r.lcp_ms,
      speed_index_ms: r.speed_index_ms,
      tbt_ms: r.tbt_ms,
      cls: r.cls,
    })),
  );
  for (const [form, r] of Object.entries(results)) {
    for (const [category, rows] of Object.entries(r.failing)) {
      const what = category === 'performance' ? 'opportunities and diagnostics below 0.9' : 'failing audits';
      console.log(`${form}, ${category.replace('_', ' ')}: ${rows.length ? '' : 'no '}${what}`);
      if (rows.length) console.table(rows);
    }
    for (const warning of r.warnings) console.log(`${form}, Lighthouse warning: ${warning}`);
  }
  await fs.mkdir(path.dirname(OUT), { recursive: true });
  await fs.writeFile(OUT, JSON.stringify(results, null, 2));
  console.log(`written ${OUT}`);
}
