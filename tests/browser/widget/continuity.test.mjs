// The conversation survives reloads, navigation and cut sockets: same conversation, history
// intact, nothing lost and nothing shown or stored twice; unread messages badge the launcher.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createSite, EDGE, launch, newPage, settings, startHostServer } from "./harness.mjs";
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

async function visitor(t, site) {
  const page = await newPage(browser);
  t.after(async () => {
    await page.context().close();
    for (const agent of site.agents) agent.close();
  });
  return new WidgetPage(page, host.base, site.id);
}

/** A visitor handed to an online agent who accepted; returns the agent. */
async function liveChat(w, site) {
  const [agent] = site.agents;
  await agent.online();
  await w.goto();
  await w.open();
  await w.send("can I talk to a person please?");
  await w.field("Name").fill("Vera Visitor");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await agent.open(await agent.nextWaiting());
  await agent.accept();
  await w.see("Agent 1 joined the chat");
  return agent;
}

test("reload while waiting: same conversation, history intact, no duplicates", async (t) => {
  const site = await createSite();
  const [agent] = site.agents;
  await agent.online();
  const w = await visitor(t, site);
  await w.goto();
  await w.open();
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  await w.send("can I talk to a person please?");
  await w.field("Name").fill("Vera Visitor");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await w.see("Please wait while we connect you to an agent.");
  const before = await w.conversation();

  await w.page.reload();
  await w.panel.waitFor({ state: "visible" }); // it was open: it opens again
  await w.seeOnce("Please wait while we connect you to an agent.");
  for (const text of ["What are your opening hours?", "We are open from 9 to 17.", "can I talk to a person"]) {
    await w.seeOnce(text);
  }
  assert.equal(await w.live.textContent(), "", "history is not announced after a reload");
  assert.equal((await w.conversation()).id, before.id, "the same conversation");
  await agent.open(await agent.nextWaiting());
  await agent.accept();
  await w.seeOnce("Agent 1 joined the chat");
  assert.deepEqual(w.page.errors, []);
});

test("reload and navigate during a live chat: messages arrive once in both directions", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  const agent = await liveChat(w, site);
  agent.say("Hello from Agent 1");
  await w.see("Hello from Agent 1");
  await w.send("Hello back");
  await agent.event("visitor message", (e) => e.type === "visitor_message" && e.text === "Hello back");

  await w.page.reload();
  await w.panel.waitFor({ state: "visible" });
  await w.root.getByText("You are chatting with Agent 1").waitFor();
  agent.say("After your reload");
  await w.seeOnce("After your reload");
  for (const text of ["Hello from Agent 1", "Hello back", "Agent 1 joined the chat"]) await w.seeOnce(text);

  // Another page of the same site: the same conversation, still open.
  await w.goto("blank");
  await w.panel.waitFor({ state: "visible" });
  await w.send("Sent from the next page");
  await agent.event("message after navigation", (e) => e.type === "visitor_message" && e.text === "Sent from the next page");
  agent.say("Got it");
  await w.seeOnce("Got it");
  await w.seeOnce("Sent from the next page");
  const visitorMessages = agent.chat.frames.filter((f) => f.type === "event" && f.event.type === "visitor_message");
  const texts = visitorMessages.map((f) => f.event.text);
  assert.equal(new Set(texts).size, texts.length, `each visitor message stored once: ${texts}`);
  assert.deepEqual(w.page.errors, []);
});

