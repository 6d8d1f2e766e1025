// The service worker of a development build (`trunk serve`; scripts/post_build.py writes it as
// `sw.js`). The page never registers it: the browser fetches it only to update a worker that an
// earlier release build registered on the same address. It then removes that worker and its
// caches, and loads the pages it controlled again, from the development server.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('iam-playground-')) await caches.delete(name);
      }
      await self.registration.unregister();
      for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url);
    })(),
  );
});
