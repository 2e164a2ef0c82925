// How fast an agent gets to work (run by scripts/bench-dashboard.sh; not a test), in Chromium:
//   cold  — empty cache: open /app/ → the sign-in form is usable, then Sign in → the Active list
//           (the site socket's snapshot shown: counts in the navigation);
//   warm  — the same browser later (files cached, service worker installed, still signed in):
//           open /app/ → the Active list.
// The network is the loopback; a phone's network adds its own transfer time on top of the cold
// figures (the bundle's bytes are printed by build-dashboard.sh). Medians over RUNS runs (5).
import { launch, createSite } from "./harness.mjs";
import { EDGE } from "./harness.mjs";

const runs = Number(process.env.RUNS || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ACTIVE = 'nav.tabs a[href$="/active"] .count';

const browser = await launch();
const site = await createSite({ agents: [{ name: "Ann", role: "admin" }] });
const [ann] = site.agents;
const results = { form: [], signIn: [], coldTotal: [], warm: [] };
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
    // Generous: a first compile of the wasm on a loaded 2-core machine can take seconds.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    // What the first screen really fetches: the byte count above assumes no lazy module.
    const fetched = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith("/app/")) fetched.push(path.slice(5) || "./");
    });
    const t0 = Date.now();
    await page.goto(`${EDGE}/app/#/${site.id}/active`, { waitUntil: "commit" });
    await page.locator("#login-email").waitFor();
    const form = Date.now() - t0;
    await page.locator("#login-email").fill(ann.email);
    await page.locator("#login-password").fill(ann.password);
    const t1 = Date.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(ACTIVE).waitFor();
    const signIn = Date.now() - t1;
    if (i === 0) {
      console.log(`first screen fetched: ${fetched.join(" ")}`);
      const lazy = fetched.filter((f) => /^dashboard-(split|chunk)_/.test(f));
      if (lazy.length) throw new Error(`the first screen fetched lazy modules: ${lazy.join(" ")}`);
    }
    // The service worker caches the shell once it is active; wait for that before "warm".
    await page.evaluate(() => navigator.serviceWorker?.ready);
    await page.close();

    const again = await context.newPage();
    const t2 = Date.now();
    await again.goto(`${EDGE}/app/#/${site.id}/active`, { waitUntil: "commit" });
    await again.locator(ACTIVE).waitFor();
    const warm = Date.now() - t2;
    await context.close();
    const run = { open_to_sign_in_form_ms: form, sign_in_to_active_ms: signIn, warm_open_to_active_ms: warm };
    console.log(JSON.stringify(run));
    results.form.push(form);
    results.signIn.push(signIn);
    results.coldTotal.push(form + signIn);
    results.warm.push(warm);
  }
  console.log(
    `dashboard (median of ${runs}, phone viewport, loopback): cold open → sign-in form ${median(results.form)} ms, ` +
      `Sign in → Active list ${median(results.signIn)} ms (cold total ${median(results.coldTotal)} ms); ` +
      `warm open → Active list ${median(results.warm)} ms`,
  );
} finally {
  await browser.close();
}
