// The availability toggle: going away with chats in progress asks what to do with them; "return
// to the queue" hands them back, "keep" keeps them; an away agent is not notified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('going away with a chat: return it to the queue, or keep it', async () => {
  const site = await createSite({
    agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob', role: 'agent' }],
  });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  // Bob stays available, so a returned chat has someone to wait for.
  const bob = await AgentPage.open(browser, site, site.agents[1]);
  const toggle = ann.page.locator('button.availability');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');

  // An open visitor socket would keep this file's process alive after a failure.
  let visitor;
  let other;
  try {
    visitor = await Visitor.start(site.id);
    await visitor.queue('Eva', 'eva@example.com');
    await ann.openChat(visitor.id);
    await ann.button('Accept').click();
    await visitor.waitEvent('agent_joined');
    await ann.chatStatus('You hold this chat');

    await toggle.click();
    const dialog = ann.page.getByRole('dialog', { name: 'Going away' });
    await dialog.getByText('You have 1 chat(s) in progress').waitFor({ timeout: SOON });
    await assertAccessible(ann.page, 'going-away dialog');
    const seq = visitor.lastSeq();
    await dialog.getByRole('button', { name: 'Return them to the queue' }).click();
    await visitor.waitEvent('agent_left', { afterSeq: seq });
    await visitor.waitEvent('waiting', { afterSeq: seq });
    await ann.page.locator('button.availability[aria-pressed="false"]', { hasText: 'Away' }).waitFor({ timeout: SOON });
    await ann.chatStatus('Waiting for an agent');

    // Away: a new waiting chat does not ring for Ann (Bob is notified).
    const annHeard = (await ann.notifications()).length;
    const bobHeard = (await bob.notifications()).length;
    other = await Visitor.start(site.id);
    await other.queue('Finn', 'finn@example.com');
    await bob.page.waitForFunction((n) => window.__baton.notifications.length > n, bobHeard, { timeout: SOON });
    await ann.row('Finn').waitFor({ timeout: SOON });
    assert.equal((await ann.notifications()).length, annHeard, 'an away agent is not notified');

    // Back, take Eva's chat again, go away and keep it.
    await toggle.click();
    await ann.page.locator('button.availability[aria-pressed="true"]').waitFor({ timeout: SOON });
    await ann.button('Accept').click();
    await ann.chatStatus('You hold this chat');
    const kept = visitor.lastSeq();
    await toggle.click();
    await dialog.getByRole('button', { name: 'Keep them' }).click();
    await ann.page.locator('button.availability[aria-pressed="false"]').waitFor({ timeout: SOON });
    await ann.write('Still here for you, Eva.');
    await visitor.waitEvent('agent_message', { afterSeq: kept, pred: (e) => e.text === 'Still here for you, Eva.' });
    assert.ok(!visitor.events().some((e) => e.seq > kept && e.type === 'agent_left'));

    assert.deepEqual([...ann.errors, ...bob.errors], []);
  } finally {
    visitor?.close();
    other?.close();
  }
  await ann.close();
  await bob.close();
});
