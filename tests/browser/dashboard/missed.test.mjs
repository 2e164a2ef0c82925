// A chat nobody accepts becomes Missed and can be reviewed & archived; a left message is a
// ticket that can be closed; a settings change (time to accept) changes the next chat's ladder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const FAST = { wait_notice_ms: 1000, leave_message_offer_ms: 1000, time_to_accept_ms: 3000 };

test('missed, review & archive, tickets, and a settings change reaching the next ladder', async () => {
  const site = await createSite({ settings: FAST });
  const ann = await AgentPage.open(browser, site, site.agents[0]);

  // Nobody accepts: missed after the time to accept.
  const first = await Visitor.start(site.id);
  const waiting = await first.queue('Mia', 'mia@example.com');
  await ann.row('Mia').waitFor({ timeout: SOON });
  const missed = await first.waitEvent('missed', { timeout: SOON });
  const firstLadder = missed.at - waiting.at;
  // Lower bounds are the rule; upper bounds leave room for a busy machine yet keep 3 s and 6 s apart.
  assert.ok(firstLadder >= 3000 && firstLadder < 6000, `missed after ${firstLadder} ms`);
  await ann.row('Mia').waitFor({ state: 'detached', timeout: SOON });

  await ann.tab('missed');
  await ann.row('Mia').waitFor({ timeout: SOON });
  await ann.page.locator('nav.tabs a[href$="/missed"] .count', { hasText: '1' }).waitFor();
  await assertAccessible(ann.page, 'Missed');
  await ann.row('Mia').click();
  await ann.chatStatus('Missed');
  await ann.line('Missed: nobody accepted in time').waitFor();
  await assertAccessible(ann.page, 'missed chat');
  await ann.button('Review & archive').click();
  await ann.row('Mia').waitFor({ state: 'detached', timeout: SOON });
  await ann.tab('archived');
  await ann.row('Mia').waitFor({ timeout: SOON });

  // Leaving a message while waiting makes a ticket.
  const second = await Visitor.start(site.id);
  await second.queue('Noah', 'noah@example.com');
  second.leaveMessage('Noah', 'noah@example.com', 'Please call me about the <i>family</i> tour.');
  await second.waitEvent('ticket_created');
  await ann.tab('tickets');
  const ticket = ann.page.locator('.ticket', { hasText: 'Noah' });
  await ticket.waitFor({ timeout: SOON });
  await ticket.getByText('Please call me about the <i>family</i> tour.').waitFor();
  await ann.page.locator('nav.tabs a[href$="/tickets"] .count', { hasText: '1' }).waitFor();
  await assertAccessible(ann.page, 'Tickets');
  await ticket.getByRole('button', { name: 'Close ticket' }).click();
  await ticket.waitFor({ state: 'detached', timeout: SOON });
  await ann.page.getByRole('button', { name: 'Closed', exact: true }).click();
  await ann.page.locator('.ticket', { hasText: 'Noah' }).waitFor({ timeout: SOON });

  // The admin doubles the time to accept; the next conversation runs the new ladder.
  await ann.tab('settings');
  const field = ann.page.getByLabel('Time to accept (seconds)');
  await field.waitFor({ timeout: SOON });
  assert.equal(await field.inputValue(), '3');
  await assertAccessible(ann.page, 'Settings');
  await field.fill('6');
  await ann.button('Save settings').click();
  await ann.page.locator('.status', { hasText: 'Settings saved' }).waitFor({ timeout: SOON });
  const third = await Visitor.start(site.id);
  const queued = await third.queue('Olga', 'olga@example.com');
  const late = await third.waitEvent('missed', { timeout: 15_000 });
  const secondLadder = late.at - queued.at;
  assert.ok(secondLadder >= 6000 && secondLadder < 9000, `missed after ${secondLadder} ms`);

  assert.deepEqual(ann.errors, []);
  for (const v of [first, second, third]) v.close();
  await ann.close();
});
