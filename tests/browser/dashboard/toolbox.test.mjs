// The agent's toolbox in the dashboard (issue 12): a visitor asks the bot two questions it
// answers and one it cannot, then asks for a person; the agent sees a handoff summary with
// exactly those facts, suggestions for the visitor's next question include the right entry
// (one click puts it in the composer), the KB search finds entries, and `/` inserts a canned
// reply (added under Settings) with the visitor's name filled in. The journey's files are in
// attachments.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, api, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KB = [
  { questions: ['Do you rent kayaks?', 'kayak rental', 'can I hire a kayak'], answer: 'Yes, single and double kayaks from 25 EUR a day.' },
  { questions: ['Where do we meet?', 'meeting point', 'where does the tour start'], answer: 'At the boathouse on Harbour Road 4.' },
  { questions: ['Can I cancel my booking?', 'refund', 'money back', 'cancellation policy'], answer: 'Free cancellation up to 48 hours before the tour.' },
];

test('summary, suggestions, KB search and a canned reply with the visitor name', async () => {
  const site = await createSite({ settings: { knowledge_base: KB } });
  const [annAgent] = site.agents;
  const ann = await AgentPage.open(browser, site, annAgent);
  const page = ann.page;

  // A site-wide canned reply, added on the Settings screen.
  await ann.tab('settings');
  await page.locator('#canned-shortcut').fill('hello');
  await page.locator('#canned-text').fill('Hi {visitor.name}, {agent.name} here. How can I help?');
  await page.getByRole('button', { name: 'Add canned reply' }).click();
  await page.locator('.canned-table td.shortcut', { hasText: '/hello' }).waitFor({ timeout: SOON });
  await assertAccessible(page, 'Settings with canned replies');
  await ann.tab('active');

  const visitor = await Visitor.start(site.id);
  try {
  const asked = [
    ['Do you rent kayaks?', (e) => e.text.includes('single and double')],
    ['where is the meeting point?', (e) => e.text.includes('Harbour Road')],
    ['Is the lake warm enough for swimming in October?', (e) => e.offer_human],
  ];
  for (const [question, answered] of asked) {
    const after = visitor.lastSeq();
    visitor.say(question);
    await visitor.waitEvent('bot_message', { afterSeq: after, pred: answered });
  }
  visitor.say('can I talk to a person?');
  await visitor.waitEvent('contact_requested');
  visitor.contact('Vera', 'vera@example.com');
  await visitor.waitEvent('waiting');

  await ann.row('Vera').waitFor({ timeout: SOON });
  await ann.openChat(visitor.id);
  const summary = page.locator('.handoff-summary');
  await summary.waitFor({ timeout: SOON });
  assert.equal(await summary.locator('.reason').innerText(), 'The visitor asked for a person.');
  const questions = await summary.locator('.questions li').evaluateAll((items) => items.map((li) => [
    li.querySelector('.asked').textContent, li.querySelector('.outcome').textContent,
  ]));
  assert.deepEqual(questions, [
    ['Do you rent kayaks?', 'Answered: “Do you rent kayaks?”'],
    ['where is the meeting point?', 'Answered: “Where do we meet?”'],
    ['Is the lake warm enough for swimming in October?', 'Not answered'],
  ]);
  const facts = await summary.locator('.facts').innerText();
  assert.match(facts, /Page: https:\/\/shop\.example\/tours/);
  assert.match(facts, /Language: en/);
  assert.match(facts, /Waited \d+ s/);

  await page.getByRole('button', { name: 'Accept', exact: true, disabled: false }).waitFor({ timeout: SOON });
  await ann.button('Accept').click();
  await visitor.waitEvent('agent_joined');

  // The visitor's next question: the right entry is suggested; a click puts it in the composer.
  visitor.say('can I get my money back?');
  const suggestion = page.locator('.suggestions .suggestion-list[aria-label="Suggested answers"] .suggestion', { hasText: 'Can I cancel my booking?' });
  await suggestion.waitFor({ timeout: SOON });
  await suggestion.click();
  assert.equal(await page.locator('#composer-text').inputValue(), 'Free cancellation up to 48 hours before the tour.');

  // The KB search box.
  await page.locator('#kb-search').fill('meeting point');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.suggestion-list[aria-label="Search results"] .suggestion', { hasText: 'Where do we meet?' }).waitFor({ timeout: SOON });
  await assertAccessible(page, 'chat with summary and suggestions');

  // `/` opens the canned list, keyboard only: filter, Enter inserts with the name filled in.
  const composer = page.locator('#composer-text');
  await composer.fill('');
  await composer.pressSequentially('/hel');
  await page.locator('#canned-list [role=option][aria-selected=true]', { hasText: '/hello' }).waitFor({ timeout: SOON });
  await assertAccessible(page, 'canned reply picker');
  await composer.press('Enter');
  assert.equal(await composer.inputValue(), 'Hi Vera, Ann here. How can I help?');
  const after = visitor.lastSeq();
  await composer.press('Enter');
  const sent = await visitor.waitEvent('agent_message', { afterSeq: after });
  assert.equal(sent.text, 'Hi Vera, Ann here. How can I help?');

  // The insertion was counted.
  const { body: replies } = await api(annAgent.token, 'GET', `/api/v1/sites/${site.id}/canned-replies`);
  assert.equal(replies.find((r) => r.shortcut === 'hello').uses, 1);
  assert.deepEqual(ann.errors, []);
  } finally {
    // An open socket would keep node alive past a failure.
    visitor.close();
    await ann.close();
  }
});
