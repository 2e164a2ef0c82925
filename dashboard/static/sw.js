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

// --- Web Push (the edge's payload: baton_core::push::PushPayload) ---------------------------
// A push shows a notification under its tag (a repeat or a newer message replaces it); a
// "withdrawn" push closes the chat's notification once someone took it.
self.addEventListener('push', (event) => {
  let push;
  try {
    push = event.data ? event.data.json() : null;
  } catch (_) {
    push = null;
  }
  if (!push || typeof push.tag !== 'string') return;
  keepAlive(event, inTurn(push.tag, () => onPush(push)));
});

// Notification work runs one job at a time. getNotifications() forgets every stored
// notification the browser has not put on screen yet, so a read while another job's
// showNotification is under way (two pushes at once, a push during an Accept) could lose that
// notification for good: a later "withdrawn" would then not find it to close it.
let notificationWork = Promise.resolve();
// The jobs done lately, `{tag, at}`: the browser tests wait on it, as DevTools' push delivery
// answers before the push event has even run.
const doneJobs = [];

function inTurn(tag, job) {
  const work = notificationWork.then(job).finally(() => {
    doneJobs.push({ tag, at: Date.now() });
    doneJobs.splice(0, doneJobs.length - 50);
  });
  notificationWork = work.catch(() => {});
  return work;
}

// Keeps the worker alive until the work is done. A synthetic event (dispatched by a test, as
// headless Chromium cannot click a notification) has no waitUntil to offer: the work still runs.
function keepAlive(event, work) {
  try {
    event.waitUntil(work);
  } catch (_) {
    work.catch(() => {});
  }
}

async function onPush(push) {
  const shown = await self.registration.getNotifications({ tag: push.tag });
  if (push.kind === 'withdrawn') {
    shown.forEach((notification) => notification.close());
    return;
  }
  await self.registration.showNotification(String(push.title), {
    body: String(push.body ?? ''),
    tag: push.tag,
    renotify: Boolean(push.renotify),
    requireInteraction: push.kind === 'chat_waiting',
    timestamp: Number(push.at) || Date.now(),
    icon: new URL('./icon.svg', self.location).href,
    badge: new URL('./icon.svg', self.location).href,
    actions: (push.actions ?? []).map((a) => ({ action: String(a.action), title: String(a.title) })),
    data: { url: push.url, site_id: push.site_id, conversation_id: push.conversation_id, kind: push.kind },
  });
}

self.addEventListener('notificationclick', (event) => {
  const notification = event.notification;
  const data = notification.data ?? {};
  if (event.action === 'accept') {
    keepAlive(event, inTurn(notification.tag, () => accept(data, notification)));
    return;
  }
  notification.close();
  keepAlive(event, openChat(data.url));
});

// Focuses a dashboard window (navigating it to the chat), or opens one on the chat.
async function openChat(url) {
  const target = new URL(url || './', self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const app = windows.find((client) => new URL(client.url).pathname.startsWith('/app/'));
  if (app) {
    // Focusing needs the click's user activation; without it the chat still opens.
    await app.focus().catch(() => {});
    return app.navigate(target).catch(() => app);
  }
  return self.clients.openWindow(target);
}

// Accept on the notification: the same claim as the dashboard's button (first accept wins).
// Won: the chat opens. Lost: the notification says who took it, replacing itself under its tag;
// it is not closed first, because a close still in flight deletes the replacement of that tag.
async function accept(data, notification) {
  const path = `/api/v1/sites/${encodeURIComponent(data.site_id)}/conversations/${encodeURIComponent(data.conversation_id)}/accept`;
  let answer = null;
  try {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    answer = await response.json();
  } catch (_) {
    answer = null;
  }
  if (answer && answer.type === 'claimed') {
    notification.close();
    return openChat(data.url);
  }
  const body = answer && answer.type === 'already_claimed'
    ? `Taken by ${answer.by.name}`
    : (answer && answer.message) || 'Could not accept: open the dashboard';
  await self.registration.showNotification(notification.title, {
    body,
    tag: notification.tag,
    icon: new URL('./icon.svg', self.location).href,
    actions: [{ action: 'open', title: 'Open' }],
    data: { ...data, kind: 'taken' },
  });
}
