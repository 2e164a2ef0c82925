// The widget on hostile and strict host pages, visitor text that looks like HTML, keyboard-only
// use, the mobile layout, languages, and the host page's JavaScript API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createSite, launch, newPage, settings, startHostServer } from "./harness.mjs";
import { WidgetPage } from "./widget_page.mjs";

let browser;
let host;
before(async () => {
  browser = await launch();
  host = await startHostServer();
});
after(async () => {
  await browser?.close();
  await host?.close();
});

async function visitor(t, site, contextOptions) {
  const page = await newPage(browser, contextOptions);
  t.after(() => page.context().close());
  return new WidgetPage(page, host.base, site.id);
}

async function chatWorks(w) {
  await w.open();
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  const box = await w.panel.boundingBox();
  assert.ok(box && box.width >= 300 && box.height >= 300, `panel laid out: ${JSON.stringify(box)}`);
  const position = await w.panel.evaluate((el) => getComputedStyle(el).position);
  assert.equal(position, "fixed", "the widget's own styles apply");
}

test("a hostile page (`* { all: unset }`, `div { display: none !important }`) does not break it", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  await w.goto("hostile");
  await chatWorks(w);
  const launcher = await w.launcher.boundingBox();
  assert.ok(launcher && launcher.width >= 40, "launcher visible");
  await w.accessible("hostile page");
  assert.deepEqual(w.page.errors, []);
});

test("a strict Content-Security-Policy page: works, and nothing is refused", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  await w.page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await w.goto("csp");
  await chatWorks(w);
  assert.deepEqual(await w.page.evaluate(() => window.__violations), []);
  await w.accessible("strict CSP page");
});

test("Trusted Types enforced (`require-trusted-types-for 'script'`): no HTML sinks are used", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  await w.page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  await w.goto("trusted-types");
  await chatWorks(w);
  assert.deepEqual(await w.page.evaluate(() => window.__violations), []);
  assert.deepEqual(w.page.errors, []);
});

test("visitor and agent text that looks like HTML is shown as text; only web links are links", async (t) => {
  const site = await createSite();
  const [agent] = site.agents;
  await agent.online();
  const w = await visitor(t, site);
  await w.goto();
  await w.open();
  const attack = "<img src=x onerror=alert(1)>";
  await w.send(attack);
  const row = await w.see(attack);
  assert.equal(await row.locator("img").count(), 0, "no element was created");
  const { id } = await w.conversation();
  await agent.open(id);
  await agent.chat.send({ type: "take_control" });
  await w.see("Agent 1 joined the chat");
  agent.say('<script>alert(2)</script> javascript:alert(3) <a href="https://evil.example">x</a> https://fjord.example/tours');
  const reply = await w.see("<script>alert(2)</script>");
  const links = await reply.locator("a").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.rel, a.target]));
  assert.deepEqual(links, [["https://fjord.example/tours", "noopener noreferrer nofollow", "_blank"]]);
  assert.equal(await w.root.locator("script, img, iframe").count(), 0);
  assert.deepEqual(w.page.dialogs, [], "no script ran");
  assert.deepEqual(w.page.errors, []);
  agent.close();
});

test("keyboard only: open, type, send, Esc closes and the focus returns to the launcher", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  await w.goto("blank");
  // Focusing the loader's launcher is intent: the widget loads and keeps the focus on its own.
  await w.page.keyboard.press("Tab");
  await w.ready();
  await w.focusOn(""); // the launcher has no id; check its class below
  assert.match(await w.focused(), /^button#\.launcher/);
  await w.page.keyboard.press("Enter");
  await w.panel.waitFor({ state: "visible" });
  await w.focusOn("bw-input");
  await w.page.keyboard.type("How much does a tour cost?");
  await w.page.keyboard.press("Enter");
  await w.see("The Fjord Paddle costs 790 NOK.");
  await w.page.keyboard.press("Shift+Tab"); // into the transcript: still inside the panel
  await w.page.keyboard.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.activeElement?.classList.contains("launcher"),
  );
  assert.equal(await w.launcher.getAttribute("aria-expanded"), "false");
});

test("a phone-sized screen gets the full-screen layout", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await w.goto();
  await w.open();
  await w.panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  const box = await w.panel.boundingBox();
  const rounded = Object.fromEntries(Object.entries(box).map(([k, v]) => [k, Math.round(v)]));
  assert.deepEqual(rounded, { x: 0, y: 0, width: 375, height: 667 });
  await w.accessible("mobile");
  await w.button("Close chat").click();
  await w.launcher.waitFor({ state: "visible" });
});

