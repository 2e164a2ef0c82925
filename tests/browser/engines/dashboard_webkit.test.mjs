// The dashboard's journey in WebKitGTK (Safari's engine, WebKitWebDriver + selenium-webdriver); the full dashboard suite runs in Chromium.
import { after, before, test } from "node:test";
import { webkit } from "./drivers.mjs";
import { dashboardJourney } from "./journeys.mjs";

let engine;
before(async () => {
  engine = await webkit();
});
after(async () => {
  await engine?.close();
});

test("dashboard in webkit: sign in, the Active list, accept a chat, reply", async (t) => {
  await dashboardJourney(engine, t);
});
