// "Did you mean…?": an unclear question gets the closest entries as buttons (plus "Talk to a
// person"), announced in the live region and usable from the keyboard; choosing one answers
// with that entry, and the agent's history shows both the offer and the choice.
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

// The same knowledge base as core's `an_unclear_message_offers_the_closest_entries…` unit test,
// which pins down what the bot offers for "delivery?".
const shop = settings({
  knowledge_base: [
    { questions: ["How long does delivery take?"], answer: "Delivery takes 2 to 4 working days." },
    { questions: ["How much is shipping?", "Is delivery free?"], answer: "Shipping is free over 60 EUR." },
    { questions: ["Do you ship outside the EU?"], answer: "We ship to the UK, Switzerland and the US." },
    { questions: ["What are your opening hours?"], answer: "We are open from 9 to 17." },
  ],
});

test("did you mean: buttons, announced, chosen from the keyboard, answered, in the agent's history", async (t) => {
  const site = await createSite(shop);
  const page = await newPage(browser);
  t.after(async () => {
    await page.context().close();
    for (const agent of site.agents) agent.close();
  });
  const w = await new WidgetPage(page, host.base, site.id).goto();
  await w.open();
  await w.send("delivery?");
  await w.see("Did you mean one of these?");
  const first = w.button("How long does delivery take?");
  await first.waitFor({ state: "visible" });
  await w.button("How much is shipping?").waitFor({ state: "visible" });
  await w.button("Talk to a person").waitFor({ state: "visible" });
  // The live region reads the offer with its questions.
  await page.waitForFunction(() => {
    const live = document.querySelector("baton-chat").shadowRoot.querySelector("[aria-live]");
    return live.textContent.includes("Did you mean") && live.textContent.includes("How long does delivery take?");
  });
  await w.accessible("did you mean");

  // Keyboard: Tab from the composer's field back to the buttons, then Enter on the first.
  await first.focus();
  assert.match(await w.focused(), /^button#\.offer$/, "a suggestion button takes focus");
  await page.keyboard.press("Enter");
  await w.see("Delivery takes 2 to 4 working days.");
  assert.equal(await w.rows("How long does delivery take?").count(), 1, "the choice shows as the visitor's line");
  await first.waitFor({ state: "detached" });
  assert.equal(await w.button("How much is shipping?").count(), 0, "the offer is gone once chosen");

  // The agent's history holds the offer (with its questions) and the choice.
  const { id } = await w.conversation();
  const agent = site.agents[0];
  let history;
  const deadline = Date.now() + SOON;
  do {
    history = await agent.api(`/api/v1/sites/${site.id}/conversations/${id}`);
  } while (!JSON.stringify(history).includes("Delivery takes") && Date.now() < deadline);
  const events = history.events ?? history.conversation?.events ?? [];
  const offer = events.find((e) => e.type === "bot_message" && e.suggestions);
  assert.deepEqual(offer?.suggestions?.slice(0, 2), ["How long does delivery take?", "How much is shipping?"]);
  assert.ok(
    events.some((e) => e.type === "visitor_message" && e.text === "How long does delivery take?"),
    "the chosen question is in the history",
  );
  assert.deepEqual(page.errors, [], "no page errors");
});
