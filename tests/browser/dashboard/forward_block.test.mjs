// Forward a chat to another group (its agents are notified), then block the visitor: they get
// the block message when asking for a person again, and only the bot answers them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KB = [{ questions: ['What are your opening hours?'], answer: 'We are open from 9 to 17.' }];

test('forward to another group, then block the visitor', async () => {
  const site = await createSite({
    settings: { groups: ['sales', 'support'], knowledge_base: KB },
    agents: [
      { name: 'Ann', role: 'admin', groups: ['sales'] },
      { name: 'Sue', role: 'agent', groups: ['support'] },
    ],
  });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const sue = await AgentPage.open(browser, site, site.agents[1]);
  const visitor = await Visitor.start(site.id);
  await visitor.queue('Pia', 'pia@example.com');
  await ann.openChat(visitor.id);
  await ann.button('Accept').click();
  await visitor.waitEvent('agent_joined');
  const before = (await sue.notifications()).length;

  await ann.button('Forward…').click();
  const form = ann.page.getByRole('form', { name: 'Forward to a group' });
  await form.getByLabel('Forward to group').selectOption('support');
  await assertAccessible(ann.page, 'forward form');
  await form.getByRole('button', { name: 'Forward' }).click();
  const forwarded = await visitor.waitEvent('forwarded');
  assert.equal(forwarded.group, 'support');
  await visitor.waitEvent('waiting', { afterSeq: forwarded.seq });
  await ann.chatStatus('Waiting for an agent');
  // Sue serves "support": she is notified of the forwarded chat.
  await sue.page.waitForFunction((n) => window.__baton.notifications.length > n, before, { timeout: SOON });
  await sue.row('Pia').waitFor({ timeout: SOON });

  await sue.openChat(visitor.id);
  await sue.button('Accept').click();
  await sue.chatStatus('You hold this chat');
  await sue.button('Block visitor…').click();
  const block = sue.page.getByRole('form', { name: 'Block visitor' });
  await block.getByLabel('Reason (agents only)').fill('abusive language');
  await block.getByLabel('Message to the visitor').fill('This chat is closed for you.');
  await assertAccessible(sue.page, 'block form');
  const seq = visitor.lastSeq();
  await block.getByRole('button', { name: 'Block' }).click();
  await visitor.waitEvent('agent_left', { afterSeq: seq });
  await sue.chatStatus('Blocked');
  await sue.line('Visitor blocked by Sue: abusive language').waitFor({ timeout: SOON });
  assert.ok(!visitor.events().some((e) => e.type === 'visitor_blocked'), 'the reason stays with agents');

  // Asking for a person again only brings the block message; the bot keeps answering.
  const blockedAt = visitor.lastSeq();
  visitor.requestHuman();
  await visitor.waitEvent('bot_message', { afterSeq: blockedAt, pred: (e) => e.text === 'This chat is closed for you.' });
  visitor.say('What are your opening hours?');
  await visitor.waitEvent('bot_message', { afterSeq: blockedAt, pred: (e) => e.text === 'We are open from 9 to 17.' });
  assert.ok(!visitor.events().some((e) => e.seq > blockedAt && ['contact_requested', 'waiting'].includes(e.type)));

  await sue.go(`#/${site.id}/archived`);
  await sue.page.locator('.rows .row', { hasText: 'Pia' }).locator('.badge', { hasText: 'Blocked' }).waitFor({ timeout: SOON });

  assert.deepEqual([...ann.errors, ...sue.errors], []);
  visitor.close();
  await ann.close();
  await sue.close();
});
