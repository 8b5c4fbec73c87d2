// Tests of harness.mjs itself, against a hand-made site (independent of the app build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openApp, startServer } from './harness.mjs';

// A wasm module exporting `answer() -> 42`.
const WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, // export "answer"
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b, // body: i32.const 42
]);

// Loads its assets by relative URL, like the Trunk build; instantiateStreaming needs the
// application/wasm content type.
const SITE = {
  'index.html': `<!doctype html><title>Harness site</title><link rel="stylesheet" href="./app.css">
<script type="module" src="./app.js"></script><body></body>`,
  'app.css': 'body { margin: 0 }',
  'app.js': `const { instance } = await WebAssembly.instantiateStreaming(fetch('./answer.wasm'));
document.body.innerHTML = '<main data-testid="app-root">' + instance.exports.answer() + '</main>';`,
  'answer.wasm': WASM,
  'sub/index.html': '<!doctype html><title>sub</title>',
};

let root;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'linkwork-harness-'));
  for (const [name, content] of Object.entries(SITE)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), content);
  }
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('the server serves files under its prefix with their MIME types', async (t) => {
  const server = await startServer({ root, prefix: '/linkwork/' });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/linkwork\/$/);
  const get = (url) => fetch(new URL(url, server.url), { redirect: 'manual' });

  const cases = [
    ['', 200, 'text/html; charset=utf-8'],
    ['index.html', 200, 'text/html; charset=utf-8'],
    ['app.js', 200, 'text/javascript; charset=utf-8'],
    ['app.css', 200, 'text/css; charset=utf-8'],
    ['answer.wasm', 200, 'application/wasm'],
    ['sub/', 200, 'text/html; charset=utf-8'],
    ['missing.js', 404, 'text/plain'],
    ['sub', 404, 'text/plain'],
    ['/index.html', 404, 'text/plain'],
    ['..%2f..%2fetc%2fpasswd', 404, 'text/plain'],
  ];
  for (const [url, status, type] of cases) {
    const response = await get(url);
    assert.equal(response.status, status, url);
    assert.equal(response.headers.get('content-type'), type, url);
  }
  assert.deepEqual(new Uint8Array(await (await get('answer.wasm')).arrayBuffer()), WASM);

  const redirect = await get('/linkwork');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/linkwork/');
});

test('the server serves at the root by default', async (t) => {
  const server = await startServer({ root });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal((await fetch(server.url)).status, 200);
});

test('openApp runs a wasm site from a sub-path and collects no errors', async (t) => {
  const app = await openApp({ root, prefix: '/linkwork/', hash: '#/clients' });
  t.after(() => app.close());
  const main = await app.page.waitForSelector('[data-testid=app-root]', { timeout: 10_000 });
  assert.equal(await main.textContent(), '42');
  assert.equal(await app.page.title(), 'Harness site');
  assert.equal(app.page.url(), `${app.url}#/clients`);
  assert.deepEqual(app.errors, []);
});

test('openApp collects errors', async (t) => {
  const app = await openApp({ root });
  t.after(() => app.close());
  await app.page.waitForSelector('[data-testid=app-root]');
  await app.page.evaluate(() => {
    console.error('boom');
    setTimeout(() => {
      throw new Error('uncaught boom');
    });
  });
  await app.page.evaluate(() => fetch('./missing.json'));
  await app.page.waitForTimeout(100);
  assert.ok(app.errors.includes('console: boom'), app.errors.join('\n'));
  assert.ok(app.errors.includes('uncaught: uncaught boom'), app.errors.join('\n'));
  assert.ok(app.errors.some((e) => e.includes('404')), app.errors.join('\n'));
});
