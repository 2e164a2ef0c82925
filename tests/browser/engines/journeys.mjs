// One real journey per screen, written once against drivers.mjs's page API and run in Firefox
// and WebKit (the full suites run in Chromium). Visitors and agents on the other side go through
// the edge's own API, as in the Chromium tests.
import assert from "node:assert/strict";
import { createSite as createWidgetSite, startHostServer } from "../widget/harness.mjs";
import { createSite as createDashboardSite, Visitor, EDGE } from "../dashboard/harness.mjs";
import { SOON } from "./drivers.mjs";

// ---- in-page helpers (serialised into the page: no closures over test variables) ----------

/** The first element matching `selector` (inside <baton-chat>'s shadow root if `shadow`) whose text contains `text`. */
function withText(selector, text, shadow) {
  const scope = shadow ? document.querySelector("baton-chat")?.shadowRoot : document;
  if (!scope) return null;
  return [...scope.querySelectorAll(selector)].find((el) => el.textContent.includes(text)) || null;
}

function countWithText(selector, text, shadow) {
  const scope = shadow ? document.querySelector("baton-chat")?.shadowRoot : document;
  if (!scope) return 0;
  return [...scope.querySelectorAll(selector)].filter((el) => el.textContent.includes(text)).length;
}

/** Elements must be visible before a person can use them. */
function visible(path) {
  let node = document;
  for (const selector of path) {
    node = (node.shadowRoot || node).querySelector(selector);
    if (!node) return null;
  }
  const box = node.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== "hidden" ? node : null;
}

/** Adds what the page showed to a failure, so a run in another engine explains itself. */
async function explain(page, error) {
  const shown = await page
    .evaluate(() => {
      const shadow = document.querySelector("baton-chat")?.shadowRoot;
      return `${document.body?.innerText ?? ""}\n[widget] ${shadow ? shadow.textContent : "-"}`.slice(0, 1500);
    })
    .catch((e) => `(page unreadable: ${e.message})`);
  error.message += `\n--- the page showed:\n${shown}`;
  return error;
}

// ---- widget: open, ask the bot, hand over, the agent's reply, reload keeps the chat ---------

/** The visitor's journey through the widget on a host page of another origin. */
export async function widgetJourney(engine, t) {
  const host = await startHostServer();
  const site = await createWidgetSite();
  const [agent] = site.agents;
  const page = await engine.newPage();
  try {
    await agent.online();
    await page.goto(`${host.base}/plain?site=${encodeURIComponent(site.id)}`);
    const see = (text) => page.waitFor(`"${text}" in the widget`, withText, "ol.log li", text, true);
    const seeOnce = async (text) => {
      await see(text);
      assert.equal(await page.evaluate(countWithText, "ol.log li", text, true), 1, `one row with "${text}"`);
    };

    // Open: the loader's launcher; the pointer's arrival is the intent that loads the widget.
    const launcher = await page.element("launcher", visible, ["baton-chat", "button.launcher"]);
    await launcher.click();
    await page.element("open panel", visible, ["baton-chat", "#bw-panel"]);
    const input = await page.element("message box", visible, ["baton-chat", "#bw-input"]);

    // Ask the bot, get the answer from the knowledge base.
    await input.type("What are your opening hours?");
    await input.press("Enter");
    await see("We are open from 9 to 17.");

    // Hand over to a person: the contact form, then waiting; the agent is notified.
    await input.type("can I talk to a person please?");
    await input.press("Enter");
    await (await page.element("name field", visible, ["baton-chat", "#bw-name"])).type("Vera Visitor");
    await (await page.element("email field", visible, ["baton-chat", "#bw-email"])).type("vera@example.com");
    await (await page.element("Start chat", withText, "form button[type=submit]", "Start chat", true)).click();
    await see("Please wait while we connect you to an agent.");
    const id = await agent.nextWaiting();
    await agent.open(id);
    await agent.accept();
    await see("Agent 1 joined the chat");

    // The agent's reply arrives; the visitor's answer reaches the agent.
    agent.say("Hi Vera, Agent 1 here.");
    await seeOnce("Hi Vera, Agent 1 here.");
    const box = await page.element("message box", visible, ["baton-chat", "#bw-input"]);
    await box.type("Thanks, I have a question");
    await box.press("Enter");
    await agent.event("visitor message", (e) => e.type === "visitor_message" && e.text === "Thanks, I have a question");

    // Reload keeps the chat: open again, the same history once, and the live chat goes on.
    await page.reload();
    await page.element("open panel after reload", visible, ["baton-chat", "#bw-panel"]);
    await seeOnce("Hi Vera, Agent 1 here.");
    await seeOnce("Thanks, I have a question");
    agent.say("After your reload");
    await seeOnce("After your reload");
    const stored = await page.evaluate((s) => JSON.parse(localStorage.getItem(`baton:${s}`)).id, site.id);
    assert.equal(stored, id, "the same conversation after the reload");
    const errors = page.pageErrors ? await page.pageErrors() : page.errors;
    assert.deepEqual(errors, [], "no page errors");
    t.diagnostic(`${engine.name}: widget journey done`);
  } catch (error) {
    throw await explain(page, error);
  } finally {
    await page.close();
    agent.close();
    await host.close();
  }
}

// ---- dashboard: sign in, the Active list, accept a chat, reply ------------------------------

export async function dashboardJourney(engine, t) {
  const site = await createDashboardSite({ agents: [{ name: "Ann", role: "admin" }] });
  const [ann] = site.agents;
  const page = await engine.newPage();
  let visitor;
  try {
    // Sign in.
    await page.goto(`${EDGE}/app/#/${site.id}/active`);
    await (await page.element("email field", visible, ["#login-email"])).type(ann.email);
    await (await page.element("password field", visible, ["#login-password"])).type(ann.password);
    await (await page.element("Sign in", withText, "form button[type=submit]", "Sign in", false)).click();
    await page.waitFor("the Active count", visible, ['nav.tabs a[href$="/active"] .count']);

    // A visitor asks for a person: the chat appears in the Active list.
    visitor = await Visitor.start(site.id);
    visitor.say("hello there");
    await visitor.queue("Vera Visitor", "vera@example.com");
    const row = await page.element("the waiting chat in Active", withText, ".rows .row", "Vera Visitor", false);

    // Accept it.
    await row.click();
    await page.waitFor("the chat view", withText, ".chat .chat-head h1", "Vera", false);
    const accept = await page.element(
      "an enabled Accept",
      () => [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Accept" && !b.disabled) || null,
    );
    await accept.click();
    await visitor.waitEvent("agent_joined", { timeout: SOON });

    // Reply, and read the visitor's answer live.
    const composer = await page.element("composer", visible, ["#composer-text"]);
    await composer.type("Hi Vera, Ann here.");
    await (await page.element("send", visible, [".composer button[type=submit]"])).click();
    await visitor.waitEvent("agent_message", { pred: (e) => e.text === "Hi Vera, Ann here.", timeout: SOON });
    visitor.say("Great, thanks!");
    await page.waitFor("the visitor's answer", withText, ".transcript li", "Great, thanks!", false);
    const errors = page.pageErrors ? await page.pageErrors() : page.errors;
    assert.deepEqual(errors, [], "no page errors");
    t.diagnostic(`${engine.name}: dashboard journey done`);
  } catch (error) {
    throw await explain(page, error);
  } finally {
    visitor?.close();
    await page.close();
  }
}
