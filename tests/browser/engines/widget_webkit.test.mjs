// The widget's journey in WebKitGTK (Safari's engine, WebKitWebDriver + selenium-webdriver); the full widget suite runs in Chromium.
import { after, before, test } from "node:test";
import { webkit } from "./drivers.mjs";
import { widgetJourney } from "./journeys.mjs";

let engine;
before(async () => {
  engine = await webkit();
});
after(async () => {
  await engine?.close();
});

test("widget in webkit: open, ask the bot, hand over, the agent's reply, a reload keeps the chat", async (t) => {
  await widgetJourney(engine, t);
});
