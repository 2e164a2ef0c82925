// The email digest, as an agent meets it: Settings → Notifications → Email digest is off until
// the agent switches it on for the site; a chat nobody accepts in time is missed; the scheduled
// run (wrangler's /__scheduled runs the worker's cron handler) emails the agent a digest, and its
// link opens that chat in the dashboard under Missed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE, SOON, api, createSite, launch, Visitor, assertAccessible } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';
import { sentMail } from '../mail.mjs';

/** Runs the cron handler until a digest for `to` arrives (runs before it is due send none). */
async function digestFor(to) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await fetch(`${EDGE}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`);
    assert.ok(run.ok, `scheduled run: ${run.status}`);
    const mine = (await sentMail()).filter((m) => m.to.includes(to));
    if (mine.length > 0) return mine;
    if (Date.now() > deadline) throw new Error(`no digest for ${to} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('email digest: switched on in Settings, a missed chat is mailed, its link opens the chat', async () => {
  const browser = await launch();
  let visitor = null;
  try {
    const site = await createSite({
      settings: { time_to_accept_ms: 1500, wait_notice_ms: 500, leave_message_offer_ms: 500, digest_every_ms: 1000 },
      agents: [{ name: 'Ann', role: 'admin' }],
    });
    const [ann] = site.agents;
    const dashboard = await AgentPage.open(browser, site, ann);
    await dashboard.tab('settings');
    const digest = dashboard.page.getByRole('checkbox', { name: /^Email digest for Site / });
    await digest.waitFor({ timeout: SOON });
    assert.equal(await digest.isChecked(), false, 'off by default');
    assert.match(await dashboard.page.locator('.digest-site').innerText(), /\(every second\)$/);
    await digest.check();
    const enabled = async () => (await api(ann.token, 'GET', '/api/v1/digest')).body[0].enabled;
    for (const started = Date.now(); !(await enabled());) {
      assert.ok(Date.now() - started < SOON, 'the switch reached the edge');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await assertAccessible(dashboard.page, 'Settings → Email digest');

    // A visitor waits while Ann is online, and nobody accepts in time.
    visitor = await Visitor.start(site.id);
    await visitor.say('Is the kayak tour <b>on</b> tomorrow?');
    await visitor.queue('Vera', 'vera@example.com');
    await visitor.waitEvent('missed', { timeout: SOON });

    const [mail] = await digestFor(ann.email);
    assert.match(mail.subject, /: 1 missed chat$/);
    assert.match(mail.text, /Missed chat: Vera <vera@example\.com>/);
    const link = mail.text.match(/http\S+\/missed\/\S+/)?.[0];
    assert.equal(link, `${EDGE}/app/#/${site.id}/missed/${visitor.id}`);
    assert.ok(!mail.html.includes('<b>on</b>'), 'the visitor\'s words are escaped');

    // The link opens the missed chat.
    await dashboard.page.goto(link);
    await dashboard.page.locator('.chat .chat-head h1', { hasText: 'Vera' }).waitFor({ timeout: SOON });
    await dashboard.page.locator('nav.tabs a.current[href$="/missed"]').waitFor({ timeout: SOON });

    // Switched off again in Settings: the edge forgets it.
    await dashboard.tab('settings');
    await digest.uncheck();
    for (const started = Date.now(); await enabled();) {
      assert.ok(Date.now() - started < SOON, 'switched off at the edge');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(dashboard.errors, []);
  } finally {
    visitor?.close();
    await browser.close();
  }
});
