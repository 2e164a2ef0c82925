// Place in the queue: three visitors wait (the second in the widget, the others through the
// edge API); the widget says "number 2", then "number 1" once the first is accepted, with no
// estimate while the site has no history; after enough accepted chats a new visitor's widget
// also says how long chats usually wait.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { createSite, EDGE, launch, newPage, settings, SOON, startHostServer, unique } from "./harness.mjs";
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

/** A known visitor through the edge API who asks for a person; resolves once waiting. */
async function apiVisitor(site) {
  const response = await fetch(`${EDGE}/api/v1/sites/${site.id}/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Api Visitor", email: `${unique("v")}@example.com` }),
  });
  assert.equal(response.status, 201);
  const { conversation_id: id, token } = await response.json();
  const ws = new WebSocket(`${EDGE.replace(/^http/, "ws")}/api/v1/conversations/${id}/ws?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "welcome") ws.send(JSON.stringify({ type: "request_human" }));
      if (frame.type === "event" && frame.event.type === "waiting") resolve();
    });
  });
  return { id, ws };
}

/** The agent accepts one chat (a socket each; closed once claimed). */
async function accept(agent, id) {
  await agent.open(id);
  await agent.accept();
  agent.chat.close();
}

async function widgetVisitor(t, site) {
  const page = await newPage(browser);
  t.after(() => page.context().close());
  const w = await new WidgetPage(page, host.base, site.id).goto();
  await w.open();
  await w.send("can I talk to a person please?");
  await w.field("Name").fill("Vera Visitor");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await w.see("Please wait while we connect you to an agent.");
  return w;
}

const status = (w) => w.root.locator("p.status");

test("the place in the queue moves up, and the usual wait shows once there is history", async (t) => {
  const site = await createSite(settings({ max_chats_per_agent: 20 }));
  const [agent] = site.agents;
  await agent.online();
  t.after(() => agent.close());
  const sockets = [];
  t.after(() => sockets.forEach((s) => s.ws.close()));

  const first = await apiVisitor(site);
  sockets.push(first);
  const w = await widgetVisitor(t, site);
  await status(w).getByText(/^Connecting you to a person\. You are number 2 in line\.$/).waitFor();
  const third = await apiVisitor(site);
  sockets.push(third);
  await w.accessible("waiting, number 2 in line");

  await accept(agent, first.id);
  await status(w).getByText(/^Connecting you to a person\. You are number 1 in line\.$/).waitFor();
  assert.doesNotMatch(await status(w).textContent(), /usually/i, "no estimate without history");

  // A reload while waiting shows the place again at once.
  await w.page.reload();
  await w.panel.waitFor({ state: "visible" }); // it was open: it opens again
  await status(w).getByText(/^Connecting you to a person\. You are number 1 in line\.$/).waitFor();

  // Five accepted chats around this hour: the estimate appears for the next visitor.
  const { id } = await w.conversation();
  await accept(agent, id);
  await status(w).getByText("You are chatting with Agent 1").waitFor();
  await accept(agent, third.id);
  for (let i = 0; i < 2; i += 1) {
    const visitor = await apiVisitor(site);
    sockets.push(visitor);
    await accept(agent, visitor.id);
  }
  const later = await widgetVisitor(t, site);
  await status(later)
    .getByText(/^Connecting you to a person\. You are number 1 in line\. Usually answered within \d+ min\.$/)
    .waitFor({ timeout: SOON });
  await later.accessible("waiting with an estimate");
  assert.deepEqual(w.page.errors, [], "no page errors");
  assert.deepEqual(later.page.errors, [], "no page errors");
});
