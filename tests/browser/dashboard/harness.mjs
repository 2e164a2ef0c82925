// The dashboard's browser tests run against a real local edge (BATON_EDGE_URL, started by
// scripts/test.sh) in Debian's Chromium. Each test creates its own site through the bootstrap
// API, drives agents through the dashboard (one browser context per agent) and visitors
// through the edge's WebSocket API. Waits are for events and selectors, never fixed sleeps.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

export const EDGE = process.env.BATON_EDGE_URL || 'http://127.0.0.1:8787';
const BOOTSTRAP = process.env.BATON_BOOTSTRAP_TOKEN || '';
/** Upper bound for anything that should happen "at once" (frames, renders). */
export const SOON = 10_000;

let counter = 0;
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}`;
}

/** Creates a site and its agents; agents get `password` and their bootstrap token. */
export async function createSite({ settings = {}, agents = [{ name: 'Ann', role: 'admin' }] } = {}) {
  const id = unique('site');
  const list = agents.map((a, i) => ({
    email: `${a.name.toLowerCase()}${i}@${id}.example`,
    password: 'correct horse battery',
    role: 'agent',
    ...a,
  }));
  const response = await fetch(`${EDGE}/api/v1/bootstrap`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: { id, name: `Site ${id.slice(5, 13)}`, settings }, agents: list }),
  });
  if (response.status !== 200) throw new Error(`bootstrap ${response.status}: ${await response.text()}`);
  const created = await response.json();
  return {
    id,
    agents: created.agents.map((c, i) => ({ ...c, password: list[i].password, role: list[i].role })),
  };
}

/** Agent API call with a bearer token (for set-up and API-level checks). */
export async function api(token, method, path, body) {
  const response = await fetch(`${EDGE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Chromium with the flags from TOOLCHAIN.md; Playwright gives it a fresh temporary profile. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A visitor, through the edge's visitor API (what the widget does). */
export class Visitor {
  constructor(siteId, id, token) {
    Object.assign(this, { siteId, id, token, frames: [], waiters: [] });
  }

  static async start(siteId, profile = {}) {
    const response = await fetch(`${EDGE}/api/v1/sites/${siteId}/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': profile.userAgent || 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
      body: JSON.stringify({ page: 'https://shop.example/tours', referrer: 'https://search.example/?q=kayak', ...profile.body }),
    });
    if (response.status !== 201) throw new Error(`start ${response.status}: ${await response.text()}`);
    const { conversation_id: id, token } = await response.json();
    const visitor = new Visitor(siteId, id, token);
    await visitor.connect();
    return visitor;
  }

  connect() {
    const url = `${EDGE.replace(/^http/, 'ws')}/api/v1/conversations/${this.id}/ws?token=${this.token}`;
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w.check());
    });
    return new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
  }

  send(frame) { this.ws.send(JSON.stringify(frame)); }
  say(text) { this.send({ type: 'message', text, client_id: unique('v') }); }
  requestHuman() { this.send({ type: 'request_human' }); }
  contact(name, email) { this.send({ type: 'contact', name, email }); }
  leaveMessage(name, email, message) { this.send({ type: 'leave_message', name, email, message }); }

  events() { return this.frames.filter((f) => f.type === 'event').map((f) => f.event); }

  /** Resolves with the first stored event of `type` (after `afterSeq`) matching `pred`. */
  waitEvent(type, { pred = () => true, afterSeq = 0, timeout = SOON } = {}) {
    const find = () => this.events().find((e) => e.type === type && e.seq > afterSeq && pred(e));
    return this.waitFor(find, `${type} event`, timeout);
  }

  /** Resolves with the first frame of any kind (typing, read, …) matching `pred`. */
  waitFrame(pred, what, timeout = SOON) {
    return this.waitFor(() => this.frames.find(pred), what, timeout);
  }

  waitFor(find, what, timeout) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const hit = find();
          if (hit) { clearTimeout(waiter.timer); resolve(hit); }
          return Boolean(hit);
        },
      };
      if (waiter.check()) return;
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`visitor: no ${what} within ${timeout} ms; got ${JSON.stringify(this.frames.map((f) => f.event?.type || f.type))}`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  lastSeq() { return this.events().reduce((m, e) => Math.max(m, e.seq), 0); }

  /** Asks for a person and gives name + email, ending up waiting for an agent. */
  async queue(name, email) {
    this.requestHuman();
    await this.waitEvent('contact_requested');
    this.contact(name, email);
    return this.waitEvent('waiting');
  }

  close() { this.ws?.close(); }
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and fails with a readable list of violations. */
export async function assertAccessible(page, screen) {
  // Evaluated through the DevTools protocol: the dashboard's CSP forbids inline scripts.
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  if (violations.length) throw new Error(`axe violations on ${screen}:\n${violations.join('\n')}`);
}
