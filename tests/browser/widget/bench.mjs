// Host-page impact of the widget in Chromium (run by scripts/bench-widget.sh; not a test):
//   - long tasks (> 50 ms) on the host page before the visitor interacts (page load, and the
//     idle load of a site with data-preload="idle"), and after a cold click (WebAssembly
//     compiled and mounted then);
//   - time from a click on the launcher to an interactive widget (panel shown, message box
//     focused), cold (the default: nothing loaded before the click, which fetches, compiles and
//     mounts the WebAssembly; a real pointer's hover starts that earlier) and warm (the site
//     set data-preload="idle": loaded while the browser was idle).
// Prints a JSON line per run and a summary; medians over RUNS runs (default 5).
import { createSite, launch, newPage, startHostServer } from "./harness.mjs";

const runs = Number(process.env.RUNS || 5);

/** Clicks the launcher inside the page and resolves with ms until the message box has focus. */
function clickToInteractive() {
  return new Promise((resolve) => {
    const root = document.querySelector("baton-chat").shadowRoot;
    const loaded = Boolean(root.querySelector("aside.bw"));
    const t0 = performance.now();
    root.querySelector(".launcher").click();
    const check = () => {
      const input = root.querySelector("#bw-input");
      if (input && input.checkVisibility() && root.activeElement === input) {
        resolve({ ms: performance.now() - t0, loaded, at: t0 });
      } else {
        requestAnimationFrame(check);
      }
    };
    check();
  });
}

function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: Math.round(e.duration) });
  }).observe({ type: "longtask", buffered: true });
}

/** Long tasks before and after the click (`clickAt`, page time). */
function splitTasks(tasks, clickAt) {
  return {
    before: tasks.filter((t) => t.start < clickAt).map((t) => t.ms),
    after: tasks.filter((t) => t.start >= clickAt).map((t) => t.ms),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await launch();
const host = await startHostServer();
const site = await createSite();
const results = { cold: [], warm: [], longTasks: [], after: [], loaderMs: [] };
try {
  for (let i = 0; i < runs; i++) {
    // Cold: a fresh context (empty cache), click as soon as the loader drew the launcher (no
    // hover first: the worst case). If the widget was somehow loaded already, try again.
    let page;
    let cold;
    let coldTasks;
    for (let attempt = 0; attempt < 5 && !(cold && !cold.loaded); attempt++) {
      page = await newPage(browser);
      await page.addInitScript(observeLongTasks);
      await page.goto(`${host.base}/blank?site=${site.id}`, { waitUntil: "commit" });
      await page.locator("baton-chat button.launcher").waitFor({ state: "attached" });
      cold = await page.evaluate(clickToInteractive);
      coldTasks = splitTasks(await page.evaluate(() => window.__longTasks), cold.at);
      await page.context().close();
    }

    // Warm: data-preload="idle" loads the widget on idle by itself; then the visitor clicks.
    page = await newPage(browser);
    await page.addInitScript(observeLongTasks);
    await page.goto(`${host.base}/blank?site=${site.id}&preload=idle`);
    await page.locator("baton-chat aside.bw").waitFor({ state: "attached" });
    const loaderMs = await page.evaluate(() => {
      const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/widget.js"));
      return entry ? Math.round(entry.duration) : null;
    });
    const warm = await page.evaluate(clickToInteractive);
    const warmTasks = splitTasks(await page.evaluate(() => window.__longTasks), warm.at);
    await page.context().close();

    const run = {
      cold_click_to_interactive_ms: Math.round(cold.ms),
      cold_wasm_was_loaded: cold.loaded,
      warm_click_to_interactive_ms: Math.round(warm.ms),
      long_tasks_before_click: [...coldTasks.before, ...warmTasks.before],
      long_tasks_after_click_cold: coldTasks.after,
      long_tasks_after_click_warm: warmTasks.after,
      loader_fetch_ms: loaderMs,
    };
    console.log(JSON.stringify(run));
    results.cold.push(cold.ms);
    results.warm.push(warm.ms);
    results.longTasks.push(warmTasks.before.length + coldTasks.before.length);
    results.after.push(...coldTasks.after);
    results.loaderMs.push(loaderMs ?? 0);
  }
  console.log(
    `host-page impact (median of ${runs}): click→interactive cold ${Math.round(median(results.cold))} ms, ` +
      `warm ${Math.round(median(results.warm))} ms; long tasks > 50 ms before interaction ` +
      `(page load, and the idle preload): ${results.longTasks.reduce((a, b) => a + b, 0)} in ${runs * 2} page loads; ` +
      `after a cold click: ${results.after.length} (${results.after.join(", ") || "-"} ms); widget.js fetch ${median(results.loaderMs)} ms`,
  );
} finally {
  for (const agent of site.agents) agent.close();
  await host.close();
  await browser.close();
}
