// Settings → Unanswered questions: a visitor asks something the bot misses, the admin sees it
// (with its count and a link to the conversation) and adds it to an entry in one step, with
// the keyboard; the next visitor asking the same gets that entry's answer. A second question
// becomes a new entry from the screen, a third is dismissed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, api, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PARKING = 'Free parking right by the lake.';

/** A new visitor asks `text`; resolves with the bot's answer to it. */
async function ask(site, text) {
  const visitor = await Visitor.start(site.id);
  visitor.say(text);
  const asked = await visitor.waitEvent('visitor_message');
  const answer = await visitor.waitEvent('bot_message', { afterSeq: asked.seq });
  visitor.close();
  return { id: visitor.id, text: answer.text };
}

/** Waits until the edge lists a group titled `title` (the outbox writes it after the answer). */
async function listed(token, site, title) {
  const deadline = Date.now() + SOON;
  for (;;) {
    const { status, body } = await api(token, 'GET', `/api/v1/sites/${site.id}/unanswered`);
    assert.equal(status, 200);
    const group = body.groups.find((g) => g.title === title);
    if (group) return group;
    if (Date.now() > deadline) throw new Error(`no group "${title}": ${JSON.stringify(body)}`);
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
}

test('a missed question, added to an entry by the admin, is answered for the next visitor', async () => {
  const site = await createSite({
    settings: {
      not_understood_limit: 0,
      knowledge_base: [
        { questions: ['What are your opening hours?'], answer: 'We are open from 9 to 17.' },
        { questions: ['Is there parking?'], answer: PARKING },
      ],
    },
    agents: [{ name: 'Ann', role: 'admin' }],
  });
  const token = site.agents[0].token;
  const missed = await ask(site, 'where do I leave my car');
  assert.notEqual(missed.text, PARKING, 'the bot did not know it yet');
  await ask(site, 'do you sell gift vouchers');
  await ask(site, 'is the moon made of cheese');
  await listed(token, site, 'where do I leave my car');
  await listed(token, site, 'do you sell gift vouchers');
  await listed(token, site, 'is the moon made of cheese');

  const ann = await AgentPage.open(browser, site, site.agents[0]);
  await ann.tab('settings');
  const section = ann.page.getByRole('region', { name: 'Unanswered questions' });
  // A group by its title: once an entry is made from a question, every other group's
  // "Add to entry" list names it too.
  const group = (title) => section.locator('.unanswered-group', { has: ann.page.locator('h3', { hasText: title }) });
  const car = group('where do I leave my car');
  await car.waitFor({ timeout: SOON });
  assert.match(await car.innerText(), /Asked once/);
  const link = car.getByRole('link', { name: 'Conversation 1' });
  assert.ok((await link.getAttribute('href')).endsWith(`/${missed.id}`), 'links to the conversation');
  await assertAccessible(ann.page, 'Settings with unanswered questions');

  // One step, by keyboard: choose the entry, then Enter on "Add to entry".
  await car.locator('select').selectOption({ label: '2. Is there parking?' });
  await car.getByRole('button', { name: 'Add to entry' }).focus();
  await ann.page.keyboard.press('Enter');
  await ann.page.locator('.status', { hasText: 'Added “where do I leave my car”' }).waitFor({ timeout: SOON });
  await car.waitFor({ state: 'detached', timeout: SOON });
  // The settings form above shows it too, so a later save keeps it.
  assert.match(await ann.page.getByLabel('Entry 2: questions (one per line)').inputValue(), /where do I leave my car/);
  const next = await ask(site, 'where do I leave my car');
  assert.equal(next.text, PARKING, 'the next visitor gets the entry\'s answer');

  // A new entry from the screen, then a dismiss.
  const gifts = group('do you sell gift vouchers');
  await gifts.getByLabel('Answer for a new entry').fill('Yes, at the front desk.');
  await gifts.getByRole('button', { name: 'New entry' }).click();
  await gifts.waitFor({ state: 'detached', timeout: SOON });
  assert.equal((await ask(site, 'do you sell gift vouchers')).text, 'Yes, at the front desk.');
  const moon = group('is the moon made of cheese');
  await moon.getByRole('button', { name: 'Dismiss' }).click();
  await section.getByText('No unanswered questions.').waitFor({ timeout: SOON });
  const settings = await api(token, 'GET', `/api/v1/sites/${site.id}/settings`);
  assert.equal(settings.body.knowledge_base.length, 3, 'dismissing adds nothing');
  assert.deepEqual(ann.errors, []);
  await ann.close();
});
