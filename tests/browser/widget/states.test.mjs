// Every state of the widget, driven as a visitor would, with the agent side on the edge API.
// Each state is also checked with axe-core.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, createSite, launch, newPage, settings, startHostServer } from "./harness.mjs";
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

/** A visitor's page for this test; it and the site's agent sockets close when the test ends. */
async function visit(t, site, kind = "plain") {
  const page = await newPage(browser);
  t.after(async () => {
    await page.context().close();
    for (const agent of site.agents) agent.close();
  });
  return new WidgetPage(page, host.base, site.id).goto(kind);
}

function done(w) {
  assert.deepEqual(w.page.errors, [], "no page errors");
  assert.deepEqual(w.page.dialogs, [], "no dialogs");
}

/** Asks for a person and fills the contact form. */
async function handOver(w, name = "Vera Visitor", email = "vera@example.com") {
  await w.send("can I talk to a person please?");
  await w.field("Name").fill(name);
  await w.field("Email").fill(email);
  await w.button("Start chat").click();
  await w.see("Please wait while we connect you to an agent.");
}

test("bot chat: the greeting, an answer from the knowledge base, announced once", async (t) => {
  const site = await createSite();
  const w = await visit(t, site);
  await w.open();
  await w.see("Hi! I'm the assistant");
  assert.equal(await w.live.textContent(), "", "history is not announced");
  await w.accessible("bot greeting");
  assert.deepEqual(await axeViolations(w.page, null), [], "the whole host page with the widget");
  await w.send("What are your opening hours?");
  await w.seeOnce("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  await w.page.waitForFunction(() =>
    document.querySelector("baton-chat").shadowRoot.querySelector("[aria-live]").textContent.includes("9 to 17"),
  );
  await w.accessible("bot chat");
  done(w);
});

test("talk-to-a-person offer, contact form with inline validation, waiting and the ladder", async (t) => {
  const site = await createSite(settings({ wait_notice_ms: 800, leave_message_offer_ms: 800 }));
  const [agent] = site.agents;
  await agent.online();
  const w = await visit(t, site);
  await w.open();
  await w.send("xyzzy plugh frobnicate");
  const offer = w.button("Talk to a person");
  await offer.waitFor();
  await w.accessible("talk to a person offered");
  await offer.click();
  await w.field("Name").waitFor();
  await w.focusOn("bw-name");
  await w.button("Start chat").click();
  await w.root.getByText("Please enter your name.").waitFor();
  await w.root.getByText("Please enter a valid email address, like name@example.com.").waitFor();
  assert.equal(await w.field("Name").getAttribute("aria-invalid"), "true");
  await w.accessible("contact form with errors");
  await w.field("Name").fill("Vera Visitor");
  await w.root.getByText("Please enter your name.").waitFor({ state: "hidden" });
  await w.field("Email").fill("vera@");
  await w.button("Start chat").click();
  await w.focusOn("bw-email");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await w.see("Please wait while we connect you to an agent.");
  await w.root.getByText("Connecting you to a person").waitFor();
  const id = await agent.nextWaiting();
  assert.equal(id, (await w.conversation()).id);
  await w.accessible("waiting");
  await w.see("Thanks for your patience.");
  await w.see("You can also leave us a message");
  await w.button("Leave a message").waitFor();
  await w.accessible("waiting, leave a message offered");

  await w.button("Leave a message").click();
  assert.equal(await w.field("Name").inputValue(), "Vera Visitor", "prefilled from the contact form");
  assert.equal(await w.field("Email").inputValue(), "vera@example.com");
  await w.button("Send message").click();
  await w.root.getByText("Please write a message.").waitFor();
  await w.accessible("leave a message form with an error");
  await w.field("Your message").fill("Please call me about a group of 12.");
  await w.button("Send message").click();
  await w.see("Thank you! Your message was sent and we will reply by email.");
  await w.accessible("ticket confirmation");
  const tickets = await agent.api(`/api/v1/sites/${site.id}/tickets?status=open`);
  assert.ok(JSON.stringify(tickets).includes("Please call me about a group of 12."), "the ticket exists");
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  done(w);
});

