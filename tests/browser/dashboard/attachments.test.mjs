// Files in the dashboard (issue 12): a visitor's image shows as a thumbnail the agent can open;
// the agent attaches a PDF with the file button (keyboard reachable) and the visitor gets it as
// a download; a file on an internal note never reaches the visitor; a refused file is explained
// in words and nothing is posted. Then the journey across both real apps: the visitor
// pastes a screenshot into the widget on a customer's page and the agent sees its thumbnail;
// the agent sends a PDF and the visitor downloads it from the widget. The widget's own cases
// are in tests/browser/widget/attachments.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, EDGE, assertAccessible, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';
import { startHostServer, newPage } from '../widget/harness.mjs';
import { WidgetPage } from '../widget/widget_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A real 2×2 PNG (so the thumbnail has a size once decoded).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR42mP8z8DwnwEIGBkZGRkZAQAR9AL+VZ0gVQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

async function visitorSends(visitor, name, type, bytes) {
  const url = `${EDGE}/api/v1/conversations/${visitor.id}/attachments?token=${visitor.token}&name=${encodeURIComponent(name)}`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()).file;
}

test('an image from the visitor, a PDF to the visitor, a note file kept among agents', async () => {
  const site = await createSite({ settings: { time_to_accept_ms: 120000 } });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const page = ann.page;
  const visitor = await Visitor.start(site.id);
  try {
    await visitor.queue('Vera', 'vera@example.com');
    await ann.row('Vera').waitFor({ timeout: SOON });
    await ann.openChat(visitor.id);
    await page.getByRole('button', { name: 'Accept', exact: true, disabled: false }).waitFor({ timeout: SOON });
    await ann.button('Accept').click();
    await visitor.waitEvent('agent_joined');

    // The visitor's screenshot: a thumbnail that really loaded, linking to the full image.
    const image = await visitorSends(visitor, 'screenshot.png', 'image/png', PNG);
    const thumb = page.locator('.transcript img.thumb[alt="Image: screenshot.png"]');
    await thumb.waitFor({ timeout: SOON });
    await page.waitForFunction((img) => img.complete && img.naturalWidth === 2, await thumb.elementHandle(), { timeout: SOON });
    const href = await page.locator('.transcript a.file:has(img.thumb)').getAttribute('href');
    assert.ok(href.endsWith(`/attachments/${image.id}`), href);

    // Ann attaches a PDF from the keyboard-reachable file input.
    const input = page.locator('.composer input[type=file]');
    await input.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'file');
    await input.setInputFiles({ name: 'bill.pdf', mimeType: 'application/pdf', buffer: PDF });
    const sent = await visitor.waitEvent('attachment', { pred: (e) => e.file.name === 'bill.pdf' });
    assert.equal(sent.agent.name, site.agents[0].name);
    assert.equal(sent.file.inline, false);
    await page.locator('.attach-status', { hasText: 'bill.pdf sent.' }).waitFor({ timeout: SOON });
    const link = page.locator('.transcript a.file', { hasText: 'bill.pdf' });
    await link.waitFor({ timeout: SOON });
    assert.equal(await link.getAttribute('download'), 'bill.pdf');
    const download = await fetch(`${EDGE}/api/v1/conversations/${visitor.id}/attachments/${sent.file.id}?token=${visitor.token}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition'), /^attachment;/);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PDF);

    // A file the edge refuses (HTML dressed as a PNG) is explained; nothing is posted.
    await input.setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    await page.locator('.attach-status', { hasText: 'cat.png was not sent' }).waitFor({ timeout: SOON });

    // On an internal note, the file stays with the agents.
    await page.getByLabel('Internal note (agents only)').check();
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('customer since 2019') });
    await page.locator('.transcript li.internal a.file', { hasText: 'notes.txt' }).waitFor({ timeout: SOON });
    await assertAccessible(page, 'Chat with files');
    const mark = visitor.lastSeq();
    visitor.say('thank you');
    await visitor.waitEvent('visitor_message', { afterSeq: mark });
    const names = visitor.events().filter((e) => e.type === 'attachment').map((e) => e.file.name);
    assert.deepEqual(names, ['screenshot.png', 'bill.pdf']);
    assert.equal(await page.locator('.transcript a.file').count(), 3);
  } finally {
    visitor.close();
    await ann.close?.();
  }
});

test('widget to dashboard and back: a pasted screenshot, a PDF the visitor downloads', async () => {
  const host = await startHostServer();
  const site = await createSite({ settings: { time_to_accept_ms: 120000 } });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const page = ann.page;
  const visitorPage = await newPage(browser);
  try {
    const w = await new WidgetPage(visitorPage, host.base, site.id).goto('plain');
    await w.open();
    await w.send('can I talk to a person please?');
    await w.field('Name').fill('Vera');
    await w.field('Email').fill('vera@example.com');
    await w.button('Start chat').click();
    await w.see('Please wait while we connect you to an agent.');
    const { id } = await w.conversation();
    await ann.row('Vera').waitFor({ timeout: SOON });
    await ann.openChat(id);
    await page.getByRole('button', { name: 'Accept', exact: true, disabled: false }).waitFor({ timeout: SOON });
    await ann.button('Accept').click();
    await w.see(`${site.agents[0].name} joined the chat`);

    // The visitor pastes a screenshot into the message box.
    await w.input.focus();
    await visitorPage.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      const input = document.querySelector('baton-chat').shadowRoot.querySelector('#bw-input');
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    const thumb = page.locator('.transcript img.thumb[alt="Image: screenshot.png"]');
    await thumb.waitFor({ timeout: SOON });
    await page.waitForFunction((img) => img.complete && img.naturalWidth === 2, await thumb.elementHandle(), { timeout: SOON });

    // The agent sends a PDF; the visitor's widget shows it and it downloads whole.
    await page.locator('.composer input[type=file]').setInputFiles({ name: 'bill.pdf', mimeType: 'application/pdf', buffer: PDF });
    const link = (await w.see('bill.pdf')).locator('a');
    const href = await link.getAttribute('href');
    const fromPage = await visitorPage.evaluate(async (url) => {
      const r = await fetch(url);
      return [r.status, Array.from(new Uint8Array(await r.arrayBuffer()))];
    }, href);
    assert.equal(fromPage[0], 200);
    assert.deepEqual(Buffer.from(fromPage[1]), PDF);
    const direct = await fetch(href);
    assert.match(direct.headers.get('content-disposition'), /^attachment;.*bill\.pdf/);
    assert.deepEqual(visitorPage.errors, []);
  } finally {
    await visitorPage.context().close();
    await host.close();
  }
});
