// Screenshots for the README's "Installing the dashboard as an app": the dashboard in Chromium at
// a phone's and a desktop's size, signed in, on Settings → Notifications (where an agent turns
// push and the email digest on after installing). The browsers' own install menus cannot be
// captured headless; the README names them in words.
//
//   BATON_EDGE_URL=… BATON_BOOTSTRAP_TOKEN=… node scripts/screenshots.mjs   → docs/screenshots/
import { mkdirSync } from 'node:fs';
import { createSite, launch } from '../tests/browser/dashboard/harness.mjs';
import { AgentPage } from '../tests/browser/dashboard/agent_page.mjs';

const out = new URL('../docs/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const browser = await launch();
try {
  const site = await createSite({ agents: [{ name: 'Ann', role: 'admin' }] });
  for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]]) {
    const dashboard = await AgentPage.open(browser, site, site.agents[0], { viewport });
    await dashboard.context.grantPermissions(['notifications']);
    await dashboard.go(`#/${site.id}/settings`);
    const section = dashboard.page.locator('.push-settings');
    await dashboard.page.locator('.digest-site').waitFor();
    await section.scrollIntoViewIfNeeded();
    await dashboard.page.screenshot({ path: `${out}notifications-${name}.png` });
    console.log(`screenshots: ${out}notifications-${name}.png`);
    await dashboard.context.close();
  }
} finally {
  await browser.close();
}
