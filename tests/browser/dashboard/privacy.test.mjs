// Settings → Privacy: an admin looks a visitor up by email, exports everything (a JSON download
// holding the conversation's messages), erases it after a confirmation, and sees the erase log;
// a bad lookup is explained and erases nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, createSite, Visitor, assertAccessible, api, SOON, unique } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin exports and erases a visitor from Settings → Privacy', async () => {
  const site = await createSite();
  const email = `${unique('vera')}@example.com`;
  const visitor = await Visitor.start(site.id, { body: { name: 'Vera', email } });
  visitor.say('my order 4711 never came');
  await visitor.waitEvent('bot_message', { pred: (e) => e.seq > 1 });
  visitor.close();
  // The bot conversation is in the site's live rows only (no index row yet): found by email.
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  await ann.tab('settings');
  const privacy = ann.page.getByRole('region', { name: 'Privacy' });
  const lookup = privacy.getByLabel('Visitor email or conversation id');
  await lookup.fill('not an id');
  await privacy.getByRole('button', { name: 'Export' }).click();
  await privacy.getByRole('alert').filter({ hasText: 'conversation' }).waitFor({ timeout: SOON });

  await lookup.fill(email);
  const [download] = await Promise.all([
    ann.page.waitForEvent('download', { timeout: SOON }),
    privacy.getByRole('button', { name: 'Export' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'visitor-export.json');
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(exported.format, 'baton-visitor-export/1');
  assert.deepEqual(exported.conversations.map((c) => c.id), [visitor.id]);
  assert.ok(exported.conversations[0].events.some((e) => e.text === 'my order 4711 never came'));
  await assertAccessible(ann.page, 'Settings → Privacy');

  await privacy.getByRole('button', { name: 'Erase…' }).click();
  const confirm = privacy.getByRole('alertdialog');
  await confirm.getByText(`Erase everything stored about ${email}? This cannot be undone.`).waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'Erase confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached', timeout: SOON });
  const still = await api(site.agents[0].token, 'GET', `/api/v1/sites/${site.id}/conversations/${visitor.id}`);
  assert.equal(still.status, 200, 'a cancel erases nothing');

  await privacy.getByRole('button', { name: 'Erase…' }).click();
  await confirm.getByRole('button', { name: 'Erase for good' }).click();
  await ann.page.locator('.status', { hasText: 'Erased 1 conversation(s).' }).waitFor({ timeout: SOON });
  const entry = privacy.locator('.erase-log li').first();
  await entry.getByText('Ann erased 1 conversation (by email)').waitFor({ timeout: SOON });
  assert.ok(!(await entry.innerText()).includes(email), 'the log shows no email');
  const gone = await api(site.agents[0].token, 'GET', `/api/v1/sites/${site.id}/conversations/${visitor.id}`);
  assert.equal(gone.status, 404);
  await assertAccessible(ann.page, 'Erase log');
  assert.deepEqual(ann.errors, []);
  await ann.close();
});
