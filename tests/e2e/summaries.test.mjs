// Manager summaries: anonymised export from a link worker's workspace, and the manager's
// programme view over several files, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { addPractice, byTestId, createWorkspace, exportSummary, openFresh, storedEntries } from './flows.mjs';

const cells = (page, selector) =>
  page.$$eval(selector, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));

test('a summary leaves the demo anonymised, and the manager merges it with others and names a broken file', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-caseload'));

  // The label is needed, and the preview shows exactly what will leave.
  await page.click(byTestId('to-transfer'));
  await page.click(byTestId('summary-preview'));
  await page.waitForSelector(byTestId('summary-error'));
  assert.match(await page.textContent(byTestId('summary-error')), /Give the summary a label/);
  const north = await exportSummary(page, 'North PCN, link worker 2');
  assert.match(north.name, /^linkwork-summary-north-pcn-link-worker-2-\d{4}-\d\d-01-to-\d{4}-\d\d-\d\d\.json$/);
  const preview = await page.textContent(byTestId('summary-preview-tables'));
  assert.match(preview, /Referrals by who referred/);
  const doc = JSON.parse(north.text);
  assert.equal(doc.format, 'linkwork.summary');
  assert.equal(doc.version, 2);
  assert.equal(doc.protection, 'rounded');
  // No references, no notes; every count a multiple of 5.
  assert.doesNotMatch(north.text, /[A-Z]{2}-\d{5}/, 'no pseudonymous references');
  for (const g of doc.groups) {
    for (const v of [g.total, ...Object.values(g.parts)]) {
      assert.ok(Number.isInteger(v) && v % 5 === 0, `${g.table}: ${v}`);
    }
  }
  // A second worker's file, for another quarter, encrypted.
  const south = await exportSummary(page, 'South PCN, link worker 1', {
    from: '2026-04-01',
    to: '2026-06-30',
    pass: 'board papers',
  });
  assert.equal(JSON.parse(south.text).format, 'linkwork.summary.sealed');

  // The manager view, from the lock screen.
  await page.click(byTestId('lock'));
  await page.click(byTestId('open-manager'));
  await page.waitForSelector(byTestId('programme-empty'));
  assert.match(await page.title(), /Programme \(manager view\)/);
  await page.fill(byTestId('summary-import-pass'), 'board papers');
  await page.setInputFiles(byTestId('summary-files'), [
    { name: north.name, mimeType: 'application/json', buffer: Buffer.from(north.text) },
    { name: south.name, mimeType: 'application/json', buffer: Buffer.from(south.text) },
    { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"linkwork.summary","version":1,"label":') },
  ]);
  await page.waitForSelector(byTestId('import-result'));
  const outcomes = await page.$$eval(byTestId('import-result'), (r) => r.map((x) => x.textContent));
  assert.equal(outcomes.length, 3);
  assert.match(outcomes[0], /: imported$/);
  assert.match(outcomes[1], /: imported$/);
  assert.match(outcomes[2], /^broken\.json: /, 'the broken file is named');
  assert.equal((await cells(page, byTestId('summary-row'))).length, 2, 'the good files were kept');
  await screenshot(page, 'programme');

  // The merged referrals are the two quarters together, as each file says.
  const total = (text) => {
    const d = JSON.parse(text);
    // Quarter groups of each practice (month totals and practices together repeat them).
    return d.groups.filter((g) => g.table === 'Referrals by who referred' && g.withheld !== 'month_total' && !g.combines);
  };
  const northTotal = total(north.text).reduce((n, g) => n + g.total, 0);
  const referrals = await page.textContent(byTestId('programme-referrals'));
  assert.match(referrals, /^about \d[\d,]*$/, 'rounded figures are approximate');
  assert.ok(Number(referrals.slice('about '.length).replace(',', '')) > northTotal, 'more than one file counted');

  // Wait bands read from the shortest wait, never alphabetically; each quarter in the
  // trend is named as the three months it is.
  const waits = await page.$$eval(`${byTestId('table-programme-2')} tbody tr`, (rows) => rows.map((r) => r.firstElementChild.textContent));
  const bandOrder = ['Up to 7 days', '8 to 14 days', '15 to 28 days', '29 to 56 days', 'Over 56 days'];
  const shown = waits.filter((w) => bandOrder.includes(w));
  assert.deepEqual(shown, bandOrder.filter((b) => shown.includes(b)), `waits in order: ${waits}`);
  assert.ok(shown.length >= 3, `the demo has waits in several bands: ${waits}`);
  const trendLabels = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="chart-programme-trend"]');
    const chart = window.echarts.getInstanceByDom(el.querySelector('[_echarts_instance_]') ?? el);
    return chart.getOption().xAxis[0].data;
  });
  assert.ok(trendLabels.every((l) => / to /.test(l)), `quarters read as three months: ${trendLabels}`);

  // Filter to one link worker: the figure is that file's.
  await page.selectOption(byTestId('programme-worker'), 'North PCN, link worker 2');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="programme-referrals"]').textContent === `about ${n}`,
    northTotal.toLocaleString('en-GB'),
  );

  // Importing the same file again replaces it; the summaries survive leaving and coming back.
  await page.setInputFiles(byTestId('summary-files'), [
    { name: north.name, mimeType: 'application/json', buffer: Buffer.from(north.text) },
  ]);
  await page.waitForSelector(`${byTestId('import-result')} >> text=replaces the earlier file`);
  assert.equal((await cells(page, byTestId('summary-row'))).length, 2);
  await page.click(byTestId('leave-manager'));
  await page.click(byTestId('open-manager'));
  await page.waitForSelector(byTestId('summary-row'));
  assert.equal((await cells(page, byTestId('summary-row'))).length, 2);
  const stored = (await storedEntries(page)).map(([k]) => k);
  assert.ok(stored.includes('linkwork/manager/programme'));
  assert.deepEqual(app.errors, []);
});

