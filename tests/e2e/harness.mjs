// Helpers for Linkwork's end-to-end tests (node:test + playwright-core, no other dependency).
//
//   const app = await openApp({ prefix: '/linkwork/' });
//   t.after(() => app.close());
//   await app.page.waitForSelector('[data-testid=app-root]');
//   assert.deepEqual(app.errors, []);
//
// The app is served from LINKWORK_DIST (default: dist) and opened in the system Chromium;
// playwright-core never downloads a browser.

import http from 'node:http';
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
 * Serves the files of `root` on 127.0.0.1 at a free port, under the URL path `prefix`
 * (e.g. '/linkwork/'), like a static host would, with the headers its `_headers` file
 * names. Missing files are 404s; '/dir/' serves '/dir/index.html'; the prefix without its
 * trailing slash redirects to it. `requests` counts the requests that reached it. A test
 * can make the network slow: `server.delay = (pathname) => ms` holds each answer that long.
 *
 * @param {{root?: string, prefix?: string}} [options]
 * @returns {Promise<{url: string, requests: () => number, delay: ((pathname: string) => number) | null, close: () => Promise<void>}>}
 *   url ends with the prefix
 */
export async function startServer({ root = DIST, prefix = '/' } = {}) {
  const base = path.resolve(root);
  const mount = `/${prefix}/`.replace(/\/+/g, '/');
  const headersFile = await fs.readFile(path.join(base, '_headers'), 'utf8').catch(() => '');
  let requests = 0;
  const control = { delay: null };
  const server = http.createServer(async (req, res) => {
    requests += 1;
    const wait = control.delay?.(new URL(req.url, 'http://localhost').pathname) ?? 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const reply = (status, headers, body) => {
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
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
    reply(200, { ...named, 'content-type': type, 'content-length': body.length }, body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return Object.assign(control, {
    url: `http://127.0.0.1:${port}${mount}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** Starts the system Chromium, headless. */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Serves `root` under `prefix`, starts Chromium with a fresh context and opens the app at
 * `hash` (e.g. '#/clients'). `errors` collects console errors, uncaught exceptions and
 * failed requests, so a test can end with `assert.deepEqual(app.errors, [])`.
 *
 * `clock`: true for a controllable clock at the real time, or a date (e.g. '2026-11-21T12:00:00Z')
 * to start it there; either way it runs on in real time until a test moves it.
 *
 * @param {{root?: string, prefix?: string, hash?: string, clock?: boolean | string}} [options]
 */
export async function openApp({ root = DIST, prefix = '/', hash = '', clock = false } = {}) {
  const server = await startServer({ root, prefix });
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
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
  return { browser, context, page, server, url: server.url, errors, close, watch: (p) => watch(p, errors) };
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
