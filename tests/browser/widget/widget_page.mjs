// Page object for the widget as a visitor sees it. Playwright's CSS locators pierce the open
// shadow root, so `baton-chat .launcher` reaches inside it.
import assert from "node:assert/strict";
import { axeViolations, SOON } from "./harness.mjs";

export class WidgetPage {
  constructor(page, host, site) {
    this.page = page;
    this.host = host;
    this.site = site;
    this.root = page.locator("baton-chat");
    this.launcher = this.root.locator("button.launcher");
    this.panel = this.root.locator("#bw-panel");
    this.input = this.root.locator("#bw-input");
    this.log = this.root.locator("ol.log");
    this.live = this.root.locator("[aria-live]");
  }

  /** Loads a host page (`plain`, `hostile`, `csp`, `blank`) embedding this site's widget. */
  async goto(kind = "plain", { preload } = {}) {
    const extra = preload ? `&preload=${preload}` : "";
    await this.page.goto(`${this.host}/${kind}?site=${encodeURIComponent(this.site)}${extra}`);
    return this;
  }

  /** Waits until the WebAssembly widget replaced the loader's placeholder launcher. */
  async ready() {
    await this.root.locator("aside.bw").waitFor({ state: "attached" });
    return this;
  }

  /** The visitor shows intent (the pointer over the launcher); the widget then loads. */
  async intent() {
    await this.launcher.hover();
    return this.ready();
  }

  async open() {
    await this.launcher.click();
    await this.panel.waitFor({ state: "visible" });
    return this;
  }

  async send(text) {
    await this.input.fill(text);
    await this.input.press("Enter");
  }

  /** Rows of the transcript containing `text`. */
  rows(text) {
    return this.log.locator("li", { hasText: text });
  }

  /** Waits for a row with `text` and returns its locator. */
  async see(text, limit = SOON) {
    const row = this.rows(text).first();
    await row.waitFor({ state: "visible", timeout: limit });
    return row;
  }

  /** Exactly one row with `text` (after it has arrived). */
  async seeOnce(text) {
    await this.see(text);
    assert.equal(await this.rows(text).count(), 1, `one row with ${JSON.stringify(text)}`);
  }

  button(name) {
    return this.root.getByRole("button", { name, exact: true });
  }

  field(label) {
    return this.root.getByLabel(label, { exact: true });
  }

  /** The stored conversation (id + token) of this site in the page's localStorage. */
  async conversation() {
    await this.page.waitForFunction((site) => localStorage.getItem(`baton:${site}`), this.site);
    return this.page.evaluate((site) => JSON.parse(localStorage.getItem(`baton:${site}`)), this.site);
  }

  /** The element focused inside the shadow root, as "tag#id.class". */
  focused() {
    return this.page.evaluate(() => {
      const el = document.querySelector("baton-chat")?.shadowRoot?.activeElement;
      return el ? `${el.tagName.toLowerCase()}#${el.id}.${el.className}` : null;
    });
  }

  /** Waits until the element with `id` inside the shadow root has the focus. */
  async focusOn(id) {
    await this.page.waitForFunction(
      (id) => document.querySelector("baton-chat")?.shadowRoot?.activeElement?.id === id,
      id,
      { timeout: SOON },
    );
  }

  /** No axe-core violations inside the widget (`state` names the state in the message). */
  async accessible(state) {
    // Mid-animation colours are blends (the panel fades in): check the settled state.
    await this.page.evaluate(() =>
      Promise.all(document.querySelector("baton-chat").shadowRoot.getAnimations().map((a) => a.finished)),
    );
    const violations = await axeViolations(this.page);
    assert.deepEqual(violations, [], `axe violations in state "${state}"`);
  }
}
