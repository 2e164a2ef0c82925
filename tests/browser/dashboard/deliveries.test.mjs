// Settings → Failed deliveries (issue 10): a ticket webhook whose receiver answers 500 is listed
// for the admin while it is retried (what, the chat, tries, the receiver's answer, when it is
// tried next), and leaves the list once the receiver accepts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, createSite, Visitor, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a failing webhook is listed while retried and gone once it arrives', async () => {
  let status = 500;
  let received = 0;
  const receiver = createServer((req, res) => {
    received += 1;
    req.resume();
    req.on('end', () => res.writeHead(status).end(status === 500 ? 'receiver down' : ''));
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${receiver.address().port}/hooks/tickets`;
  const site = await createSite({ settings: { ticket_webhook_url: url } });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const page = ann.page;
  const visitor = await Visitor.start(site.id);
  try {
    visitor.leaveMessage('Vera', 'vera@example.com', 'Please call me back');
    await visitor.waitEvent('ticket_created');
    const deadline = Date.now() + SOON;
    while (received === 0) {
      assert.ok(Date.now() < deadline, 'the webhook was never tried');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await ann.tab('settings');
    const section = page.locator('section.deliveries');
    const row = section.locator('tbody tr', { hasText: 'Ticket webhook' });
    // Recorded right after the failed attempt: refresh until it shows.
    for (let i = 0; i < 50 && !(await row.count()); i += 1) {
      await section.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
    }
    await row.waitFor({ timeout: SOON });
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0], 'Ticket webhook');
    assert.match(cells[2], /^\d+ attempts?$/);
    assert.match(cells[3], /500/);
    assert.match(cells[4], /^(Retried again in|Being retried)/);
    assert.ok((await row.locator('a').getAttribute('href')).endsWith(`/${visitor.id}`));
    await assertAccessible(page, 'Settings with a failed delivery');

    // The receiver is back: the retry arrives and the list empties.
    status = 204;
    const empty = section.locator('p.empty', { hasText: 'Nothing failed' });
    for (let i = 0; i < 100 && !(await empty.count()); i += 1) {
      await section.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(300);
    }
    await empty.waitFor({ timeout: SOON });
  } finally {
    visitor.close();
    await ann.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