test("agent joins, typing both ways, read receipt, agent leaves and the bot is back", async (t) => {
  const site = await createSite();
  const [agent] = site.agents;
  await agent.online();
  const w = await visit(t, site);
  await w.open();
  await handOver(w);
  await agent.open(await agent.nextWaiting());
  await agent.accept();
  await w.see("Agent 1 joined the chat");
  await w.root.getByText("You are chatting with Agent 1").waitFor();
  agent.typing(true);
  const typing = w.root.locator(".typing", { hasText: "Agent 1 is typing…" });
  await typing.waitFor();
  await w.accessible("live, agent typing");
  agent.say("Hi Vera, Agent 1 here. How can I help?");
  await w.seeOnce("How can I help?");
  await typing.waitFor({ state: "hidden" });
  assert.match(await w.live.textContent(), /Agent 1: Hi Vera/, "the new message is announced");

  const mark = agent.chat.frames.length;
  await w.input.pressSequentially("A group of 12", { delay: 5 });
  await agent.chat.waitFor("visitor typing", (f) => f.type === "typing" && f.by === "visitor" && f.typing, { from: mark });
  await w.input.press("Enter");
  const sent = await agent.event("visitor message", (e) => e.type === "visitor_message" && e.text === "A group of 12");
  await agent.chat.waitFor("typing stopped", (f) => f.type === "typing" && f.by === "visitor" && !f.typing, { from: mark });
  agent.chat.send({ type: "read", seq: sent.event.seq });
  await w.rows("A group of 12").getByText("Seen").waitFor();
  await w.accessible("live chat");

  agent.leave();
  await w.see("Agent 1 left the chat. The assistant answers again.");
  await w.root.getByText("Our assistant answers right away").waitFor();
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  await w.accessible("back to the bot");
  done(w);
});

test("missed: nobody accepts in time, the contact details, and the bot answers again", async (t) => {
  const site = await createSite(
    settings({ wait_notice_ms: 300, leave_message_offer_ms: 300, time_to_accept_ms: 1500 }),
  );
  const [agent] = site.agents;
  await agent.online();
  const w = await visit(t, site);
  await w.open();
  await handOver(w);
  await w.see("Sorry, nobody could answer in time. The assistant is here to help again. Call us on +47 912 34 567.");
  await w.root.getByText("Our assistant answers right away").waitFor();
  await w.button("Leave a message").waitFor();
  await w.accessible("missed");
  await w.send("How much does a tour cost?");
  await w.see("The Fjord Paddle costs 790 NOK.");
  done(w);
});

test("blocked: asking for a person again gets the site's block message", async (t) => {
  const site = await createSite();
  const [agent] = site.agents;
  await agent.online();
  const w = await visit(t, site);
  await w.open();
  await w.send("hello");
  const { id } = await w.conversation();
  await agent.open(id);
  agent.block("abusive language", "This chat is closed. Please write to us by email.");
  await agent.event("visitor_blocked", (e) => e.type === "visitor_blocked");
  await w.send("can I talk to a person?");
  await w.see("This chat is closed. Please write to us by email.");
  assert.equal(await w.field("Name").count(), 0, "no contact form");
  assert.equal(await w.button("Talk to a person").count(), 0);
  await w.accessible("blocked");
  done(w);
});

test("no agent online: contact details, then leave a message", async (t) => {
  const site = await createSite();
  const w = await visit(t, site);
  await w.open();
  await w.send("I want to talk to a human");
  await w.see("Sorry, nobody is available right now. Call us on +47 912 34 567.");
  await w.accessible("no agent online");
  await w.button("Leave a message").click();
  await w.focusOn("bw-lname");
  await w.field("Name").fill("Sam");
  await w.field("Email").fill("sam@example.com");
  await w.field("Your message").fill("Do you have kayaks for two children?");
  await w.button("Send message").click();
  await w.see("Thank you! Your message was sent");
  assert.equal(await w.button("Leave a message").count(), 0, "the offer is gone");
  done(w);
});
