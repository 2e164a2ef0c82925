// Baton dashboard service worker: makes the dashboard installable and lets it start offline.
// It never touches /api/ (live data and the session must always come from the edge), serves
// navigations network-first (a new deploy shows at once) and hashed files cache-first.
const VERSION = 'baton-app-__VERSION__';
const SHELL = __SHELL__;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith('baton-app-') && key !== VERSION)
          .map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      // The shell is cached as "./": the edge redirects /app/index.html there, and a
      // redirected response cannot answer a navigation.
      fetch(request).catch(() => caches.match(new URL('./', self.location).href)),
    );
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
