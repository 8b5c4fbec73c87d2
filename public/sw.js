// Linkwork's service worker: after one visit the app opens and works with no network.
//
// This file is a template. Every build writes dist/sw.js from it (`cargo xtask
// finish-build`, Trunk's post-build hook), filling in the build's version and the list of
// its files.
//
// - Installing keeps every file of this version in one cache, all or nothing.
// - Files are served from this version's cache first (their names carry content hashes,
//   except the page, the manifest and icons), so a page never mixes two versions' code.
// - The page itself comes from the network first (so a reload after a deploy gets the new
//   version), falling back to this version's copy when the network fails or is slow.
// - A new version waits until the person says "Update now" (the page posts
//   'skip-waiting') or every tab of the old one is closed. Nothing here claims open pages.
// - Activating removes the caches of earlier versions deployed at the same place; other
//   deployments on the same origin (another sub-path) keep theirs.
'use strict';

const VERSION = '__LINKWORK_VERSION__';
/** Paths relative to this script (the app's folder), e.g. './index.html'. */
const FILES = __LINKWORK_FILES__;
/** The caches of this deployment start with this; the version follows. */
const DEPLOYMENT = `linkwork ${self.registration.scope} `;
const CACHE = DEPLOYMENT + VERSION;
const PAGE = new URL('./index.html', self.location.href).href;
/** How long a page request waits for the network before using the kept copy. */
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // 'reload': straight from the server, never an older copy from the HTTP cache.
      .then((cache) => cache.addAll(FILES.map((file) => new Request(file, { cache: 'reload' })))),
  );
});

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
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  event.respondWith(request.mode === 'navigate' ? page(request) : file(request));
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

/** Any other file: this version's copy, or the network for files it does not keep. */
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
