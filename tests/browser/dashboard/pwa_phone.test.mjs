// Installable PWA (manifest + service worker, checked by Chromium's own installability test),
// starts offline from its cache, and works in a phone's viewport: one column, list or chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { launch, createSite, Visitor, assertAccessible, CHROMIUM_ARGS, EDGE, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A pass-through HTTP proxy to the edge that can be switched off: a real network failure
 *  (DevTools' offline emulation makes Chromium skip the service worker for navigations). */
async function proxy() {
  const server = createServer((req, res) => {
    const upstream = httpRequest(`${EDGE}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

test('installable, and the shell starts offline', async () => {
  // Installability needs a real profile (an incognito context is never installable).
  const profile = mkdtempSync(join(tmpdir(), 'baton-pwa-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const { server, origin } = await proxy();
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${origin}/app/`);
  await page.locator('#login-email').waitFor({ timeout: SOON });
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, `${origin}/app/`);
  const manifest = await page.evaluate(async () => (await fetch('./manifest.webmanifest')).json());
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/app/');
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);

  // Under the service worker's control, then with the server gone: the shell still starts
  // and says it cannot reach the server instead of showing a browser error page.
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: SOON });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await page.reload();
  await page.locator('#login-email').waitFor({ timeout: SOON });
  await page.locator('.status', { hasText: 'Cannot reach the server' }).waitFor({ timeout: SOON });
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test('on a phone: one column, list then chat and back, nothing wider than the screen', async () => {
  const site = await createSite();
  const phone = { width: 390, height: 844 };
  const ann = await AgentPage.open(browser, site, site.agents[0], { viewport: phone });
  const visitor = await Visitor.start(site.id);
  await visitor.queue('Kim', 'kim@example.com');
  const row = ann.row('Kim');
  await row.waitFor({ timeout: SOON });
  const fits = () => ann.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(await fits(), 'the list fits the screen');
  await assertAccessible(ann.page, 'phone: Active');

  await row.click();
  await ann.button('Accept').click();
  await visitor.waitEvent('agent_joined');
  assert.equal(await ann.page.locator('.list-pane').isVisible(), false, 'the chat replaces the list');
  await ann.write('Hello from my phone');
  await visitor.waitEvent('agent_message', { pred: (e) => e.text === 'Hello from my phone' });
  visitor.say('And a reply from the visitor');
  await ann.line('And a reply from the visitor').waitFor({ timeout: SOON });
  await ann.lastLineShown();
  assert.ok(await fits(), 'the chat fits the screen');
  await assertAccessible(ann.page, 'phone: chat');

  await ann.page.getByRole('link', { name: '← Back to the list' }).click();
  await row.waitFor({ timeout: SOON });
  assert.equal(await ann.page.locator('.chat-pane').isVisible(), false);
  await ann.tab('stats');
  assert.ok(await fits(), 'statistics fit the screen');
  await assertAccessible(ann.page, 'phone: Statistics');
  assert.deepEqual(ann.errors, []);
  visitor.close();
  await ann.close();
});
