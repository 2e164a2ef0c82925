// Two agents are notified of a waiting chat and press Accept at the same moment: exactly one
// gets it, the other sees at once who took it and can only read (and add internal notes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('both notified, both accept at once: one wins, the other sees "Taken by"', async (t) => {
  const site = await createSite({
    agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob', role: 'agent' }],
  });
  const [annAgent, bobAgent] = site.agents;
  const ann = await AgentPage.open(browser, site, annAgent);
  const bob = await AgentPage.open(browser, site, bobAgent);
  // A click in the dashboard is the user gesture that lets it play sounds later.
  await ann.tab('active');
  await bob.tab('active');
  await assertAccessible(ann.page, 'Active (empty)');

  const visitor = await Visitor.start(site.id);
  visitor.say('hello there');
  await visitor.queue('Vera <b>Bold</b>', 'vera@example.com');

  // Notified: in the list, by the tab title, by a sound and by a browser notification.
  for (const agent of [ann, bob]) {
    await agent.row('Vera <b>Bold</b>').waitFor({ timeout: SOON });
    await agent.page.waitForFunction(() => document.title.startsWith('(1)'), null, { timeout: SOON });
    await agent.page.waitForFunction(() => window.__baton.notifications.length > 0, null, { timeout: SOON });
    const [notification] = await agent.notifications();
    assert.match(notification.title, /Vera <b>Bold<\/b> is waiting for an agent/);
    assert.ok((await agent.tones()) >= 1, 'a waiting chat plays a tone');
    assert.equal(await agent.activeCount(), 1);
  }
  // The visitor's name is text, never markup.
  assert.equal(await ann.page.locator('.rows .row b').count(), 0);

  // Clicking the browser notification opens the chat.
  await ann.page.evaluate(() => window.__baton.notifications[0].onclick(new Event('click')));
  await ann.page.locator('.chat .chat-head h1', { hasText: 'Vera' }).waitFor({ timeout: SOON });
  await bob.openChat(visitor.id);
  // Enabled means the conversation socket is open: a click now reaches the edge.
  for (const agent of [ann, bob]) {
    await agent.page.getByRole('button', { name: 'Accept', exact: true, disabled: false }).waitFor({ timeout: SOON });
  }
  await assertAccessible(ann.page, 'chat waiting');

  // Both press Accept in the same instant: the clicks are dispatched in parallel, without
  // Playwright's actionability waits (by the time those finish, the race is decided). A click
  // can only miss if the other agent's claim already removed the button, which is the same race
  // lost earlier; either way the loser must see "Taken by" at once.
  const press = (agent) => agent.button('Accept').dispatchEvent('click', undefined, { timeout: 2000 });
  const pressed = await Promise.allSettled([press(ann), press(bob)]);
  assert.ok(pressed.some((p) => p.status === 'fulfilled'));
  t.diagnostic(`Accept clicks dispatched: ${pressed.filter((p) => p.status === 'fulfilled').length} of 2`);
  const joined = await visitor.waitEvent('agent_joined');
  const [winner, loser] = joined.agent.name === 'Ann' ? [ann, bob] : [bob, ann];
  await winner.chatStatus('You hold this chat');
  await loser.page.locator('.taken', { hasText: `Taken by ${joined.agent.name}` }).waitFor({ timeout: SOON });
  await loser.chatStatus(`Taken by ${joined.agent.name}`);
  // Only one agent_joined ever reaches the visitor.
  assert.equal(visitor.events().filter((e) => e.type === 'agent_joined').length, 1);

  // The winner talks to the visitor; the loser reads along and cannot reply.
  await winner.write('Hi Vera, how can I help?');
  await visitor.waitFrame((f) => f.type === 'typing' && f.by === 'agent' && f.typing, 'agent typing');
  await visitor.waitEvent('agent_message', { pred: (e) => e.text === 'Hi Vera, how can I help?' });
  // Reading the chat tells the visitor what the agent has read.
  await visitor.waitFrame((f) => f.type === 'read' && f.by === 'agent', 'agent read receipt');
  await loser.line('Hi Vera, how can I help?').waitFor({ timeout: SOON });
  assert.equal(await loser.page.getByLabel('Reply to visitor').isDisabled(), true);
  await loser.page.locator('.composer .note', { hasText: 'holds this chat' }).waitFor();
  visitor.send({ type: 'typing', typing: true });
  await winner.page.locator('.typing', { hasText: 'is typing' }).waitFor({ timeout: SOON });
  visitor.say('I want to book <script>alert(1)</script>');
  await winner.line('I want to book <script>alert(1)</script>').waitFor({ timeout: SOON });
  await winner.lastLineShown();
  assert.equal(await winner.page.locator('.transcript script').count(), 0);

  // An internal note reaches co-workers, never the visitor.
  await loser.write('VIP customer, be nice', { note: true });
  await winner.page.locator('.transcript li.internal', { hasText: 'VIP customer, be nice' }).waitFor({ timeout: SOON });
  await winner.page.locator('.transcript li.internal .tag', { hasText: 'Agents only' }).first().waitFor();
  await winner.write('Let me check that for you.');
  await visitor.waitEvent('agent_message', { pred: (e) => e.text === 'Let me check that for you.' });
  assert.ok(!visitor.events().some((e) => e.type === 'internal_comment'), 'internal notes stay internal');

  // The visitor panel: name, email, device from the user agent, page and referrer.
  const panel = winner.page.locator('.visitor-panel');
  await panel.getByText('vera@example.com').waitFor();
  await panel.getByText('Safari 17 on iOS · Phone').waitFor();
  await panel.getByText('https://shop.example/tours').waitFor();
  await panel.getByText('https://search.example/?q=kayak').waitFor();
  await assertAccessible(winner.page, 'live chat (holder)');
  await assertAccessible(loser.page, 'live chat (co-worker, read-only)');

  assert.deepEqual([...ann.errors, ...bob.errors], []);
  visitor.close();
  await ann.close();
  await bob.close();
});
