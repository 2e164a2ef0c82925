// Tickets answered by email, from the dashboard: the agent opens a ticket's email thread and
// answers; the visitor receives exactly that email (read from what wrangler dev would send) and
// replies to its signed Reply-To address; the reply shows in the thread, and a closed ticket is
// open again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, SOON, EDGE, unique } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';
import { waitForMail } from '../mail.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an agent answers a ticket by email and the visitor\'s reply threads back', async () => {
  const site = await createSite();
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const email = `${unique('lea')}@visitor.example`;
  const visitor = await Visitor.start(site.id);
  visitor.leaveMessage('Lea', email, 'Can I bring my dog on the <b>tour</b>?');
  await visitor.waitEvent('ticket_created');

  await ann.tab('tickets');
  const ticket = ann.page.locator('.ticket', { hasText: 'Lea' });
  await ticket.waitFor({ timeout: SOON });
  await ticket.getByText('Email thread').click();
  await ticket.getByText('No emails yet.').waitFor({ timeout: SOON });
  await ticket.getByLabel('Answer by email').fill('Yes, dogs are welcome on a leash.');
  await ticket.getByRole('button', { name: 'Send answer' }).click();
  await ann.page.getByText('Answer sent by email.').waitFor({ timeout: SOON });
  await ticket.locator('.thread-message.from-agent', { hasText: 'dogs are welcome' }).waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'ticket thread');

  const mails = await waitForMail((m) => m.to.includes(email));
  assert.equal(mails.length, 1, 'one email for one answer');
  const [mail] = mails;
  assert.ok(mail.text.startsWith('Yes, dogs are welcome on a leash.'), mail.text);
  assert.ok(!mail.html.includes('<b>tour</b>'), 'visitor text is escaped in the HTML part');
  assert.match(mail.replyTo, /^ticket\+[0-9a-f]+\.[0-9a-f]{32}@/);

  // The agent closes it; the visitor's reply opens it again and shows in the thread.
  await ticket.getByRole('button', { name: 'Close ticket' }).click();
  await ticket.waitFor({ state: 'detached', timeout: SOON });
  const raw = [
    `From: Lea <${email}>`, `To: <${mail.replyTo}>`, 'Subject: Re: your message',
    `Message-ID: <${unique('reply')}@visitor.example>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '',
    'Wonderful, see you Saturday!', '', `On Wed, 2 Dec 2026, Ann <${mail.from}> wrote:`, '> Yes, dogs are welcome',
  ].join('\r\n');
  const url = `${EDGE}/cdn-cgi/handler/email?from=${encodeURIComponent(email)}&to=${encodeURIComponent(mail.replyTo)}`;
  const delivered = await fetch(url, { method: 'POST', body: raw });
  assert.equal(delivered.status, 200, await delivered.text());

  await ann.page.reload();
  await ann.tab('tickets');
  const reopened = ann.page.locator('.ticket', { hasText: 'Lea' });
  await reopened.waitFor({ timeout: SOON });
  await reopened.getByText('Email thread').click();
  const reply = reopened.locator('.thread-message.from-visitor');
  await reply.waitFor({ timeout: SOON });
  assert.equal((await reply.locator('.ticket-message').textContent()).trim(), 'Wonderful, see you Saturday!');
  visitor.close();
  await ann.close();
});
