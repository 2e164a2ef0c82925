// Web Push in the dashboard, in Chromium: Settings → Notifications asks for permission on a
// click and subscribes through the service worker's pushManager; the subscription reaches the
// edge; the edge's push (received and decrypted by the loopback push service, which checks the
// VAPID JWT with `jose` and decrypts with `http_ece`) is delivered to the service worker over
// the DevTools protocol; the notification shows, and its Accept claims the chat — the loser sees
// "Taken by …", and the withdrawal closes it.
//
// Headless Chromium cannot reach its own push service, so `pushManager.subscribe` fails offline
// (TOOLCHAIN.md, "Web Push in headless Chromium"). Everything up to that call is real; the call
// itself answers with a subscription of the loopback push service (an init script), and the
// dashboard registers it through its normal code path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EDGE, SOON, api, createSite, launch, Visitor, assertAccessible } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

async function startPushService() {
  const child = spawn('node', ['tests/push/push-service.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('error', reject);
  });
  const base = `http://127.0.0.1:${JSON.parse(line).port}`;
  return {
    child,
    subscribe: async () => (await fetch(`${base}/subscriptions`, { method: 'POST' })).json(),
    received: async (count) => {
      const all = await (await fetch(`${base}/received?count=${count}&timeout_ms=${SOON}`)).json();
      assert.ok(all.length >= count, `expected ${count} pushes, got ${JSON.stringify(all)}`);
      for (const push of all) assert.deepEqual(push.errors, [], JSON.stringify(push));
      return all;
    },
  };
}

// The browser's subscribe() answers with the loopback subscription; the arguments it was called
// with are recorded so the test can check the dashboard passed the edge's VAPID key.
const stubSubscribe = (subscription) => `
  (() => {
    const sub = ${JSON.stringify(subscription)};
    let current = null;
    window.__push = { calls: [], unsubscribed: 0 };
    const made = () => ({
      endpoint: sub.endpoint,
      expirationTime: null,
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
      unsubscribe: async () => { window.__push.unsubscribed += 1; current = null; return true; },
    });
    PushManager.prototype.subscribe = async function (options) {
      const key = new Uint8Array(options.applicationServerKey);
      window.__push.calls.push({
        userVisibleOnly: options.userVisibleOnly,
        key: btoa(String.fromCharCode(...key)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''),
        permission: Notification.permission,
      });
      current = made();
      return current;
    };
    PushManager.prototype.getSubscription = async function () { return current; };
  })();
`;

async function openAgent(browser, site, agent, subscription) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['notifications'], { origin: EDGE });
  await context.addInitScript(stubSubscribe(subscription));
  const page = await context.newPage();
  const dashboard = new AgentPage(context, page, site, agent);
  await dashboard.signIn();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: SOON });
  const cdp = await context.newCDPSession(page);
  const registration = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const found = registrations.find((r) => r.scopeURL.startsWith(`${EDGE}/app/`) && !r.isDeleted);
      if (found) resolve(found.registrationId);
    });
  });
  // The worker's life as the browser reports it, printed if a push is not shown: the delivery
  // over the DevTools protocol answers nothing, so this is what says where it stopped.
  const opened = Date.now();
  const timeline = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => timeline.push(
    `+${Date.now() - opened} ms ${versions.map((v) => `v${v.versionId} ${v.runningStatus}/${v.status}`).join(', ')}`));
  cdp.on('ServiceWorker.workerErrorReported', ({ errorMessage }) => timeline.push(
    `+${Date.now() - opened} ms error ${errorMessage.errorMessage} at ${errorMessage.sourceURL}:${errorMessage.lineNumber}`));
  await cdp.send('ServiceWorker.enable');
  dashboard.registrationId = await registration;
  dashboard.cdp = cdp;
  dashboard.timeline = timeline;
  dashboard.opened = opened;
  dashboard.worker = context.serviceWorkers().find((w) => w.url().startsWith(`${EDGE}/app/`))
    || await context.waitForEvent('serviceworker');
  return dashboard;
}

