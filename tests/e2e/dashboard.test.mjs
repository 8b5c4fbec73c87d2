// The dashboard: figures a manager would quote, filters in the address, and charts that
// are cleaned up when the page is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countCharts, screenshot } from './harness.mjs';
import { byTestId, createWorkspace, openFresh } from './flows.mjs';

// The day the native test `demo_dashboard_figures_are_pinned` computes the demo for.
const DAY = '2026-11-21T12:00:00Z';
const CHARTS_ON_PAGE = 15;

const tile = (page, id) => page.textContent(byTestId(`tile-${id}`));

async function openDemoDashboard(page) {
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-dashboard'));
  await page.waitForSelector(`${byTestId('chart-caseload')} svg`);
}

test('the dashboard shows the demo figures, follows its filters in the address and leaves no chart behind', async (t) => {
  const app = await openFresh(t, { clock: DAY });
  const { page, context } = app;
  await context.addInitScript(countCharts);
  await page.reload();
  await page.setViewportSize({ width: 1366, height: 900 });
  await openDemoDashboard(page);

  // The figures the native test pins for the same caseload and day.
  assert.equal(await tile(page, 'open'), '87');
  assert.equal(await tile(page, 'new'), '17');
  assert.equal(await tile(page, 'wait'), '17 days');
  assert.equal(await tile(page, 'seen3'), '33%');
  assert.equal(await tile(page, 'improved'), '61%');
  assert.equal(await tile(page, 'dna'), '8%');
  const lastRow = await page.$$eval(`${byTestId('table-caseload')} tbody tr:last-child > *`, (cells) =>
    cells.map((c) => c.textContent),
  );
  assert.deepEqual(lastRow, ['Nov 2026', '87', '17', '7']);
  await page.waitForFunction((n) => window.__liveCharts === n, CHARTS_ON_PAGE);
  assert.equal(await page.locator(byTestId('chart-failed')).count(), 0, 'every chart drew');
  // Each chart is drawn, with its legend or axis words, as SVG.
  assert.match(await page.textContent(byTestId('chart-caseload')), /Open at end of period/);
  await screenshot(page, 'dashboard');

  // The charts follow the window: at 1,024 px the table moves under the chart, which widens.
  const svgWidth = () => page.$eval(`${byTestId('chart-caseload')} svg`, (svg) => Number(svg.getAttribute('width')));
  const before = await svgWidth();
  await page.setViewportSize({ width: 1024, height: 900 });
  await page.waitForFunction(
    (w) => Number(document.querySelector('[data-testid="chart-caseload"] svg').getAttribute('width')) !== w,
    before,
  );
  assert.ok((await svgWidth()) > before, 'the chart grew into the wider column');
  await page.setViewportSize({ width: 1366, height: 900 });

  // Time for people counts work on their behalf apart from contact time.
  const total = Number((await tile(page, 'time')).replace(/,/g, '').replace(' h', ''));
  const time = (await page.textContent(`${byTestId('tile-time')} ~ .tile__detail`)).replace(/,/g, '');
  const [, withThem, behalf] = time.match(/(\d+) h with them \(attended contacts\) and (\d+) h on their behalf/);
  assert.ok(Number(behalf) > 0 && Number(withThem) > Number(behalf), time);
  assert.ok(Math.abs(Number(withThem) + Number(behalf) - total) <= 1, `${total} h is the two together: ${time}`);

  // A filter changes every figure and goes into the address (no personal data in it).
  await page.selectOption(byTestId('dash-practice'), { label: 'Riverside Medical Practice' });
  await page.waitForFunction(() => document.querySelector('[data-testid="tile-open"]').textContent === '14');
  assert.equal(await tile(page, 'new'), '0');
  assert.equal(await tile(page, 'seen3'), '39%');
  assert.equal(await tile(page, 'dna'), '6%');
  assert.match(await page.textContent(byTestId('dash-scope')), /Riverside Medical Practice/);
  const address = new URL(page.url()).hash;
  assert.match(address, /^#\/dashboard\?practice=[0-9a-f-]{36}$/);
  // Nobody is waiting at Riverside, so that card says so instead of drawing bare axes;
  // every other chart is redrawn, not re-made.
  assert.equal(await page.textContent(byTestId('empty-waiting')), 'Nobody is waiting for a first contact today.');
  assert.equal(await page.evaluate(() => window.__liveCharts), CHARTS_ON_PAGE - 1, 'redrawn, not re-made');
  // One practice has months resting on few contacts, which adds a series to the
  // did-not-attend chart; going back to every practice removes it again (a redraw replaces
  // the series, it never keeps an old one drawn).
  assert.match(await page.textContent(byTestId('chart-dna')), /Fewer than 10 appointments/);
  await page.selectOption(byTestId('dash-practice'), { index: 0 });
  await page.waitForFunction(() => document.querySelector('[data-testid="tile-open"]').textContent === '87');
  await page.waitForFunction(() => !/Fewer than/.test(document.querySelector('[data-testid="chart-dna"]').textContent));
  assert.match(await page.textContent(byTestId('chart-dna')), /Did not attend/);

  // The bookmarked address reopens the same view (a reload locks; the demo opens where
  // the address says, then the bookmark is followed).
  await page.reload();
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.goto(new URL(address, page.url()).href);
  await page.waitForSelector(`${byTestId('chart-caseload')} svg`);
  assert.equal(await tile(page, 'open'), '14');
  assert.equal(
    await page.$eval(byTestId('dash-practice'), (s) => s.selectedOptions[0].textContent),
    'Riverside Medical Practice',
  );

  // Leaving the page disposes of every chart; coming and going many times leaks none. Each
  // return draws every chart once at its size, with no second, whole redraw for the size it
  // already has (ECharts is loaded by then, so the size observer sees the drawn charts).
  const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const resizesBefore = await page.evaluate(() => window.__chartResizes);
  for (let i = 0; i < 10; i += 1) {
    await page.click(byTestId('nav-caseload'));
    await page.waitForSelector(byTestId('caseload-row'));
    assert.equal(await page.evaluate(() => window.__liveCharts), 0, `after leaving, round ${i}`);
    await page.click(byTestId('nav-dashboard'));
    await page.waitForSelector(`${byTestId('chart-caseload')} svg`);
  }
  // A card with nothing in its range says so in words and draws no chart.
  const drawn = await page.$$eval('.chart-card__body [data-testid^="chart-"]', (e) => e.length);
  const said = await page.$$eval('.chart-card__empty', (e) => e.length);
  assert.equal(drawn + said, CHARTS_ON_PAGE);
  await page.waitForFunction((n) => window.__liveCharts === n, drawn);
  await frames();
  assert.equal(await page.evaluate(() => window.__chartResizes), resizesBefore, 'no redraw for an unchanged size');
  const made = await page.evaluate(() => window.__chartsMade);
  // Ten returns each made every chart afresh (the first view, Riverside only, had one
  // card with nobody waiting).
  assert.ok(made >= drawn * 10, `${made} charts made for ${drawn} drawn (${said} said empty)`);
  assert.deepEqual(app.errors, []);
});

test('a backwards date range is explained next to the dates and changes nothing', async (t) => {
  const app = await openFresh(t, { clock: DAY });
  const { page } = app;
  await openDemoDashboard(page);
  await page.fill(byTestId('dash-from'), '2026-12-25');
  await page.dispatchEvent(byTestId('dash-from'), 'change');
  await page.waitForSelector(byTestId('dash-dates-error'));
  assert.match(await page.textContent(byTestId('dash-dates-error')), /on or before its end/);
  assert.equal(await page.getAttribute(byTestId('dash-from'), 'aria-invalid'), 'true');
  assert.equal(await tile(page, 'seen3'), '33%', 'figures unchanged');

  // A narrower, valid range changes the cohort figures but not today's caseload.
  await page.fill(byTestId('dash-from'), '2026-10-01');
  await page.dispatchEvent(byTestId('dash-from'), 'change');
  await page.waitForFunction(() => !document.querySelector('[data-testid="dash-dates-error"]'));
  assert.notEqual(await tile(page, 'seen3'), '33%');
  assert.equal(await tile(page, 'open'), '87');
  assert.equal(await page.$$eval(`${byTestId('table-caseload')} tbody tr`, (r) => r.length), 2, 'Oct and Nov');
  assert.deepEqual(app.errors, []);
});

test('typing a year digit by digit never freezes the dashboard: a half-typed year is refused at once', async (t) => {
  const app = await openFresh(t, { clock: DAY });
  const { page } = app;
  await openDemoDashboard(page);
  // What a date field gives while "2026" is being typed into its year: year 2, 20, 202.
  for (const [from, message] of [
    ['0002-01-01', /from 1 January 2000 onwards/],
    ['0020-01-01', /from 1 January 2000 onwards/],
    ['0202-01-01', /from 1 January 2000 onwards/],
    ['2012-01-01', /ten years or less/],
  ]) {
    const started = Date.now();
    await page.fill(byTestId('dash-from'), from);
    await page.dispatchEvent(byTestId('dash-from'), 'change');
    await page.waitForSelector(byTestId('dash-dates-error'), { timeout: 5000 });
    assert.match(await page.textContent(byTestId('dash-dates-error')), message);
    assert.ok(Date.now() - started < 5000, `${from} answered at once`);
  }
  assert.equal(await tile(page, 'seen3'), '33%', 'figures unchanged');
  // Nor can the address smuggle one in.
  await page.evaluate(() => { location.hash = '#/dashboard?from=0002-01-01'; });
  await page.waitForSelector(`${byTestId('chart-caseload')} svg`);
  assert.equal(await tile(page, 'seen3'), '33%');
  assert.deepEqual(app.errors, []);
});

test('every share says what it is of, and figures about today say they ignore the dates', async (t) => {
  const app = await openFresh(t, { clock: DAY });
  const { page } = app;
  await openDemoDashboard(page);
  // Reasons overlap, so their shares are of the referrals received, named in the heading.
  const table = byTestId('table-reasons');
  const heading = await page.$$eval(`${table} thead th`, (ths) => ths.map((th) => th.textContent));
  const seen3 = await page.textContent(`${byTestId('tile-seen3')} ~ .tile__detail`);
  const received = Number(seen3.match(/of the ([\d,]+) referrals received in the range/)[1].replace(',', ''));
  assert.equal(heading[2], `Share of the ${received.toLocaleString('en-GB')} referrals received`);
  const rows = await page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.textContent)));
  for (const [reason, n, share] of rows) {
    assert.equal(share, `${Math.round((100 * Number(n.replace(',', ''))) / received)}%`, `${reason}: ${n} of ${received} referrals`);
  }
  // Today's figures say so in words, and do not move with the dates.
  assert.equal(await page.textContent(byTestId('tile-open-scope')), 'Today, not the dates chosen');
  assert.equal(await page.textContent(byTestId('tile-new-scope')), 'Today, not the dates chosen');
  assert.equal(await page.isVisible(byTestId('tile-seen3-scope')), false, 'range figures carry no such mark');
  assert.deepEqual(app.errors, []);
});

