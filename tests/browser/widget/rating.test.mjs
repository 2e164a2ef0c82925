// The rating after a chat: the agent leaves & archives, the widget asks "How was your chat?"
// with the scores as buttons; the visitor types a comment and picks 4; it is thanked for, asked
// no more, and the agent's history and the statistics facts have it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createSite, launch, newPage, settings, SOON, startHostServer } from "./harness.mjs";
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

/** Polls an agent API path until `done(body)`; the facts are written through the outbox. */
async function eventually(agent, path, done) {
  const deadline = Date.now() + SOON;
  let body;
  do {
    body = await agent.api(path);
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  assert.fail(`${path} never satisfied the test: ${JSON.stringify(body).slice(0, 400)}`);
}

test("after leave & archive the visitor rates 4 with a comment; agents and statistics see it", async (t) => {
  const site = await createSite(settings());
  const [agent] = site.agents;
  await agent.online();
  const page = await newPage(browser);
  t.after(async () => {
    await page.context().close();
    agent.close();
  });
  const w = await new WidgetPage(page, host.base, site.id).goto();
  await w.open();
  await w.send("can I talk to a person please?");
  await w.field("Name").fill("Vera Visitor");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await agent.open(await agent.nextWaiting());
  await agent.accept();
  await w.see("Agent 1 joined the chat");
  agent.leave();
  await w.see("How was your chat?");
  for (const n of ["1", "2", "3", "4", "5"]) await w.button(n).waitFor({ state: "visible" });
  await w.accessible("rating asked");

  await w.input.fill("Quick and <b>kind</b>");
  await w.button("4").click();
  await w.see("Thank you for your feedback!");
  await w.button("4").waitFor({ state: "hidden" });
  assert.equal(await w.input.inputValue(), "", "the comment went with the rating");
  assert.equal(await w.rows("Quick and").count(), 0, "the comment is not sent as a message");
  await w.accessible("rated");

  const { id } = await w.conversation();
  const history = await agent.api(`/api/v1/sites/${site.id}/conversations/${id}`);
  const events = history.events ?? [];
  const rated = events.filter((e) => e.type === "rated");
  assert.deepEqual(
    rated.map((e) => [e.score, e.comment]),
    [[4, "Quick and <b>kind</b>"]],
    "one rating, stored as typed (text, never HTML)",
  );
  const from = Date.now() - 3_600_000;
  const to = Date.now() + 3_600_000;
  const stats = await eventually(agent, `/api/v1/sites/${site.id}/stats?from=${from}&to=${to}`, (s) =>
    (s.facts ?? []).some((f) => f.id === id && f.rating === 4),
  );
  assert.equal(stats.facts.filter((f) => f.rating != null).length, 1);

  // Asked once: a reload shows no buttons again.
  await page.reload();
  await w.panel.waitFor({ state: "visible" });
  await w.see("Thank you for your feedback!");
  assert.equal(await w.button("4").isVisible(), false);
  assert.deepEqual(page.errors, [], "no page errors");
});
