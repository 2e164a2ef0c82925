// Max concurrent chats refuses a further accept clearly; an agent of site A can neither see nor
// act on site B (in the dashboard and through the API); signing out ends the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, createSite, Visitor, assertAccessible, api, EDGE, SOON } from './harness.mjs';
import { AgentPage } from './agent_page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('max concurrent chats refuses a further accept with a clear message', async () => {
  const site = await createSite({ agents: [{ name: 'Ann', role: 'admin', max_chats: 1 }] });
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const first = await Visitor.start(site.id);
  await first.queue('Uma', 'uma@example.com');
  const second = await Visitor.start(site.id);
  await second.queue('Ida', 'ida@example.com');
  await ann.openChat(first.id);
  await ann.button('Accept').click();
  await first.waitEvent('agent_joined');
  await ann.openChat(second.id);
  await ann.button('Accept').click();
  await ann.page.getByRole('alert').filter({ hasText: 'You cannot take another chat' }).waitFor({ timeout: SOON });
  await ann.chatStatus('Waiting for an agent');
  await assertAccessible(ann.page, 'refused accept');
  assert.ok(!second.events().some((e) => e.type === 'agent_joined'));
  first.close();
  second.close();
  await ann.close();
});

test('an agent of site A cannot see or act on site B', async () => {
  const a = await createSite({ agents: [{ name: 'Ann', role: 'admin' }] });
  const b = await createSite({ agents: [{ name: 'Zed', role: 'admin' }] });
  const ann = await AgentPage.open(browser, a, a.agents[0]);
  const visitorOfB = await Visitor.start(b.id);
  visitorOfB.say('hello');
  await visitorOfB.waitEvent('visitor_message');

  // The switcher only offers A; B's lists are not reachable through the URL either.
  const options = await ann.page.locator('#site-select option').allTextContents();
  assert.equal(options.length, 1);
  await ann.go(`#/${b.id}/active`);
  await ann.page.getByRole('heading', { name: 'No access' }).waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'no access');
  await ann.go(`#/${b.id}/active/${visitorOfB.id}`);
  await ann.page.getByRole('heading', { name: 'No access' }).waitFor({ timeout: SOON });

  // The API, with the dashboard's own session cookie.
  const zed = b.agents[0];
  const statuses = await ann.page.evaluate(async ({ b, a, conversation, zedId }) => {
    const call = async (method, path, body) => (await fetch(path, {
      method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    })).status;
    return {
      list: await call('GET', `/api/v1/sites/${b}/conversations?list=active`),
      history: await call('GET', `/api/v1/sites/${b}/conversations/${conversation}`),
      viaOwnSite: await call('GET', `/api/v1/sites/${a}/conversations/${conversation}`),
      tickets: await call('GET', `/api/v1/sites/${b}/tickets`),
      settings: await call('PUT', `/api/v1/sites/${b}/settings`, { live_chat: false }),
      stats: await call('GET', `/api/v1/sites/${b}/stats?from=0&to=1000`),
      agents: await call('GET', `/api/v1/sites/${b}/agents`),
      addAgent: await call('POST', `/api/v1/sites/${b}/agents`, { email: 'x@y.example', name: 'X', role: 'admin' }),
      demote: await call('PATCH', `/api/v1/sites/${b}/agents/${zedId}`, { role: 'agent' }),
      demoteViaOwnSite: await call('PATCH', `/api/v1/sites/${a}/agents/${zedId}`, { role: 'agent' }),
      removeViaOwnSite: await call('DELETE', `/api/v1/sites/${a}/agents/${zedId}`),
    };
  }, { b: b.id, a: a.id, conversation: visitorOfB.id, zedId: zed.id });
  assert.deepEqual(statuses, {
    list: 403, history: 403, viaOwnSite: 404, tickets: 403, settings: 403, stats: 403,
    agents: 403, addAgent: 403, demote: 403, demoteViaOwnSite: 404, removeViaOwnSite: 404,
  });
  const socket = await ann.page.evaluate((b) => new Promise((resolve) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/v1/sites/${b}/ws`);
    ws.onopen = () => resolve('open');
    ws.onclose = () => resolve('refused');
  }), b.id);
  assert.equal(socket, 'refused');
  // Nothing changed on B.
  const zedAgents = await api(zed.token, 'GET', `/api/v1/sites/${b.id}/agents`);
  assert.deepEqual(zedAgents.body.map((x) => [x.name, x.role]), [['Zed', 'admin']]);
  const settings = await api(zed.token, 'GET', `/api/v1/sites/${b.id}/settings`);
  assert.equal(settings.body.live_chat, true);
  assert.deepEqual(ann.errors, []);
  visitorOfB.close();
  await ann.close();
});

test('signing out ends the session', async () => {
  const site = await createSite();
  const ann = await AgentPage.open(browser, site, site.agents[0]);
  const [cookie] = await ann.context.cookies(EDGE);
  assert.equal(cookie.name, 'baton_session');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  await ann.button('Sign out').click();
  await ann.page.locator('#login-email').waitFor({ timeout: SOON });
  await assertAccessible(ann.page, 'sign-in');
  assert.equal(await ann.page.evaluate(async () => (await fetch('/api/v1/me')).status), 401);
  // The old token is dead on the edge, not just forgotten by the browser.
  assert.equal((await api(cookie.value, 'GET', '/api/v1/me')).status, 401);
  // A reload stays signed out.
  await ann.page.reload();
  await ann.page.locator('#login-email').waitFor({ timeout: SOON });
  await ann.close();
});
