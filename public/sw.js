// Linkwork's service worker: after one visit the app opens and works with no network.
//
// This file is a template. Every build writes dist/sw.js from it (`cargo xtask
// finish-build`, Trunk's post-build hook), filling in the build's version and the list of
// its files.
//
// - Installing keeps every file of this version in one cache, all or nothing. A first visit
//   downloads each file once: what the page has just fetched is taken from the browser's
//   HTTP cache, checked against this build's integrity hash, so the worker never fetches
//   the app a second time. Only files the page has not needed yet (ECharts, icons) come
//   from the server, once.
// - Files are served from this version's cache first (their names carry content hashes,
//   except the page, the manifest and icons), so a page never mixes two versions' code.
// - The page itself comes from the network first (so a reload after a deploy gets the new
//   version), falling back to this version's copy when the network fails or is slow.
// - A new version waits until the person says "Update now" (the page posts
//   'skip-waiting') or every tab of the old one is closed. Nothing here claims open pages.
// - Activating removes the caches of earlier versions deployed at the same place; other
//   deployments on the same origin (another sub-path) keep theirs.
// - It answers only for the files of its own build and for the app's page (its folder or
//   index.html). Every other request goes to the network as if there were no worker, never
//   through a cache: above all the sync server's (CouchDB, on another origin or behind a
//   path holding /sync/), but also anything that is not a GET, other origins, and other
//   pages of the same host.
'use strict';

const VERSION = '__LINKWORK_VERSION__';
/**
 * Every file of this build: its path relative to this script (the app's folder), e.g.
 * './index.html', and the integrity hash of its contents ('sha256-…').
 */
const FILES = __LINKWORK_FILES__;
/** The caches of this deployment start with this; the version follows. */
const DEPLOYMENT = `linkwork ${self.registration.scope} `;
const CACHE = DEPLOYMENT + VERSION;
const PAGE = new URL('./index.html', self.location.href).href;
/** The path of the app's folder (where this script is), e.g. '/linkwork/'. */
const FOLDER = new URL('./', self.location.href).pathname;
/** The addresses a navigation to the app's page can have (any query, e.g. ?demo, aside). */
const PAGES = new Set([new URL('./', self.location.href).href, PAGE]);
/** This build's files, as full URLs: the only other requests the worker answers. */
const KEPT = new Set(FILES.map(([file]) => new URL(file, self.location.href).href));
/** How long a page request waits for the network before using the kept copy. */
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      // Every file is fetched before any is kept: one that cannot be had fails the install,
      // and the version is not used.
      const responses = await Promise.all(FILES.map(([file, integrity]) => fetchExactly(file, integrity)));
      await Promise.all(responses.map((response, i) => cache.put(FILES[i][0], response)));
    }),
  );
});

/**
 * This build's copy of `file`. First from the browser's HTTP cache, without asking the
 * server (what the page fetched a moment ago: the page itself under either of its
 * addresses), then from the server; each time only if its contents are exactly this
 * build's (`integrity`), so an older version's copy is never kept under this version. A
 * host that changes the files it serves (one that adds a script to the page, say) fails
 * that check every time: then the server's copy is kept as it is, as it was before.
 */
async function fetchExactly(file, integrity) {
  const addresses = new URL(file, self.location.href).href === PAGE ? [...PAGES] : [file];
  const ways = [
    ...addresses.map((address) => new Request(address, { cache: 'only-if-cached', mode: 'same-origin', integrity })),
    new Request(file, { cache: 'reload', integrity }),
  ];
  for (const request of ways) {
    try {
      const response = await fetch(request);
      if (response.ok) return response;
    } catch {
      // Not in the HTTP cache as this build has it, or the network failed: next way.
    }
  }
  const response = await fetch(new Request(file, { cache: 'reload' }));
  if (!response.ok) throw new Error(`${file}: the server answered ${response.status}`);
  return response;
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith(DEPLOYMENT) && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      ),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Returning without respondWith() leaves the request to the browser, untouched.
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Sync requests (a path with /sync/ in it, below the app's folder if the app itself is in
  // a folder of that name) are never kept or answered here, whatever the build holds.
  const below = url.pathname.startsWith(FOLDER) ? url.pathname.slice(FOLDER.length - 1) : url.pathname;
  if (url.origin !== self.location.origin || below.includes('/sync/')) return;
  if (request.mode === 'navigate') {
    if (PAGES.has(url.origin + url.pathname)) event.respondWith(page(request));
  } else if (KEPT.has(url.href)) {
    event.respondWith(file(request));
  }
});

/** The page: from the network if it answers in time, else this version's copy. */
async function page(request) {
  const kept = () => caches.open(CACHE).then((cache) => cache.match(PAGE));
  try {
    const response = await fromNetwork(request);
    if (response.ok) return response;
    return (await kept()) ?? response;
  } catch {
    return (await kept()) ?? Response.error();
  }
}

/** A file of this build: this version's copy, or the network if the copy has gone. */
async function file(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}

/** fetch(), failing after NETWORK_WAIT_MS. */
function fromNetwork(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the network is too slow')), NETWORK_WAIT_MS);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
