// End-to-end: the community directory (Open Referral UK import) and
// connecting a person to a resource.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenshot } from './harness.mjs';
import { addPractice, byTestId, createWorkspace, openFresh, recordReferral } from './flows.mjs';

const oruk = (name) =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '../../crates/core/fixtures/oruk', name);

test('an Open Referral UK file imports once, re-imports without duplicates, and bad files change nothing', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('nav-directory'));
  await page.setInputFiles(byTestId('directory-file'), oruk('services-oruk1.json'));
  await page.waitForSelector(`${byTestId('import-result')} >> text=3 added, 0 updated`);
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 3);
  assert.equal(await page.$$eval(byTestId('stale'), (r) => r.length), 2, 'entries never assured are marked');

  await page.setInputFiles(byTestId('directory-file'), oruk('services-oruk1.json'));
  await page.waitForSelector(`${byTestId('import-result')} >> text=0 added, 3 updated`);
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 3, 'no duplicates');

  await page.setInputFiles(byTestId('directory-file'), {
    name: 'export.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"results": []}'),
  });
  await page.waitForSelector(byTestId('import-error'));
  assert.match(await page.textContent(byTestId('import-error')), /not an Open Referral UK services file/);
  await page.setInputFiles(byTestId('directory-file'), oruk('csv/services.csv'));
  await page.waitForSelector(`${byTestId('import-error')} >> text=organizations.csv is missing`);
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 3, 'nothing half-imported');

  const csv = ['services.csv', 'organizations.csv', 'eligibility.csv', 'taxonomy.csv', 'service_taxonomy.csv', 'phone.csv', 'datapackage.json'];
  await page.setInputFiles(byTestId('directory-file'), csv.map((f) => oruk(`csv/${f}`)));
  await page.waitForSelector(`${byTestId('import-result')} >> text=3 added, 0 updated`);
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 6);
  await page.fill(byTestId('directory-search'), 'shed');
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 1);
  await screenshot(page, 'directory');

  // A resource added by hand.
  await page.click('text=Add an entry');
  await page.fill(`${byTestId('resource-form')} ${byTestId('resource-name')}`, 'Knit and natter');
  await page.selectOption(`${byTestId('resource-form')} ${byTestId('resource-category')}`, 'social');
  await page.click(`${byTestId('resource-form')} ${byTestId('save-resource')}`);
  await page.fill(byTestId('directory-search'), 'knit');
  assert.equal(await page.$$eval(byTestId('directory-row'), (r) => r.length), 1);
  assert.deepEqual(app.errors, []);
});

test('a person is connected to a resource, and the connection moves on with feedback', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice');
  await page.click(byTestId('nav-directory'));
  await page.setInputFiles(byTestId('directory-file'), oruk('services-oruk1.json'));
  await page.waitForSelector(byTestId('import-result'));
  await recordReferral(page, 'RV-0300');
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('connection-form'));
  await page.selectOption(byTestId('connection-resource'), { label: 'Health walks (Riverside Rambles)' });
  await page.click(byTestId('add-connection'));
  await page.waitForSelector(`${byTestId('connection-name')} >> text=Health walks`);

  // A connection by name, when it is not in the directory.
  await page.fill(byTestId('connection-new-name'), 'Neighbour’s knitting circle');
  await page.click(byTestId('add-connection'));
  assert.match(await page.textContent(byTestId('connection-error')), /Choose a category/);
  await page.selectOption(byTestId('connection-category'), 'social');
  await page.click(byTestId('add-connection'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="connection"]').length === 2);

  const first = page.locator(byTestId('connection')).first();
  await first.locator(byTestId('connection-status')).selectOption('attended');
  await first.locator(byTestId('connection-feedback')).fill('Came twice and enjoyed it');
  await first.locator(byTestId('connection-update')).click();
  await page.waitForSelector(`${byTestId('connection-history')} >> text=/Suggested .* → Attended/`);
  await page.waitForSelector(`${byTestId('timeline-connection')} >> text=Health walks · Attended`);
  await page.reload();
  const { unlockByKeyboard } = await import('./flows.mjs');
  await unlockByKeyboard(page);
  await page.waitForSelector(byTestId('connections'));
  assert.equal(await page.locator(byTestId('connection-feedback')).first().inputValue(), 'Came twice and enjoyed it');
  assert.deepEqual(app.errors, []);
});