async function turnOnPush(dashboard) {
  await dashboard.tab('settings');
  await dashboard.page.getByRole('button', { name: 'Turn on notifications on this device' }).click();
  await dashboard.page.locator('.push-device-name', { hasText: '(this device)' }).waitFor({ timeout: SOON });
}

/** What the service worker shows, read through the page's registration. */
function notifications(dashboard, tag) {
  return dashboard.page.evaluate(async (t) => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications(t ? { tag: t } : {}))
      .map((n) => ({ title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.action), data: n.data }));
  }, tag);
}

/** Polls `check` (an async probe of the page or the edge) until it holds, for at most SOON ms:
 * what it waits for is asynchronous state (a notification list, a stored device), no event. */
async function until(check, what, limit = SOON) {
  const started = Date.now();
  const deadline = started + limit;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/** Delivers `payload` to the service worker as a push; waits until `count` notifications
 * carry its tag. */
async function deliver(dashboard, payload, count) {
  dashboard.timeline.push(`+${Date.now() - dashboard.opened} ms push ${payload.kind} delivered`);
  const since = Date.now();
  await dashboard.cdp.send('ServiceWorker.deliverPushMessage', {
    origin: EDGE,
    registrationId: dashboard.registrationId,
    data: JSON.stringify(payload),
  });
  await jobDone(dashboard, payload.tag, since);
  const took = await until(async () => (await notifications(dashboard, payload.tag)).length === count,
    `${count} notification(s) tagged ${payload.tag}`, 60_000).catch((failure) => explain(dashboard, failure));
  console.log(`push delivered to the service worker, shown after ${took} ms`);
}

/** Rethrows `failure` with what the browser shows and what it said about the worker. */
async function explain(dashboard, failure) {
  const shown = JSON.stringify(await notifications(dashboard));
  throw new Error(`${failure.message}; shown: ${shown}; worker: ${dashboard.timeline.join('; ')}`);
}

/** The dashboard's service worker as it runs now (a stopped one is started anew for a push). */
function liveWorker(dashboard) {
  return dashboard.page.context().serviceWorkers().find((w) => w.url().startsWith(`${EDGE}/app/`));
}

/** Waits until the service worker finished a notification job for `tag` begun after `since`:
 * reading the notifications while it shows one would make the browser forget that one (see
 * `inTurn` in sw.js), and DevTools' push delivery answers before the push event runs. */
async function jobDone(dashboard, tag, since) {
  await until(async () => {
    const worker = liveWorker(dashboard);
    // eslint-disable-next-line no-undef -- a global of the service worker's script
    const jobs = worker ? await worker.evaluate(() => doneJobs).catch(() => []) : [];
    return jobs.some((job) => job.tag === tag && job.at >= since);
  }, `the service worker to finish its work on ${tag}`, 60_000)
    .catch((failure) => explain(dashboard, failure));
}

/** Presses a notification's action: the service worker's own notificationclick handler runs. */
async function press(dashboard, tag, action) {
  const since = Date.now();
  await liveWorker(dashboard).evaluate(async ([t, a]) => {
    const [notification] = await self.registration.getNotifications({ tag: t });
    if (!notification) throw new Error(`no notification ${t}`);
    self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: a }));
  }, [tag, action]);
  await jobDone(dashboard, tag, since);
}