test('a range with nothing in it says so instead of bare axes, and a few missed appointments never set the scale', async (t) => {
  const app = await openFresh(t, { clock: DAY });
  const { page } = app;
  await openDemoDashboard(page);
  // The demo's did-not-attend rates are real 0–20% figures: the scale fits them.
  const dnaMax = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="chart-dna"]');
    return window.echarts.getInstanceByDom(el).getOption().yAxis[0].max;
  });
  assert.ok(dnaMax <= 50, `the scale fits the reliable months (top ${dnaMax}%)`);
  // January 2020: long before the demo caseload began.
  await page.fill(byTestId('dash-from'), '2020-01-01');
  await page.dispatchEvent(byTestId('dash-from'), 'change');
  await page.fill(byTestId('dash-to'), '2020-01-31');
  await page.dispatchEvent(byTestId('dash-to'), 'change');
  await page.waitForSelector(byTestId('empty-reasons'));
  assert.equal(await page.textContent(byTestId('empty-reasons')), 'Nothing recorded in this range.');
  assert.equal(await page.isVisible(byTestId('table-reasons')), false, 'no header-only table');
  assert.equal(await page.isVisible(byTestId('chart-reasons')), false, 'no bare axes');
  assert.ok(await page.isVisible(byTestId('empty-dna')), 'no appointments planned: nothing to chart');
  assert.deepEqual(app.errors, []);
});

test('an empty workspace says there is nothing to chart yet', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('nav-dashboard'));
  await page.waitForSelector(byTestId('dash-empty'));
  assert.equal(await page.locator('[data-testid^="chart-"]').count(), 0);
  assert.equal(await page.title(), 'Dashboard – Linkwork');
  assert.deepEqual(app.errors, []);
});
