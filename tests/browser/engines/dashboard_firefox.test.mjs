// The dashboard's journey in Firefox ESR (Gecko, puppeteer-core over WebDriver BiDi); the full dashboard suite runs in Chromium.
import { after, before, test } from "node:test";
import { firefox } from "./drivers.mjs";
import { dashboardJourney } from "./journeys.mjs";

let engine;
before(async () => {
  engine = await firefox();
});
after(async () => {
  await engine?.close();
});

test("dashboard in firefox: sign in, the Active list, accept a chat, reply", async (t) => {
  await dashboardJourney(engine, t);
});