// A small caseload: 14 referrals at Riverside and 3 at Hillview from July to September, and
// 4 at Riverside in May.
const SMALL = [
  'reference,referral_date,practice,referrer_role,reasons',
  ...Array.from({ length: 14 }, (_, i) => `RV-${i + 1},2026-07-${String(2 + 2 * i).padStart(2, '0')},Riverside Medical Practice,${i % 3 ? 'GP' : 'Self-referral'},Housing`),
  ...Array.from({ length: 3 }, (_, i) => `HV-${i + 1},2026-08-1${i},Hillview Surgery,GP,Loneliness or isolation`),
  ...Array.from({ length: 4 }, (_, i) => `RV-${i + 20},2026-05-0${i + 1},Riverside Medical Practice,Practice nurse,Housing`),
].join('\n');

test('two overlapping summaries of a small caseload round alike, and merge as approximate figures', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await addPractice(page, 'Hillview Surgery');
  await page.click(byTestId('nav-caseload'));
  await page.click(byTestId('to-transfer'));
  await page.setInputFiles(byTestId('import-referrals'), { name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(SMALL) });
  await page.click(byTestId('import-check'));
  await page.waitForSelector(`${byTestId('import-summary')} >> text=21 referrals`);
  await page.click(byTestId('import-apply'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Imported 21 referrals`);

  // July to September by month, and April to September for the whole period: they overlap.
  const quarter = await exportSummary(page, 'Sam, one quarter', { from: '2026-07-01', to: '2026-09-30' });
  const preview = await page.textContent(byTestId('summary-preview-tables'));
  assert.match(preview, /fewer than 10: not broken down/, 'the preview says which groups are not broken down');
  await page.uncheck(byTestId('summary-by-month'));
  const half = await exportSummary(page, 'Sam, two quarters', { from: '2026-04-01', to: '2026-09-30' });
  const [q, h] = [JSON.parse(quarter.text), JSON.parse(half.text)];
  const referrers = (d, practice) =>
    d.groups.find((g) => g.table === 'Referrals by who referred' && g.month === '2026-07-01 to 2026-09-30' && g.practice === practice);
  // Riverside's 14 are broken down, rounded; Hillview's 3 are not broken down at all.
  const riverside = referrers(q, 'Riverside Medical Practice');
  assert.ok(Object.keys(riverside.parts).length >= 2, JSON.stringify(riverside));
  assert.ok([10, 15].includes(riverside.total), `14 rounds to 10 or 15, not ${riverside.total}`);
  const hillview = referrers(q, 'Hillview Surgery');
  assert.deepEqual([hillview.parts, hillview.withheld], [{}, 'under_10']);
  assert.ok([0, 5].includes(hillview.total));
  // The same records give the same figures in both files: subtracting one from the other gains nothing.
  const quarterGroups = (d) =>
    JSON.stringify(d.groups.filter((g) => g.month === '2026-07-01 to 2026-09-30').sort((a, b) => (a.table + a.practice).localeCompare(b.table + b.practice)));
  assert.equal(quarterGroups(q), quarterGroups(h));
  for (const d of [q, h]) {
    assert.equal(d.protection, 'rounded');
    assert.doesNotMatch(JSON.stringify(d), /RV-|HV-/, 'no references');
  }

  // The manager merges both, and says the figures are approximate.
  await page.click(byTestId('lock'));
  await page.click(byTestId('open-manager'));
  await page.waitForSelector(byTestId('programme-empty'));
  await page.setInputFiles(byTestId('summary-files'), [
    { name: quarter.name, mimeType: 'application/json', buffer: Buffer.from(quarter.text) },
    { name: half.name, mimeType: 'application/json', buffer: Buffer.from(half.text) },
  ]);
  await page.waitForSelector(byTestId('summary-row'));
  assert.equal((await page.$$(byTestId('summary-row'))).length, 2);
  const protection = await page.$$eval(byTestId('summary-protection'), (c) => c.map((x) => x.textContent));
  assert.deepEqual(protection, Array(2).fill('Rounded to 5; groups under 10 not broken down'));
  const referrals = await page.textContent(byTestId('programme-referrals'));
  assert.match(referrals, /^about \d+$/);
  const sum = (d) => d.groups.filter((g) => g.table === 'Referrals by who referred' && g.withheld !== 'month_total' && !g.combines).reduce((n, g) => n + g.total, 0);
  assert.equal(referrals, `about ${sum(q) + sum(h)}`);
  const detail = await page.$eval(`${byTestId('programme-referrals')} ~ .tile__detail`, (e) => e.textContent);
  assert.match(detail, /approximate: counts are rounded to 5 in each file/);
  // Groups too small to break down are counted apart, in words (when they round above 0).
  const tables = await page.textContent('main');
  const unbroken = [q, h]
    .flatMap((d) => d.groups.filter((g) => g.table === 'Referrals by who referred' && g.withheld === 'under_10'))
    .reduce((n, g) => n + g.total, 0);
  if (unbroken > 0) assert.match(tables, new RegExp(`Not broken down \\(groups under 10\\)about ${unbroken}`));
  else assert.doesNotMatch(tables, /Not broken down/);

  // A summary made with the older protection still opens, marked as such.
  const old = {
    format: 'linkwork.summary', version: 1, label: 'Old file', from: '2026-01-01', to: '2026-03-31',
    generated: '2026-04-02T09:00:00Z',
    groups: [{ table: 'Referrals by who referred', month: '2026-01', practice: 'Riverside Medical Practice', total: 7, parts: { GP: '<5', 'Self-referral': '<5' }, partition: true }],
    outcomes: [], waits: [], time: [], checkins: [],
  };
  await page.setInputFiles(byTestId('summary-files'), [{ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(old)) }]);
  await page.waitForSelector(`${byTestId('summary-protection')} >> text=Older protection`);
  assert.deepEqual(app.errors, []);
});
