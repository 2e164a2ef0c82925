// The Operator API from an admin's seat: the admin creates a key for an outside bot platform in
// Settings (shown once), the platform (a loopback server here) hands a conversation over with it,
// agents see it with its channel in the Active list and the visitor panel, its history is there,
// the agent's reply reaches the platform's webhook, and a revoked key stops working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, createSite, assertAccessible, SOON, EDGE } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The platform's webhook receiver: records each event body, answers 204. */
async function platformReceiver() {
  const events = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      events.push(JSON.parse(body));
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const waitFor = async (type) => {
    const deadline = Date.now() + SOON;
    while (!events.some((e) => e.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type} event; got ${events.map((e) => e.type)}`);
      await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 500); });
    }
    return events.find((e) => e.type === type);
  };
  return { url: `http://127.0.0.1:${server.address().port}/events`, events, waitFor, close: () => server.close() };
}

test('an admin creates a platform key; its handoff shows its channel and gets the reply', async () => {
  const site = await createSite();
  const platform = await platformReceiver();
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  await ann.tab('settings');
  const panel = ann.page.locator('section.api-keys');
  await panel.waitFor({ timeout: SOON });
  await panel.getByLabel('Channel name').fill('DialogStudio');
  await panel.getByLabel('Webhook URL').fill(platform.url);
  await panel.getByRole('button', { name: 'Create key' }).click();
  const secret = (await panel.locator('.secret code').textContent({ timeout: SOON })).trim();
  assert.match(secret, /^bk_[0-9a-f]{48}$/);
  await assertAccessible(ann.page, 'API keys');

  const handoff = await fetch(`${EDGE}/api/v1/operator/handoffs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      visitor: { name: 'Omar', email: 'omar@example.com' },
      external_id: 'ds-77',
      history: [{ from: 'visitor', text: 'I want to change my booking' }, { from: 'bot', text: 'Let me get a person.' }],
    }),
  });
  assert.equal(handoff.status, 201, await handoff.clone().text());
  const { conversation_id: id } = await handoff.json();

  await ann.tab('active');
  const row = ann.row('Omar');
  await row.waitFor({ timeout: SOON });
  await row.locator('.badge.channel', { hasText: 'DialogStudio' }).waitFor();
  // The channel filter: the website chat alone hides it, its platform shows it.
  const filter = ann.page.locator('.channel-filter select');
  await filter.selectOption('widget');
  await row.waitFor({ state: 'detached', timeout: SOON });
  await filter.selectOption('DialogStudio');
  await row.waitFor({ timeout: SOON });
  await filter.selectOption('');
  await ann.openChat(id);
  await ann.line('I want to change my booking').waitFor({ timeout: SOON });
  await ann.page.locator('.visitor-panel dd', { hasText: 'DialogStudio' }).waitFor();
  await ann.button('Accept').click();
  await ann.chatStatus('You hold this chat');
  await ann.write('Hi Omar, which date?');
  const message = await platform.waitFor('agent.message');
  assert.equal(message.external_id, 'ds-77');
  assert.equal(message.event.text, 'Hi Omar, which date?');

  await ann.tab('settings');
  await panel.getByRole('button', { name: 'Revoke DialogStudio' }).click();
  await panel.getByText('(revoked)').waitFor({ timeout: SOON });
  const refused = await fetch(`${EDGE}/api/v1/operator/handoffs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ visitor: { name: 'Omar', email: 'omar@example.com' }, external_id: 'ds-78' }),
  });
  assert.equal(refused.status, 401);
  platform.close();
  await ann.close();
});
