// The playground's service worker: after one visit the page works with the network off.
//
// scripts/post_build.py writes it to the build as `sw.js`, with one line in front of this file:
//
//   const PRECACHE = { version: "<hash of every asset>", assets: [...], revalidate: [...] };
//
// `assets` is every file of the build, relative to this script (the page's folder); the names
// Trunk and post_build.py give them carry a content hash, except the page itself and the few
// files at fixed names, listed again in `revalidate`. `version` changes whenever any file does,
// and so do this script's bytes: the browser then installs the new worker beside the old one,
// and the page offers "A new version is available: Reload" (static/pwa.js).
//
// - install: every asset into the cache `iam-playground-<version>`, one at a time, all or
//   nothing. Files named by their hash may come from the browser's HTTP cache (the page has
//   just loaded most of them); the others are revalidated with the server.
// - activate: the caches of older versions are deleted, and the open pages are taken over, so
//   the first visit's lazy loads (the analysis worker) come from the cache too.
// - fetch: a precached file is answered from the cache (its name says its content); a navigation
//   to the page, whatever its query (`?embed`) and fragment (`#s=` share links), gets the cached
//   page of this version; anything else goes to the network untouched.
// - message "skip-waiting": the page's Reload button lets a waiting worker take over.
/* global PRECACHE */
'use strict';

const PREFIX = 'iam-playground-';
const CACHE = PREFIX + PRECACHE.version;
const SCOPE = new URL('./', self.location.href);
const PAGE = new URL('index.html', SCOPE).href;
const PRECACHED = new Set(PRECACHE.assets.map((path) => new URL(path, SCOPE).href));
const REVALIDATE = new Set(PRECACHE.revalidate.map((path) => new URL(path, SCOPE).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        // One file at a time: the page may still be loading its lazy files (the data, the
        // analysis worker), and a file it is fetching is then read from the HTTP cache once
        // the page's fetch has written it, instead of being downloaded twice at once.
        for (const url of PRECACHED) {
          const response = await fetch(new Request(url, { cache: REVALIDATE.has(url) ? 'no-cache' : 'default' }));
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          await cache.put(url, response);
        }
      } catch (err) {
        // All or nothing: a half-filled cache is never used, and the next visit tries again.
        await caches.delete(CACHE);
        throw err;
      }
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

/** The cached copy of `url`, or the network's answer when the cache has none. */
async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url);
  return hit ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname === SCOPE.pathname || url.href.split(/[?#]/)[0] === PAGE) {
      event.respondWith(cacheFirst(request, PAGE));
    }
    return;
  }
  const bare = url.origin + url.pathname;
  if (PRECACHED.has(bare)) event.respondWith(cacheFirst(request, bare));
});
