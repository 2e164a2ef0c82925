// Admin screens: the knowledge base (the bot answers from a new entry in the next chat), agents
// (add with a first password, change role, remove), statistics as charts, and what a
// non-admin may not do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { launch, createSite, Visitor, assertAccessible, api, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('knowledge base and agents, as an admin', async () => {
  const site = await createSite({
    agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob', role: 'agent' }],
  });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  await ann.tab('settings');
  await ann.button('Add entry').click();
  await ann.page.getByLabel('Entry 1: questions (one per line)').fill('Do you have life jackets?\nlife vests');
  await ann.page.getByLabel('Entry 1: answer').fill('Yes, life jackets for all ages are included.');
  await ann.button('Save settings').click();
  await ann.page.locator('.status', { hasText: 'Settings saved' }).waitFor({ timeout: SOON });
  const visitor = await Visitor.start(site.id);
  visitor.say('do you have life jackets?');
  await visitor.waitEvent('bot_message', { pred: (e) => e.text === 'Yes, life jackets for all ages are included.' });
  visitor.close();

  // Add an agent: a new account gets a first password, shown once.
  const email = `cat@${site.id}.example`;
  const form = ann.page.getByRole('form', { name: 'Add an agent' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name shown to visitors').fill('Cat');
  await form.getByRole('button', { name: 'Add agent' }).click();
  const outcome = await ann.page.locator('.outcome', { hasText: 'First password (shown once):' }).innerText({ timeout: SOON });
  const password = outcome.split('(shown once): ')[1].trim();
  const row = ann.page.locator('tr', { hasText: email });
  await row.waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'Settings with agents');

  // The new agent signs in with it and sees the site.
  const cat = await AgentPage.open(browser, site, { email, password });
  assert.equal(await cat.page.locator('#site-select').inputValue(), site.id);
  await cat.close();

  // Make Cat an admin, then remove Cat from the site.
  await row.getByLabel('Role of Cat').selectOption('admin');
  await row.getByRole('button', { name: 'Save' }).click();
  await ann.page.locator('.status', { hasText: 'Saved Cat.' }).waitFor({ timeout: SOON });
  const listed = await api(site.agents[0].token, 'GET', `/api/v1/sites/${site.id}/agents`);
  assert.equal(listed.body.find((a) => a.email === email).role, 'admin');
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached', timeout: SOON });
  // The last admin cannot be removed or demoted.
  const self = await api(site.agents[0].token, 'DELETE', `/api/v1/sites/${site.id}/agents/${site.agents[0].id}`);
  assert.equal(self.status, 409);
  assert.deepEqual(ann.errors, []);
  await ann.close();
});

test('a non-admin sees no settings and cannot change them', async () => {
  const site = await createSite({
    agents: [{ name: 'Ann', role: 'admin' }, { name: 'Bob', role: 'agent' }],
  });
  const bob = await AgentPage.open(browser, site, site.agents[1]);
  await bob.tab('settings');
  await bob.page.getByText('Only an admin of this site can change its settings.').waitFor({ timeout: SOON });
  await assertAccessible(bob.page, 'Settings (not admin)');
  const statuses = await bob.page.evaluate(async (s) => ({
    put: (await fetch(`/api/v1/sites/${s}/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    agents: (await fetch(`/api/v1/sites/${s}/agents`)).status,
  }), site.id);
  assert.deepEqual(statuses, { put: 403, agents: 403 });
  await bob.close();
});

test('statistics for a period, as SVG charts', async () => {
  const site = await createSite({ settings: { wait_notice_ms: 500, leave_message_offer_ms: 500, time_to_accept_ms: 1500 } });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  // One chat accepted after a moment, one missed.
  const accepted = await Visitor.start(site.id);
  await accepted.queue('Gus', 'gus@example.com');
  await ann.openChat(accepted.id);
  await ann.button('Accept').click();
  await accepted.waitEvent('agent_joined');
  const missed = await Visitor.start(site.id);
  await missed.queue('Hal', 'hal@example.com');
  await missed.waitEvent('missed');
  // One the bot handles alone: it counts too (the handoff rate is not 100 %).
  const botOnly = await Visitor.start(site.id);
  botOnly.say('hello there');
  await botOnly.waitEvent('bot_message');
  // One that opens the widget and writes nothing is not a conversation.
  const silent = await Visitor.start(site.id);
  // Facts arrive through each conversation's outbox: wait until the edge has all three.
  const counted = async () => {
    const path = `/api/v1/sites/${site.id}/stats?from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}`;
    const { body } = await api(site.agents[0].token, 'GET', path);
    return body.pending === 0 ? body.facts.length : -1;
  };
  for (const deadline = Date.now() + SOON; (await counted()) !== 3;) {
    assert.ok(Date.now() < deadline, `three conversations counted: ${await counted()}`);
    await delay(100);
  }

  await ann.tab('stats');
  const tile = (label) => ann.page.locator('.tiles li', { hasText: label }).locator('.tile-value');
  await ann.page.locator('.tiles li', { hasText: 'Conversations' }).locator('.tile-value', { hasText: '3' }).waitFor({ timeout: SOON });
  assert.equal(await tile('Handoff rate').innerText(), '67 %');
  assert.equal(await tile('Resolved by the bot').innerText(), '33 %');
  assert.equal(await tile('Missed rate').innerText(), '50 %');
  assert.match(await tile('Median time to accept').innerText(), /^\d+ s$/);
  // Per day: chats, time to accept, rates; by hour of day: time to accept, accepted and missed.
  assert.equal(await ann.page.locator('svg[role="img"]').count(), 5);
  assert.ok(await ann.page.locator('svg rect.s-human').count() >= 1, 'today has a bar');
  const byHour = ann.page.locator('svg[aria-label^="Queued chats by hour of day"]');
  assert.equal(await byHour.locator('rect.s-missed').count(), 1, 'one missed chat, in one hour');
  assert.equal(await byHour.locator('rect.s-human').count(), 1, 'one accepted chat');
  const [download] = await Promise.all([
    ann.page.waitForEvent('download', { timeout: SOON }),
    ann.button('Download CSV').click(),
  ]);
  assert.match(download.suggestedFilename(), /^statistics-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  assert.equal(rows[0], 'date,conversations,handoffs,resolved_by_bot,queued,missed,median_seconds_to_accept,rated,average_rating');
  assert.equal(rows.length, 8, 'a header and seven days');
  assert.match(rows[7], /^\d{4}-\d{2}-\d{2},3,2,1,2,1,\d+\.\d,0,$/, 'today, with every figure');
  await assertAccessible(ann.page, 'Statistics');
  await ann.button('30 days').click();
  await ann.page.locator('svg[role="img"]').first().waitFor();
  assert.deepEqual(ann.errors, []);
  accepted.close();
  missed.close();
  botOnly.close();
  silent.close();
  await ann.close();
});
