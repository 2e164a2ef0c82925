// Auto-assign: a waiting chat goes straight to the least-loaded available agent, whose
// dashboard says so (sound, notification, "You" in Active) while co-workers see who has it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('auto-assign: the assigned agent is told, co-workers see who holds it', async () => {
  const site = await createSite({
    settings: { auto_assign: true },
    agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob', role: 'agent' }],
  });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const bob = await AgentPage.open(browser, site, site.agents[1]);
  await ann.tab('active');
  await bob.tab('active');
  const visitor = await Visitor.start(site.id);
  await visitor.queue('Lea', 'lea@example.com');
  const joined = await visitor.waitEvent('agent_joined');
  const [holder, other] = joined.agent.name === 'Ann' ? [ann, bob] : [bob, ann];
  await holder.page.waitForFunction(
    () => window.__baton.notifications.some((n) => n.title.includes('was assigned to you')),
    null,
    { timeout: SOON },
  );
  await holder.row('Lea').locator('.badge', { hasText: 'You' }).waitFor({ timeout: SOON });
  await other.row('Lea').locator('.badge', { hasText: `Live · ${joined.agent.name}` }).waitFor({ timeout: SOON });
  assert.equal((await other.notifications()).filter((n) => n.title.includes('assigned')).length, 0);
  await holder.row('Lea').click();
  await holder.chatStatus('You hold this chat');
  assert.deepEqual([...ann.errors, ...bob.errors], []);
  visitor.close();
  await ann.close();
  await bob.close();
});
