// The widget's journey in Firefox ESR (Gecko, puppeteer-core over WebDriver BiDi); the full widget suite runs in Chromium.
import { after, before, test } from "node:test";
import { firefox } from "./drivers.mjs";
import { widgetJourney } from "./journeys.mjs";

let engine;
before(async () => {
  engine = await firefox();
});
after(async () => {
  await engine?.close();
});

test("widget in firefox: open, ask the bot, hand over, the agent's reply, a reload keeps the chat", async (t) => {
  await widgetJourney(engine, t);
});
