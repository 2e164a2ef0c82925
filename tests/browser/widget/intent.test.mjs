// The host page pays nothing until the visitor shows intent: before a hover, focus or touch on
// the launcher (or opening it), the page has fetched widget.js from the edge and nothing else —
// no WebAssembly, glue, CSS or widget-config, no socket. Then the widget loads and works.
// A site may opt in to idle preloading with data-preload="idle". (Focus: isolation's keyboard
// test; a visitor with a stored conversation preloads: continuity's unread-badge test.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createSite, EDGE, launch, newPage, startHostServer } from "./harness.mjs";
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

/** A page recording the paths it requested from the edge (HTTP and WebSocket). */
async function recordingPage(t, site, contextOptions) {
  const page = await newPage(browser, contextOptions);
  t.after(async () => {
    await page.context().close();
    for (const agent of site.agents) agent.close();
  });
  page.edgeRequests = [];
  page.on("request", (r) => {
    if (r.url().startsWith(EDGE)) page.edgeRequests.push(new URL(r.url()).pathname);
  });
  page.on("websocket", (ws) => page.edgeRequests.push(`ws ${new URL(ws.url()).pathname}`));
  return page;
}

/**
 * Waits past the moment an idle preload would have started: the page loaded, the network has
 * been quiet for 500 ms, and the browser ran the idle callbacks queued after `load` (the loader's
 * own idle load used requestIdleCallback with a 4 s timeout, so ours runs after it).
 */
async function pastIdle(page) {
  await page.waitForLoadState("networkidle");
  await page.evaluate(
    () => new Promise((resolve) => requestIdleCallback(() => requestIdleCallback(resolve, { timeout: 5000 }), { timeout: 5000 })),
  );
}

const widgetFiles = (paths) => paths.filter((p) => p.startsWith("/widget/") || p.includes("/widget-config"));

test("nothing but widget.js before intent; a hover loads the widget, which then works", async (t) => {
  const site = await createSite();
  const page = await recordingPage(t, site);
  const w = await new WidgetPage(page, host.base, site.id).goto("plain");
  await w.launcher.waitFor({ state: "visible" });
  await pastIdle(page);
  assert.deepEqual(page.edgeRequests, ["/widget.js"], "only the loader before intent");
  assert.equal(await w.root.locator("aside.bw").count(), 0, "the widget is not mounted");

  await w.intent();
  const fetched = widgetFiles(page.edgeRequests);
  for (const pattern of [/^\/widget\/baton-\w+\.js$/, /^\/widget\/baton-\w+\.wasm$/, /^\/widget\/baton-\w+\.css$/, /\/widget-config$/]) {
    assert.ok(fetched.some((p) => pattern.test(p)), `${pattern} fetched after the hover: ${fetched}`);
  }
  assert.equal(await w.panel.isVisible(), false, "a hover loads, it does not open");

  await w.open();
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  assert.deepEqual(page.errors, []);
});

test("a tap on a phone opens the chat cold: loaded and opened by the same touch", async (t) => {
  const site = await createSite();
  const page = await recordingPage(t, site, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  const w = await new WidgetPage(page, host.base, site.id).goto("blank");
  await pastIdle(page);
  assert.deepEqual(widgetFiles(page.edgeRequests), [], "nothing fetched before the tap");
  await w.launcher.tap();
  await w.panel.waitFor({ state: "visible" });
  await w.focusOn("bw-input");
  await w.send("How much does a tour cost?");
  await w.see("The Fjord Paddle costs 790 NOK.");
  assert.deepEqual(page.errors, []);
});

test('data-preload="idle": the site opts in to loading the widget while the browser is idle', async (t) => {
  const site = await createSite();
  const page = await recordingPage(t, site);
  const w = await new WidgetPage(page, host.base, site.id).goto("plain", { preload: "idle" });
  await w.ready();
  assert.ok(widgetFiles(page.edgeRequests).some((p) => p.endsWith(".wasm")), "wasm fetched without intent");
  assert.equal(await w.panel.isVisible(), false, "preloaded, still closed");
  await w.open();
  await w.send("What are your opening hours?");
  await w.see("We are open from 9 to 17.");
  assert.deepEqual(page.errors, []);
});

test("a click whose press began before the widget loaded still opens it", async (t) => {
  // The widget finishing its load between the press and the release of a click used to swap
  // the loader's launcher for the widget's under the pointer: the release then landed on
  // another element, the browser fired no click, and the chat stayed shut (seen on busy
  // machines). The wasm response is held until the press, so that moment is forced.
  const site = await createSite();
  const page = await recordingPage(t, site);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/widget\/baton-[0-9a-f]+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  const w = await new WidgetPage(page, host.base, site.id).goto("plain");
  const box = await w.launcher.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  release();
  // The widget is ready (its module ran) while the button is still pressed.
  await page.waitForFunction(() => typeof window.Baton?.version === "number");
  await page.waitForResponse(/\/widget\/baton-[0-9a-f]+\.wasm$/);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.mouse.up();
  await w.panel.waitFor({ state: "visible" });
  await w.ready();
  assert.deepEqual(page.errors, [], "no page errors");
});
