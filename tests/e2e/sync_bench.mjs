// The sync benchmark, in headless Chromium against the local CouchDB-compatible server
// (pouchdb-server in memory, or SYNC_URL): a caseload's first sync up (switching sync on,
// PC A), its first sync down (setting up PC B from the sheet), and an incremental sync of
// one edit each way. For each: the time, the requests and the bytes both ways. Beside them
// the floor: the sealed documents' own size, which any end-to-end encrypted copy must send.
// Prints a table and writes target/bench/sync.json.
//
//   node tests/e2e/sync_bench.mjs <sealed fixture>   (`cargo xtask bench` runs it)
import fs from 'node:fs/promises';
import path from 'node:path';
import { launch, startServer } from './harness.mjs';
import { makeAccount, startCouch } from './couch.mjs';

const PASS = 'correct horse battery';
const fixture = path.resolve(process.argv[2] ?? 'target/bench/sealed-20000.json');
const out = path.join(path.dirname(fixture), 'sync.json');

const by = (id) => `[data-testid="${id}"]`;

/** Requests and bytes (bodies, both ways) the proxy saw from index `from` on. */
function traffic(proxied, from) {
  const part = proxied.slice(from);
  return {
    requests: part.length,
    sent_kb: Math.round(part.reduce((n, r) => n + r.requestBody.length, 0) / 1024),
    received_kb: Math.round(part.reduce((n, r) => n + r.responseBody.length, 0) / 1024),
  };
}

async function fill(page, prefix, url, account, secret = '') {
  await page.fill(by(`${prefix}-address`), `${new URL(url).origin}/sync/`);
  await page.fill(by(`${prefix}-database`), account.db);
  await page.fill(by(`${prefix}-user`), account.user);
  await page.fill(by(`${prefix}-password`), account.password);
  await page.fill(by(`${prefix}-passphrase`), PASS);
  if (secret) await page.fill(by(`${prefix}-secret`), secret);
}

/** Waits until nothing is waiting to go (or fails on a sync problem). */
async function settled(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="sync-status"]')?.textContent ?? '';
    const problem = document.querySelector('[data-testid="sync-problem"]');
    if (problem) throw new Error(problem.textContent);
    return !status.includes('Syncing now') && status.includes('Nothing waiting');
  }, null, { timeout: 600_000, polling: 100 });
}

const entries = JSON.parse(await fs.readFile(fixture, 'utf8'));
const sealedChars = Object.entries(entries)
  .filter(([k]) => /\/(settings|directory|practice-work|tasks|records\/\d+)$/.test(k))
  .reduce((n, [, v]) => n + v.length, 0);
const couch = await startCouch();
const account = await makeAccount(couch, { db: 'bench', user: 'bench', password: 'bench-password' });
const server = await startServer({ sync: couch.url });
const browser = await launch();
const results = [];
try {
  // PC A: the fixture's workspace, unlocked, sync switched on (the first sync up).
  const a = await (await browser.newContext()).newPage();
  await a.goto(`${server.url}seed.txt`);
  await a.evaluate((data) => { for (const [k, v] of Object.entries(data)) localStorage.setItem(k, v); }, entries);
  await a.goto(`${server.url}#/settings`);
  await a.fill(by('unlock-passphrase'), PASS);
  await a.click(by('unlock'));
  await a.waitForSelector(by('sync-settings'), { timeout: 120_000 });
  await fill(a, 'sync', server.url, account);
  let from = server.proxied.length;
  let start = Date.now();
  await a.click(by('sync-on'));
  await a.waitForSelector(by('setup-sheet'), { timeout: 600_000 });
  const secret = (await a.textContent(by('sheet-secret'))).trim();
  await a.click(by('sheet-done'));
  await settled(a);
  results.push({ case: 'first sync up (switch on, key derivation included)', ms: Date.now() - start, ...traffic(server.proxied, from) });

  // PC B: set up from the sheet (the first sync down).
  const b = await (await browser.newContext()).newPage();
  await b.goto(server.url);
  await b.click('text=Set up this PC from a sync sheet');
  await fill(b, 'join', server.url, account, secret);
  from = server.proxied.length;
  start = Date.now();
  await b.click(by('join-sync'));
  await b.waitForSelector(by('workspace-name'), { timeout: 600_000 });
  await b.click(by('nav-settings'));
  await settled(b);
  results.push({ case: 'first sync down (set up from the sheet, key derivation included)', ms: Date.now() - start, ...traffic(server.proxied, from) });

  // One edit on A goes up; B brings it down.
  await a.click(by('nav-caseload'));
  await a.click(by('row-reference'));
  await a.fill(by('field-what-matters'), `benchmark edit ${Date.now()}`);
  from = server.proxied.length;
  start = Date.now();
  await a.click(by('save-referral'));
  await a.click(by('nav-settings'));
  await a.click(by('sync-now'));
  await settled(a);
  results.push({ case: 'one edit up (save, then sync now)', ms: Date.now() - start, ...traffic(server.proxied, from) });
  from = server.proxied.length;
  start = Date.now();
  await b.click(by('sync-now'));
  await settled(b);
  results.push({ case: 'one edit down (sync now)', ms: Date.now() - start, ...traffic(server.proxied, from) });
} finally {
  await browser.close();
  await server.close();
  await couch.close();
}
const people = Object.keys(entries).filter((k) => /\/records\/\d+$/.test(k)).length;
console.log(`\nSync (${path.basename(fixture)}: ${people} records parts, ${Math.round(sealedChars / 1024)} K characters sealed in local storage; the floor)`);
console.table(results);
await fs.writeFile(out, JSON.stringify({ fixture: path.basename(fixture), sealed_kchars: Math.round(sealedChars / 1024), results }, null, 2));
