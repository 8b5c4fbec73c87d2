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

test('an HSDS 3 CSV package shows every detail a link worker uses, a short re-import keeps them, and messages name the file', async (t) => {
  const app = await openFresh(t);
  const { page } = app;
  await createWorkspace(page);
  await page.click(byTestId('nav-directory'));
  const hsds3 = ['services.csv', 'organizations.csv', 'phones.csv', 'taxonomy_terms.csv', 'attributes.csv', 'schedules.csv',
    'languages.csv', 'service_at_locations.csv', 'locations.csv', 'addresses.csv', 'cost_options.csv'];
  await page.setInputFiles(byTestId('directory-file'), hsds3.map((f) => oruk(`hsds3-csv/${f}`)));
  await page.waitForSelector(`${byTestId('import-result')} >> text=Imported 2 services: 2 added, 0 updated.`);
  await page.fill(byTestId('directory-search'), 'choir');
  const row = `${byTestId('directory-row')}`;
  const shown = async () => {
    await page.click(`${row} ${byTestId('resource-details')} summary`);
    return page.textContent(row);
  };
  let text = await shown();
  for (const expected of ['A friendly choir, no experience needed.', 'Rehearsals move to the library in December',
    '01632 960123', 'Anyone who likes to sing', '£2 a session', 'Tuesday 19:00–21:00', '1 High Street, Northgate ZZ2 2BB',
    'English; Polish', 'Just turn up on a Tuesday']) {
    assert.ok(text.includes(expected), `the directory shows "${expected}"`);
  }
  // The description can be read and changed in the edit form too.
  await page.click(`${row} button:has-text("Edit")`);
  assert.equal(await page.inputValue(`.inline-row ${byTestId('resource-description-field')}`), 'A friendly choir, no experience needed.');
  await page.click(`${row} button:has-text("Edit")`);

  // A list file with only the id, name and status updates the entry and keeps the rest.
  await page.setInputFiles(byTestId('directory-file'), {
    name: 'services-page-1.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ contents: [{ id: '5c8c5f2e-4e55-4c2b-9a4f-1c2b3d4e5f60', name: 'Community choir', status: 'active' }] })),
  });
  await page.waitForSelector(`${byTestId('import-result')} >> text=Imported 1 service: 0 added, 1 updated.`);
  text = await shown();
  for (const expected of ['A friendly choir', '01632 960123', 'Anyone who likes to sing', 'Tuesday 19:00–21:00']) {
    assert.ok(text.includes(expected), `a short re-import keeps "${expected}"`);
  }

  // A file cut short: named, in plain words, with what to do.
  await page.setInputFiles(byTestId('directory-file'), {
    name: 'northgate-services.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{\n"contents": [\n{"id": "x",\n'),
  });
  await page.waitForSelector(byTestId('import-error'));
  const error = await page.textContent(byTestId('import-error'));
  assert.match(error, /^northgate-services\.json could not be read/);
  assert.match(error, /Download it from the directory again/);
  assert.doesNotMatch(error, /EOF|parsing|column \d/);
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
