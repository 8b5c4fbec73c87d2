// Helpers for Linkwork's end-to-end tests (node:test + playwright-core, no other dependency).
//
//   const app = await openApp({ prefix: '/linkwork/' });
//   t.after(() => app.close());
//   await app.page.waitForSelector('[data-testid=app-root]');
//   assert.deepEqual(app.errors, []);
//
// The app is served from LINKWORK_DIST (default: dist) and opened in the system Chromium;
// playwright-core never downloads a browser.
//
// For the sync tests the same server can stand in front of a CouchDB (see couch.mjs), the
// way the app is meant to be deployed: app and CouchDB on one origin, `/sync/` → CouchDB.
//
//   const app = await openApp({ prefix: '/linkwork/', sync: couch.url });
//   // ... the app syncs with `${origin}/sync/` ...
//   assert.ok(!app.proxied.some((r) => r.requestBody.includes('Riverside')));
//   assert.deepEqual(app.offsite, []);

import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The built app (`cargo xtask dist`), from LINKWORK_DIST or ./dist. */
export const DIST = path.resolve(process.env.LINKWORK_DIST ?? 'dist');

/** Chromium from Debian's `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for headless runs as root in a container, without background network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The headers a `_headers` file (Netlify / Cloudflare Pages format, written by the build)
 * gives the file at `relative` (e.g. 'sw.js', '' for the folder): `/*` blocks apply to
 * every file, `/name` blocks to that file. Paths in the file are from the site's root,
 * which here is the served prefix.
 *
 * @param {string} text the file
 * @param {string} relative the file's path below the prefix
 */
export function headersFor(text, relative) {
  const headers = {};
  let applies = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = line.trim();
      applies = pattern === '/*' || pattern === `/${relative}`;
      continue;
    }
    if (!applies) continue;
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

/**
 * The files of the build a browser can be sent (not `_headers`, nor the `.br` and `.gz`
 * copies), each with its size on the wire as `startServer` sends it: its brotli copy's
 * where it has one.
 *
 * @param {string} [root]
 * @returns {Promise<{name: string, wire: number}[]>}
 */
export async function buildFiles(root = DIST) {
  const files = [];
  for (const name of await fs.readdir(root)) {
    if (name === '_headers' || /\.(br|gz)$/.test(name)) continue;
    const copy = await fs.stat(path.join(root, `${name}.br`)).catch(() => fs.stat(path.join(root, name)));
    files.push({ name, wire: copy.size });
  }
  return files;
}

/** The path at the origin's root under which `startServer({ sync })` reaches the CouchDB. */
export const SYNC_PATH = '/sync';

/**
 * One request passed on to the CouchDB behind `/sync/`, as `startServer` records it: what
 * the browser sent (`path` is the browser's, from `/sync` on, with its query) and what came
 * back. It is recorded as soon as the request has been read; `status` and `responseBody`
 * fill in as the answer arrives, and `done` says it is complete (a long-running changes
 * feed stays open). `error` says why the CouchDB could not be reached (the browser then got
 * a 502).
 *
 * @typedef {{method: string, path: string, requestBody: string, status: number | null,
 *   responseBody: string, done: boolean, error: string | null}} Proxied
 */

/**
 * Serves the files of `root` on 127.0.0.1 at a free port, under the URL path `prefix`
 * (e.g. '/linkwork/'), like a static host would, with the headers its `_headers` file
 * names. Missing files are 404s; '/dir/' serves '/dir/index.html'; the prefix without its
 * trailing slash redirects to it. Like a host that serves precompressed files (Caddy's
 * `precompressed br gzip`), a file's `.br` or `.gz` copy from the build is sent when the
 * browser accepts that encoding. `requests` counts the requests that reached it, and `log`
 * lists each file request: its path, the encoding sent and the bytes of the body on the
 * wire. A test can make the network slow: `server.delay = (pathname) => ms` holds each
 * answer that long, or until the promise it returns instead settles.
 *
 * With `sync` (a CouchDB URL, e.g. `couch.url`), requests to `/sync` and below, at the
 * origin's root whatever the prefix, are passed on to that CouchDB (see `forward`), and
 * each is recorded in `proxied`.
 *
 * @param {{root?: string, prefix?: string, sync?: string | null}} [options]
 * @returns {Promise<{url: string, requests: () => number, log: {path: string, encoding: string | null, bytes: number, status: number}[],
 *   delay: ((pathname: string) => number | Promise<unknown>) | null,
 *   proxied: Proxied[], close: () => Promise<void>}>}
 *   url ends with the prefix
 */