test('push: subscribe from Settings, the edge pushes, Accept on the notification claims the chat', async () => {
  const service = await startPushService();
  const browser = await launch();
  let visitor = null;
  try {
    const site = await createSite({
      settings: { time_to_accept_ms: 60000 },
      agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob' }],
    });
    const key = (await (await fetch(`${EDGE}/api/v1/push/key`)).json()).public_key;
    const [annPhone, bobPhone] = [await service.subscribe(), await service.subscribe()];
    const ann = await openAgent(browser, site, site.agents[0], annPhone);
    const bob = await openAgent(browser, site, site.agents[1], bobPhone);

    // Nothing is asked on load; the button asks, then subscribes with the edge's key.
    assert.deepEqual(await ann.page.evaluate(() => window.__push.calls), []);
    await turnOnPush(ann);
    await turnOnPush(bob);
    const calls = await ann.page.evaluate(() => window.__push.calls);
    assert.deepEqual(calls, [{ userVisibleOnly: true, key, permission: 'granted' }]);
    await assertAccessible(ann.page, 'Settings → Notifications');
    const devices = (await api(site.agents[0].token, 'GET', '/api/v1/push/devices')).body;
    assert.equal(devices.length, 1);
    assert.equal(devices[0].label, 'Chrome on Linux');
    assert.deepEqual(devices[0].sites.map((s) => [s.site_id, s.enabled]), [[site.id, true]]);
    // The per-site switch.
    const toggle = ann.page.locator('.push-site input[type=checkbox]');
    await toggle.uncheck();
    const enabled = async () =>
      (await api(site.agents[0].token, 'GET', '/api/v1/push/devices')).body[0].sites[0].enabled;
    await until(async () => (await enabled()) === false, 'the site switched off');
    await toggle.check();
    await until(async () => (await enabled()) === true, 'the site switched on');

    // A visitor waits: the edge pushes both phones.
    visitor = await Visitor.start(site.id);
    await visitor.queue('Vera', 'vera@example.com');
    const pushes = await service.received(2);
    const byPhone = Object.fromEntries(pushes.map((p) => [p.subscription, p.payload]));
    const waiting = byPhone[annPhone.id];
    assert.equal(waiting.kind, 'chat_waiting');
    assert.equal(waiting.conversation_id, visitor.id);
    assert.deepEqual(byPhone[bobPhone.id], waiting);

    // Delivered to each service worker: the notification shows with Open and Accept.
    await deliver(ann, waiting, 1);
    await deliver(bob, waiting, 1);
    const [shown] = await notifications(ann, waiting.tag);
    assert.equal(shown.title, waiting.title);
    assert.match(shown.title, /Vera is waiting$/);
    assert.deepEqual(shown.actions, ['open', 'accept']);
    assert.equal(shown.data.conversation_id, visitor.id);

    // Ann presses Accept: the chat is hers and her dashboard opens on it.
    await press(ann, waiting.tag, 'accept');
    const joined = await visitor.waitEvent('agent_joined');
    assert.equal(joined.agent.name, 'Ann');
    await ann.page.waitForFunction((id) => location.hash.includes(id), visitor.id, { timeout: SOON });
    // Bob presses Accept too late: his notification says who took it.
    await press(bob, waiting.tag, 'accept');
    await until(async () => (await notifications(bob, waiting.tag)).some((n) => n.body === 'Taken by Ann'),
      '"Taken by Ann" on Bob\'s notification').catch((failure) => explain(bob, failure));
    // The edge's withdrawal closes the chat's notification on Bob's phone.
    const all = await service.received(4);
    const withdrawn = all.find((p) => p.subscription === bobPhone.id && p.payload.kind === 'withdrawn');
    assert.equal(withdrawn.payload.tag, waiting.tag);
    assert.equal(withdrawn.payload.body, 'Taken by Ann');
    await deliver(bob, withdrawn.payload, 0);
    assert.deepEqual(await notifications(bob, waiting.tag), []);

    // Signing out unsubscribes this browser and the edge forgets the device.
    await ann.page.getByRole('button', { name: 'Sign out' }).click();
    await ann.page.locator('#login-email').waitFor({ timeout: SOON });
    assert.equal(await ann.page.evaluate(() => window.__push.unsubscribed), 1);
    assert.deepEqual((await api(site.agents[0].token, 'GET', '/api/v1/push/devices')).body, []);
    visitor.close();
    assert.deepEqual(ann.errors, []);
    assert.deepEqual(bob.errors, []);
  } finally {
    visitor?.close();
    await browser.close();
    service.child.kill();
  }
});