test("a cut socket resumes from the last seq; a message resent after the cut is stored once", async (t) => {
  const site = await createSite();
  const w = await visitor(t, site);
  let blocked = false;
  let dropEcho = false;
  const links = [];
  await w.page.routeWebSocket(/\/api\/v1\/conversations\/[0-9a-f]+\/ws/, (page) => {
    if (blocked) {
      page.close({ code: 4000, reason: "cut by the test" });
      return;
    }
    const server = page.connectToServer();
    links.push({ page, server });
    page.onMessage((message) => {
      server.send(message);
      // The edge stores the message, but its echo never reaches the page.
      if (dropEcho && JSON.parse(message).type === "message") {
        dropEcho = false;
        page.close({ code: 4001, reason: "cut after send" });
        server.close();
      }
    });
    server.onMessage((message) => page.send(message));
  });
  const agent = await liveChat(w, site);

  // Cut, agent writes meanwhile, then the network is back.
  blocked = true;
  for (const { page, server } of links.splice(0)) {
    page.close({ code: 4000, reason: "cut by the test" });
    server.close();
  }
  await w.root.getByText("Connection lost. Reconnecting…").waitFor();
  await w.accessible("reconnecting");
  agent.say("Written while you were offline");
  agent.say("And a second one");
  await agent.event("second message", (e) => e.type === "agent_message" && e.text === "And a second one");
  blocked = false;
  await w.seeOnce("Written while you were offline");
  await w.seeOnce("And a second one");
  await w.root.getByText("Connection lost. Reconnecting…").waitFor({ state: "hidden" });

  // Sent, stored, echo lost: the widget resends with the same client id after reconnecting.
  dropEcho = true;
  await w.send("Did this arrive?");
  await w.rows("Did this arrive?").getByText("Sending…").waitFor({ state: "hidden" });
  agent.say("Yes, once");
  await w.seeOnce("Yes, once");
  await w.seeOnce("Did this arrive?");
  const stored = agent.chat.frames.filter(
    (f) => f.type === "event" && f.event.type === "visitor_message" && f.event.text === "Did this arrive?",
  );
  assert.equal(stored.length, 1, "stored once on the edge");
  assert.equal(dropEcho, false, "the echo really was cut");
  assert.ok(links.length >= 2, "the widget reconnected");
  assert.deepEqual(w.page.errors, []);
});

test("unread badge on the closed launcher, kept across pages, cleared on open", async (t) => {
  const site = await createSite(settings());
  const w = await visitor(t, site);
  const agent = await liveChat(w, site);
  await w.input.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  agent.say("Are you still there?");
  agent.say("We have two places left tomorrow.");
  const badge = w.launcher.locator(".badge");
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.querySelector(".launcher .badge")?.textContent === "2",
  );
  assert.equal(await w.launcher.getAttribute("aria-label"), "Open chat, 2 unread");
  await w.accessible("closed with unread messages");

  await w.goto("blank");
  await w.ready();
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.querySelector(".launcher .badge")?.textContent === "2",
  );
  assert.equal(await w.panel.isVisible(), false, "closed stays closed");
  await w.open();
  await badge.waitFor({ state: "hidden" });
  await w.seeOnce("We have two places left tomorrow.");
  await w.page.reload();
  await w.ready();
  await w.panel.waitFor({ state: "visible" });
  await w.input.press("Escape");
  assert.equal(await badge.isVisible(), false, "nothing unread after a reload");
});

test("a message refused by the rate limit is shown as pending, explained, and sent later once", async (t) => {
  const site = await createSite(settings({ visitor_messages_per_window: 2 }));
  const w = await visitor(t, site);
  await w.goto();
  await w.open();
  await w.send("first");
  await w.see("first");
  await w.send("second");
  await w.send("third, too fast");
  await w.root.getByText("You are sending messages too quickly. Please wait a moment.").waitFor();
  await w.rows("third, too fast").getByText("Sending…").waitFor();
  await w.accessible("rate limited");
  // Sent again after the edge's 10 s window, and then answered like any message.
  await w.rows("third, too fast").getByText("Sending…").waitFor({ state: "hidden", timeout: 20_000 });
  await w.seeOnce("third, too fast");
  const { id, token } = await w.conversation();
  const events = await (await fetch(`${EDGE}/api/v1/conversations/${id}/events?token=${token}&after=0`)).json();
  const texts = events.filter((e) => e.type === "visitor_message").map((e) => e.text);
  assert.deepEqual(texts, ["first", "second", "third, too fast"]);
});
