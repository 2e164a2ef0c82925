// Page object: one signed-in agent in their own browser context.
import { EDGE, SOON } from './harness.mjs';

// Browser notifications and sounds cannot be observed in headless Chromium: record them.
// The dashboard still goes through the real Notification and WebAudio calls.
const RECORDERS = `
  window.__baton = { notifications: [], tones: 0 };
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options = {}) {
      Object.assign(this, { title, body: options.body, tag: options.tag, onclick: null });
      window.__baton.notifications.push(this);
    }
    close() { this.closed = true; }
  }
  window.Notification = RecordedNotification;
  const RealAudioContext = window.AudioContext;
  window.AudioContext = class extends RealAudioContext {
    createOscillator() { window.__baton.tones += 1; return super.createOscillator(); }
  };
`;

export class AgentPage {
  constructor(context, page, site, agent) {
    Object.assign(this, { context, page, site, agent, errors: [] });
    page.on('pageerror', (error) => this.errors.push(error.message));
    // Requests still open, with when they were sent: said when a page does not load in time.
    this.pending = new Map();
    page.on('request', (r) => this.pending.set(r, Date.now()));
    page.on('requestfinished', (r) => this.pending.delete(r));
    page.on('requestfailed', (r) => this.pending.delete(r));
    page.on('console', (m) => { if (m.type() === 'error' && m.text().includes('baton dashboard')) this.errors.push(m.text()); });
  }

  static async open(browser, site, agent, { viewport = { width: 1280, height: 800 } } = {}) {
    const context = await browser.newContext({ viewport });
    await context.addInitScript(RECORDERS);
    const page = await context.newPage();
    const dashboard = new AgentPage(context, page, site, agent);
    await dashboard.signIn();
    return dashboard;
  }

  async signIn() {
    const opened = Date.now();
    try {
      await this.page.goto(`${EDGE}/app/#/${this.site.id}/active`);
    } catch (error) {
      const open = [...this.pending].map(([r, at]) => `${r.method()} ${r.url()} sent at +${at - opened} ms`);
      error.message += `\nrequests still open (${new Date().toISOString()}): ${open.join('; ') || 'none'}`;
      throw error;
    }
    await this.page.locator('#login-email').fill(this.agent.email);
    await this.page.locator('#login-password').fill(this.agent.password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.ready();
  }

  /** The site socket delivered its snapshot: counts show in the navigation. */
  async ready() {
    await this.page.locator('nav.tabs a[href$="/active"] .count').waitFor({ timeout: SOON });
  }

  go(hash) {
    return this.page.evaluate((h) => { window.location.hash = h; }, hash);
  }

  async tab(slug) {
    await this.page.locator(`nav.tabs a[href$="/${slug}"]`).click();
    await this.page.locator(`nav.tabs a.current[href$="/${slug}"]`).waitFor({ timeout: SOON });
    // Screens loaded on first use (view/lazy.rs) stand in with "Loading…" until their module is here.
    await this.page.locator('.lazy-loading').waitFor({ state: 'detached', timeout: SOON });
  }

  row(text) {
    return this.page.locator('.rows .row', { hasText: text });
  }

  async openChat(id, tab = 'active') {
    await this.go(`#/${this.site.id}/${tab}/${id}`);
    await this.page.locator('.chat .chat-head h1').waitFor({ timeout: SOON });
  }

  button(name) {
    return this.page.getByRole('button', { name, exact: true });
  }

  chatStatus(text) {
    return this.page.locator('.chat-status', { hasText: text }).waitFor({ timeout: SOON });
  }

  line(text) {
    return this.page.locator('.transcript li', { hasText: text });
  }

  async write(text, { note = false } = {}) {
    if (note) await this.page.getByLabel('Internal note (agents only)').check();
    await this.page.locator('#composer-text').fill(text);
    await this.page.locator('.composer button[type=submit]').click();
  }

  /** The transcript follows new lines: the last one ends up on screen. */
  async lastLineShown() {
    await this.page.waitForFunction(() => {
      const lines = document.querySelectorAll('.transcript li');
      const last = lines[lines.length - 1];
      if (!last) return false;
      const box = last.getBoundingClientRect();
      const view = document.querySelector('.transcript').getBoundingClientRect();
      const composer = document.querySelector('.composer').getBoundingClientRect();
      const bottom = Math.min(view.bottom, window.innerHeight, composer.top);
      return box.bottom <= bottom + 2 && box.top >= view.top - 2;
    }, null, { timeout: SOON });
  }

  notifications() {
    return this.page.evaluate(() => window.__baton.notifications.map(({ title, body, tag }) => ({ title, body, tag })));
  }

  tones() {
    return this.page.evaluate(() => window.__baton.tones);
  }

  /** The per-site Active count in the navigation. */
  async activeCount() {
    return Number(await this.page.locator('nav.tabs a[href$="/active"] .count').innerText());
  }

  async close() {
    await this.context.close();
  }
}