test("languages: the browser's language, then Baton.setLocale", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site, { locale: "de-DE" });
  await w.goto();
  await w.intent();
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.querySelector(".launcher")?.getAttribute("aria-label") === "Chat öffnen",
  );
  await w.open();
  assert.equal(await w.input.getAttribute("placeholder"), "Nachricht schreiben…");
  await w.accessible("German");
  await w.page.evaluate(() => window.Baton.setLocale("fr"));
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.querySelector("#bw-input")?.placeholder === "Écrivez un message…",
  );
  await w.page.evaluate(() => window.Baton.setLocale("es-MX"));
  await w.root.getByRole("button", { name: "Cerrar el chat" }).first().waitFor();
  assert.equal(await w.root.locator("aside.bw").getAttribute("lang"), "es");

  // The site's own setting comes before the browser's language.
  const french = await createSite(settings({ locale: "fr" }));
  const v = await visitor(t, french, { locale: "de-DE" });
  await v.goto();
  await v.open();
  assert.equal(await v.input.getAttribute("placeholder"), "Écrivez un message…");
  await v.accessible("French");
});

test("JavaScript API: queued calls, open/close/toggle, events, identify skips the contact form", async (t) => {
  const site = await createSite();
  const [agent] = site.agents;
  await agent.online();
  t.after(() => agent.close());
  const w = await visitor(t, site);
  await w.page.addInitScript(() => {
    window.__events = [];
    // Crisp-style queue, before the loader runs.
    window.Baton = [
      ["identify", { name: "Vera Visitor", email: "vera@example.com" }],
      ["on", "open", () => window.__events.push("open")],
      ["on", "close", () => window.__events.push("close")],
      ["on", "message", (m) => window.__events.push(`message:${m.from}:${m.text}`)],
      ["on", "handover", (h) => window.__events.push(`handover:${h.state}`)],
      ["open"],
    ];
  });
  await w.goto();
  await w.panel.waitFor({ state: "visible" });
  await w.send("can I talk to a person please?");
  await w.see("Please wait while we connect you to an agent.");
  assert.equal(await w.field("Name").count(), 0, "the contact form was skipped");
  const id = await agent.nextWaiting();
  const summary = await agent.api(`/api/v1/sites/${site.id}/conversations/${id}`);
  assert.equal(summary.summary.visitor.email, "vera@example.com");
  await agent.open(id);
  await agent.accept();
  agent.say("Hi Vera!");
  await w.see("Hi Vera!");
  await w.page.evaluate(() => window.Baton.close());
  await w.panel.waitFor({ state: "hidden" });
  await w.page.evaluate(() => window.Baton.toggle());
  await w.panel.waitFor({ state: "visible" });
  const events = await w.page.evaluate(() => window.__events);
  for (const expected of ["open", "handover:waiting", "handover:live", "message:agent:Hi Vera!", "close"]) {
    assert.ok(events.includes(expected), `${expected} in ${JSON.stringify(events)}`);
  }
  assert.equal(events.filter((e) => e === "open").length, 2);
  assert.deepEqual(
    await w.page.evaluate(() => Object.keys(window).filter((k) => /baton/i.test(k))),
    ["Baton"],
    "one global",
  );
});

test("identity verification: the site's HMAC is accepted, a wrong one is neither used nor shown", async (t) => {
  const secret = "a-secret-only-the-site-server-knows";
  const site = await createSite(settings({ identity_secret: secret }));
  const [agent] = site.agents;
  await agent.online();
  t.after(() => agent.close());
  const userHash = createHmac("sha256", secret).update("vera@example.com").digest("hex");
  const vera = await visitor(t, site);
  await vera.page.addInitScript((userHash) => {
    window.Baton = [["identify", { name: "Vera Visitor", email: "vera@example.com", userHash }]];
  }, userHash);
  await vera.goto();
  await vera.open();
  await vera.send("can I talk to a person please?");
  await vera.see("Please wait while we connect you to an agent.");
  assert.equal(await vera.field("Name").count(), 0, "verified: no contact form");

  const mallory = await visitor(t, site);
  await mallory.page.addInitScript(() => {
    window.Baton = [["identify", { name: "Mallory", email: "vera@example.com", userHash: "00".repeat(32) }]];
  });
  await mallory.goto();
  await mallory.open();
  await mallory.send("can I talk to a person please?");
  await mallory.field("Name").waitFor();
  assert.equal(await mallory.field("Name").inputValue(), "", "the refused identity is not prefilled");
  assert.equal(await mallory.field("Email").inputValue(), "");
});
