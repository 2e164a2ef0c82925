// Monitor a bot conversation, take control without a visitor request, leave & archive (the bot
// answers again), find it under Archived and join it again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KB = [{ questions: ['Do you rent kayaks?'], answer: 'Yes, single and double kayaks from 9 to 17.' }];

test('monitor, take control, leave & archive, join from Archived', async () => {
  const site = await createSite({ settings: { knowledge_base: KB } });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  await ann.tab('monitor');

  const visitor = await Visitor.start(site.id);
  // A new bot conversation lights the Monitor indicator and appears in the list.
  await ann.page.locator('nav.tabs a[href$="/monitor"] .live-dot').waitFor({ timeout: SOON });
  visitor.say('Do you rent kayaks?');
  await visitor.waitEvent('bot_message', { pred: (e) => e.text.startsWith('Yes, single') });
  const row = ann.page.locator('.rows .row').first();
  await row.waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'Monitor');
  await row.click();
  await ann.page.locator('nav.tabs a[href$="/monitor"] .live-dot').waitFor({ state: 'detached', timeout: SOON });

  // The whole history, bot part included, then live messages as they happen.
  await ann.line('Yes, single and double kayaks from 9 to 17.').waitFor({ timeout: SOON });
  await ann.chatStatus('The bot is answering');
  visitor.say('and how much is it?');
  await ann.line('and how much is it?').waitFor({ timeout: SOON });

  await ann.button('Take control').click();
  const joined = await visitor.waitEvent('agent_joined');
  assert.equal(joined.agent.name, 'Ann');
  await ann.chatStatus('You hold this chat');
  await ann.write('Hi! Ann here, 40 € per day.');
  await visitor.waitEvent('agent_message', { pred: (e) => e.text === 'Hi! Ann here, 40 € per day.' });
  await ann.tab('active');
  await ann.row('Visitor').waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'Active with a live chat');

  // Leave & archive: the visitor is back with the bot.
  await ann.openChat(visitor.id);
  const seq = visitor.lastSeq();
  await ann.button('Leave & archive').click();
  await visitor.waitEvent('agent_left', { afterSeq: seq });
  await ann.chatStatus('Archived');
  visitor.say('Do you rent kayaks?');
  await visitor.waitEvent('bot_message', { afterSeq: seq, pred: (e) => e.text.startsWith('Yes, single') });

  // Under Archived, from where it can be joined again.
  await ann.go(`#/${site.id}/archived`);
  await ann.page.locator('.rows .row .badge', { hasText: 'Archived' }).waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'Archived');
  await ann.page.locator('.rows .row').first().click();
  const again = visitor.lastSeq();
  await ann.button('Join').click();
  await visitor.waitEvent('agent_joined', { afterSeq: again });
  await ann.chatStatus('You hold this chat');
  // Joined again: it left Archived for Active.
  await ann.page.locator('.rows .row').waitFor({ state: 'detached', timeout: SOON });

  assert.deepEqual(ann.errors, []);
  visitor.close();
  await ann.close();
});
