// Manager summaries: anonymised export from a link worker's workspace, and the manager's
// programme view over several files, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './harness.mjs';
import { byTestId, exportSummary, openFresh, storedEntries } from './flows.mjs';

const cells = (page, selector) =>
  page.$$eval(selector, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));

test('a summary leaves the demo anonymised, and the manager merges it with others and names a broken file', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));

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
  assert.equal(doc.version, 1);
  // No references, no notes; no count from 1 to 4 shown.
  assert.doesNotMatch(north.text, /[A-Z]{2}-\d{5}/, 'no pseudonymous references');
  for (const g of doc.groups) {
    for (const v of [g.total, ...Object.values(g.parts)]) {
      assert.ok(typeof v === 'string' ? ['<5', 'x'].includes(v) : v === 0 || v >= 5, `${g.table}: ${v}`);
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
    return d.groups.filter((g) => g.table === 'Referrals by who referred');
  };
  const northTotal = total(north.text).reduce((n, g) => n + (typeof g.total === 'number' ? g.total : 0), 0);
  const referrals = await page.textContent(byTestId('programme-referrals'));
  assert.match(referrals, /^\d[\d,]*( \+ hidden)?$/);
  assert.ok(Number(referrals.split(' ')[0].replace(',', '')) > northTotal, 'more than one file counted');

  // Filter to one link worker: the figure is that file's.
  await page.selectOption(byTestId('programme-worker'), 'North PCN, link worker 2');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="programme-referrals"]').textContent.startsWith(String(n)),
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