export async function startServer({ root = DIST, prefix = '/', sync = null } = {}) {
  const base = path.resolve(root);
  const mount = `/${prefix}/`.replace(/\/+/g, '/');
  const headersFile = await fs.readFile(path.join(base, '_headers'), 'utf8').catch(() => '');
  let requests = 0;
  const control = { delay: null };
  /** @type {{path: string, encoding: string | null, bytes: number, status: number}[]} */
  const log = [];
  const proxied = [];
  const server = http.createServer(async (req, res) => {
    requests += 1;
    const wait = control.delay?.(new URL(req.url, 'http://localhost').pathname) ?? 0;
    if (typeof wait === 'number' && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (typeof wait === 'object' && wait !== null) await wait.catch(() => {});
    if (sync && isSyncPath(req.url)) {
      // A browser that hangs up halfway through its request is no fault of the test's.
      return forward(req, res, sync, proxied).catch(() => res.destroy());
    }
    const reply = (status, headers, body, encoding = null) => {
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      const sent = req.method === 'HEAD' || body === undefined ? 0 : Buffer.byteLength(body);
      log.push({ path: new URL(req.url, 'http://localhost').pathname, encoding, bytes: sent, status });
    };
    const notFound = () => reply(404, { 'content-type': 'text/plain' }, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(405, { allow: 'GET, HEAD' }, '');
    }
    const { pathname } = new URL(req.url, 'http://localhost');
    if (mount !== '/' && pathname === mount.slice(0, -1)) {
      return reply(301, { location: mount }, '');
    }
    if (!pathname.startsWith(mount)) return notFound();
    let relative;
    try {
      relative = decodeURIComponent(pathname.slice(mount.length));
    } catch {
      return reply(400, { 'content-type': 'text/plain' }, 'bad request\n');
    }
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = path.resolve(base, relative);
    if (!file.startsWith(base + path.sep)) return notFound();
    let body;
    try {
      body = await fs.readFile(file);
    } catch {
      return notFound();
    }
    const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const served = path.relative(base, file).split(path.sep).join('/');
    const named = headersFor(headersFile, served === 'index.html' && pathname.endsWith('/') ? '' : served);
    // A precompressed copy the browser accepts, brotli first.
    for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']]) {
      if (!accepts(req.headers['accept-encoding'], encoding)) continue;
      const copy = await fs.readFile(file + ext).catch(() => null);
      if (copy === null) continue;
      const headers = { ...named, 'content-type': type, 'content-encoding': encoding, vary: 'Accept-Encoding' };
      return reply(200, { ...headers, 'content-length': copy.length }, copy, encoding);
    }
    reply(200, { ...named, 'content-type': type, 'content-length': body.length, vary: 'Accept-Encoding' }, body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return Object.assign(control, {
    url: `http://127.0.0.1:${port}${mount}`,
    requests: () => requests,
    log,
    proxied,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/**
 * Whether an Accept-Encoding header accepts `encoding` (named, with no `q=0`).
 *
 * @param {string | undefined} header
 * @param {string} encoding
 */
function accepts(header, encoding) {
  return String(header ?? '')
    .split(',')
    .map((part) => part.trim().split(';').map((s) => s.trim()))
    .some(([name, ...params]) => name === encoding && !params.some((p) => /^q=0(\.0*)?$/.test(p)));
}

/** Whether a request target (path and query) is `/sync` or below it. */
function isSyncPath(target) {
  const pathname = target.split('?')[0];
  return pathname === SYNC_PATH || pathname.startsWith(`${SYNC_PATH}/`);
}

/**
 * Headers that belong to one connection, not to the request or answer, so a proxy does not
 * pass them on (RFC 9110, 7.6.1).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `headers` without those of `HOP_BY_HOP` and without any the `connection` header names. */
function endToEnd(headers) {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)),
  );
}

/**
 * Passes one request under `/sync` on to the CouchDB at `target` and streams its answer
 * back, like the reverse proxy of the recommended deployment: the path after `/sync` is
 * appended to the CouchDB URL's path, method, headers and body are passed through (Host set
 * to the CouchDB's; credentials in `target` are not used: the app signs in by itself), and a
 * `Location` pointing into the CouchDB is pointed back under `/sync`. The request and its
 * answer are recorded in `log` (see `Proxied`). If the CouchDB cannot be reached, the
 * browser gets a 502, as from nginx.
 *
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {string} target
 * @param {Proxied[]} log
 */
async function forward(req, res, target, log) {
  const couch = new URL(target);
  const couchBase = couch.pathname.replace(/\/+$/, '');
  const rest = req.url.slice(SYNC_PATH.length);
  const upstreamPath = couchBase + (rest.startsWith('/') ? rest : `/${rest}`);

  // Requests from the app are small JSON documents: read whole, they can be recorded exactly.
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  /** @type {Proxied} */
  const entry = {
    method: req.method,
    path: req.url,
    requestBody: body.toString('utf8'),
    status: null,
    responseBody: '',
    done: false,
    error: null,
  };
  log.push(entry);

  const headers = endToEnd(req.headers);
  // So that the CouchDB answers in plain text, which can be recorded.
  delete headers['accept-encoding'];
  headers.host = couch.host;
  if (body.length > 0 || 'content-length' in req.headers) headers['content-length'] = String(body.length);
  const client = couch.protocol === 'https:' ? https : http;
  // A new connection for each request (agent: false): a connection kept from an earlier
  // request could have been cut by a paused server meanwhile.
  const upstream = client.request(
    { hostname: couch.hostname, port: couch.port, path: upstreamPath, method: req.method, headers, agent: false },
    (answer) => {
      entry.status = answer.statusCode;
      const back = endToEnd(answer.headers);
      // The port is not compared: pouchdb-server names its own, behind couch.mjs's gate.
      const location = back.location && new URL(back.location, couch);
      if (location?.hostname === couch.hostname && location.pathname.startsWith(`${couchBase}/`)) {
        back.location = SYNC_PATH + location.pathname.slice(couchBase.length) + location.search;
      }
      res.writeHead(answer.statusCode, back);
      const text = new StringDecoder('utf8');
      answer.on('data', (chunk) => {
        entry.responseBody += text.write(chunk);
        res.write(chunk);
      });
      answer.on('end', () => {
        entry.responseBody += text.end();
        entry.done = true;
        res.end();
      });
      answer.on('error', (error) => {
        entry.error = error.message;
        entry.done = true;
        res.destroy();
      });
    },
  );
  upstream.on('error', (error) => {
    if (entry.done) return; // the browser gave up first (below)
    entry.error = error.message;
    entry.done = true;
    if (res.headersSent || res.destroyed) return res.destroy();
    entry.status = 502;
    entry.responseBody = JSON.stringify({ error: 'bad_gateway', reason: error.message });
    res.writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(entry.responseBody);
  });
  // The browser gave up (or the test closed the server): so does the request to the CouchDB.
  res.on('close', () => {
    if (res.writableFinished) return;
    if (!entry.done) {
      entry.error = 'closed before the answer was complete';
      entry.done = true;
    }
    upstream.destroy();
  });
  upstream.end(body);
}

/**
 * Waits until the service worker of `page` is active (installed: every file of its version
 * kept), and returns the names of the page's caches.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function workerActive(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker.state !== 'activated') {
      await new Promise((resolve) => {
        worker.addEventListener('statechange', () => worker.state === 'activated' && resolve());
      });
    }
    return caches.keys();
  });
}

/**
 * Starts the system Chromium, headless. Playwright turns the back-forward cache off by
 * default; `backForwardCache: true` keeps it on, as in a browser people use.
 */
export function launch({ backForwardCache = false } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
}

/**
 * Serves `root` under `prefix`, starts Chromium with a fresh context and opens the app at
 * `hash` (e.g. '#/clients'). `errors` collects console errors, uncaught exceptions and
 * failed requests, so a test can end with `assert.deepEqual(app.errors, [])`.
 *
 * `clock`: true for a controllable clock at the real time, or a date (e.g. '2026-11-21T12:00:00Z')
 * to start it there; either way it runs on in real time until a test moves it.
 *
 * `sync`: a CouchDB URL to reach at `/sync/` on the app's origin (see `startServer`);
 * `proxied` then records every request that went there.
 *
 * `offsite` records every request the browser makes (from any page of the context, its
 * workers included as far as Playwright reports them) to an origin other than the app's,
 * as `{method, url, type}` (type: Playwright's resource type, or 'websocket'), so a test
 * can check that nothing leaves for elsewhere: `assert.deepEqual(app.offsite, [])`.
 *
 * @param {{root?: string, prefix?: string, hash?: string, clock?: boolean | string, sync?: string | null}} [options]
 */
export async function openApp({ root = DIST, prefix = '/', hash = '', clock = false, sync = null } = {}) {
  const server = await startServer({ root, prefix, sync });
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  const offsite = watchOffsite(context, new URL(server.url).origin);
  // A controllable clock (page.clock.fastForward) for idle timeouts.
  if (clock) await context.clock.install(clock === true ? {} : { time: new Date(clock) });
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    await page.goto(server.url + hash);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    browser,
    context,
    page,
    server,
    url: server.url,
    errors,
    proxied: server.proxied,
    offsite,
    close,
    watch: (p) => watch(p, errors),
  };
}

/**
 * Records the requests of every page (and worker) of `context` to origins other than
 * `origin`, WebSockets included; data:, blob: and about: URLs stay in the browser and are
 * left out.
 *
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} origin
 * @returns {Array<{method: string, url: string, type: string}>}
 */
function watchOffsite(context, origin) {
  const offsite = [];
  const elsewhere = (url) => {
    const there = new URL(url);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(there.protocol)) return false;
    // A WebSocket to the app's own server has its host and port, with ws: for http:.
    const own = there.protocol.startsWith('ws') ? origin.replace(/^http/, 'ws') : origin;
    return there.origin !== own;
  };
  context.on('request', (request) => {
    if (elsewhere(request.url())) {
      offsite.push({ method: request.method(), url: request.url(), type: request.resourceType() });
    }
  });
  context.on('page', (page) => {
    page.on('websocket', (socket) => {
      if (elsewhere(socket.url())) offsite.push({ method: 'GET', url: socket.url(), type: 'websocket' });
    });
  });
  return offsite;
}

/** Collects console errors, uncaught exceptions and failed requests of a page into `errors`. */
function watch(page, errors) {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium fetches /favicon.ico at the origin root by itself; that 404 is not the app's.
    const source = message.location().url;
    if (source && new URL(source).pathname === '/favicon.ico') return;
    const where = message.text().startsWith('Failed to load resource') ? ` ${source}` : '';
    errors.push(`console: ${message.text()}${where}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    // Requests still in flight when the test reloads or navigates are cancelled: not a fault.
    if (reason === 'net::ERR_ABORTED') return;
    errors.push(`request failed: ${request.url()} (${reason})`);
  });
}

/** Saves a full-page screenshot to tests/e2e/artifacts/<name>.png (git-ignored). */
export async function screenshot(page, name) {
  const dir = fileURLToPath(new URL('artifacts/', import.meta.url));
  await fs.mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * An init script (`context.addInitScript(countCharts)`): keeps every ECharts instance the
 * page makes, so `window.__liveCharts` (not yet disposed of) and `window.__chartsMade`
 * can be read, and `window.__chartResizes` (whole redraws for a new size). ECharts is
 * loaded later by the app, so `init` is wrapped on first use.
 */
export function countCharts() {
  const made = [];
  let lib;
  let resizes = 0;
  Object.defineProperty(window, '__liveCharts', {
    get: () => made.filter((c) => !c.isDisposed()).length,
  });
  Object.defineProperty(window, '__chartsMade', { get: () => made.length });
  Object.defineProperty(window, '__chartResizes', { get: () => resizes });
  Object.defineProperty(window, 'echarts', {
    configurable: true,
    set(value) {
      lib = value;
    },
    get() {
      if (lib && lib.init && !lib.__counted) {
        const init = lib.init;
        lib.init = (...args) => {
          const chart = init.apply(lib, args);
          const resize = chart.resize;
          chart.resize = (...more) => {
            resizes += 1;
            return resize.apply(chart, more);
          };
          made.push(chart);
          return chart;
        };
        lib.__counted = true;
      }
      return lib;
    },
  });
}
