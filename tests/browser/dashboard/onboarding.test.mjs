// Issue 17 in Chromium, from an account that does not exist yet: sign up on the dashboard,
// verify by the link the edge emailed, create a site in the first-run guide, put the tag on a
// test page served on loopback and watch the guide turn green, import a CSV with one bad row
// (reported, the rest previewed), try the bot, save, and ask the widget one of the imported
// questions on that page. The edge runs with SIGNUP=open (scripts/edge-dev.sh); the sign-up
// screens and the guide are checked with axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, assertAccessible, unique, EDGE, SOON } from './harness.mjs';
import { waitForMail } from '../mail.mjs';
import { WidgetPage } from '../widget/widget_page.mjs';

let browser;
let server;
let host;
let siteForPage = '';
before(async () => {
  browser = await launch();
  // The customer's page: another origin (another port) than the edge, with the one-line tag.
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Vera's Kayaks</title></head><body>
      <main><h1>Vera's Kayaks</h1><p>Paddle the fjord.</p></main>
      <script src="${EDGE}/widget.js" data-site="${siteForPage}" async></script></body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  server?.close();
});

const CSV = [
  'question,answer,more phrasings',
  'Do you rent kayaks?,"Yes, single and double kayaks from 300 NOK a day.",Kayak rental|Can I hire a kayak?',
  'What about a row without an answer?,',
  'Where do we meet?,At the boathouse on Strandkaia 12.',
].join('\n');

test('a business signs up, sets up its site and its FAQ, and the widget answers from it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${EDGE}/app/`);
  await page.getByRole('link', { name: 'New here? Create an account' }).click();
  const email = `${unique('vera')}@kayaks.example`;
  await page.getByLabel('Your name').fill('Vera Lind');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password (8 characters or more)').fill('paddle all summer');
  await assertAccessible(page, 'sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.sent', { hasText: email }).waitFor({ timeout: SOON });

  // The emailed one-time link, opened in the browser.
  const [mail] = await waitForMail((m) => m.to.includes(email) && m.text.includes('#verify='));
  const link = mail.text.match(/https?:\/\/\S+#verify=[0-9a-f]+/)[0];
  await page.goto(link);
  await page.getByLabel('Password').fill('paddle all summer');
  await page.getByRole('button', { name: 'Confirm and continue' }).click();
  await page.getByRole('heading', { name: 'Set up your site' }).waitFor({ timeout: SOON });

  // 1. The site.
  const siteId = unique('kayaks');
  await page.getByLabel('Name (visitors see it)').fill("Vera's Kayaks");
  await page.getByLabel(/^Id/).fill(siteId);
  await page.getByLabel(/address\(es\)/).fill(host);
  await assertAccessible(page, 'guide: create site');
  await page.getByRole('button', { name: 'Create site' }).click();
  const tag = await page.locator('#site-tag').inputValue({ timeout: SOON });
  assert.equal(tag, `<script src="${EDGE}/widget.js" data-site="${siteId}" async></script>`);
  assert.equal(await page.locator('.connection.connected').count(), 0, 'not green before the tag loads');

  // 2. The tag on the customer's page: the widget loads there, the guide turns green.
  siteForPage = siteId;
  const visitorContext = await browser.newContext();
  const widget = new WidgetPage(await visitorContext.newPage(), host, siteId);
  await widget.page.goto(`${host}/`);
  await widget.intent();
  await page.locator('.connection.connected', { hasText: host }).waitFor({ timeout: SOON });
  await visitorContext.close();

  // 3. Language, contact details, live chat.
  await page.getByLabel('Language of the chat').selectOption('en');
  await page.getByLabel(/Contact details/).fill('Call us on +47 912 34 567.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('✓ Saved.').waitFor({ timeout: SOON });

  // 4. The FAQ: a CSV with one bad row; the bad row is reported, the others previewed.
  await page.getByLabel('Paste it here').fill(CSV);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.locator('.found', { hasText: '2 entries found, 1 refused.' }).waitFor({ timeout: SOON });
  const refused = await page.locator('.import-errors li').allInnerTexts();
  assert.equal(refused.length, 1);
  assert.match(refused[0], /^Row 3: .*no answer/);
  assert.equal(await page.getByLabel('Questions (one per line)').first().inputValue(),
    'Do you rent kayaks?\nKayak rental\nCan I hire a kayak?');
  // Tried before going live: one it answers, one it would not.
  await page.getByLabel('Try the bot: ask what your visitors ask').fill('can I hire a kayak?');
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.locator('.trial.answered', { hasText: 'from 300 NOK a day' }).waitFor({ timeout: SOON });
  await page.getByLabel('Try the bot: ask what your visitors ask').fill('do you sell bicycles?');
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.locator('.trial.unanswered', { hasText: 'It would not answer this' }).waitFor({ timeout: SOON });
  await assertAccessible(page, 'guide: FAQ preview');
  await page.getByRole('button', { name: 'Save 2 entries' }).click();
  await page.locator('.saved', { hasText: 'Saved 2 entries' }).waitFor({ timeout: SOON });

  // A visitor on the customer's page asks one of the imported questions.
  const askContext = await browser.newContext();
  const visitor = new WidgetPage(await askContext.newPage(), host, siteId);
  await visitor.page.goto(`${host}/`);
  await visitor.intent();
  await visitor.open();
  await visitor.send('Where do we meet?');
  await visitor.see('At the boathouse on Strandkaia 12.');
  await askContext.close();

  // The guide hands over to the dashboard of the new site.
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
  await page.waitForURL(new RegExp(`#/${siteId}/active`), { timeout: SOON });
  await context.close();
});
