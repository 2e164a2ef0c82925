// The two other browser engines, behind one small page API, so a journey is written once:
//   Firefox ESR (Gecko) through puppeteer-core over WebDriver BiDi,
//   WebKitGTK's MiniBrowser (WebKit, Safari's engine) through WebKitWebDriver + selenium-webdriver.
// Both are Debian packages installed by scripts/setup.sh (never a tool's own browser download);
// WebKit needs a display: scripts/browser-tests.sh runs the tests under xvfb-run.
// Clicks and typing are real WebDriver input (trusted pointer and key events), not el.click().
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { Builder, Key } from "selenium-webdriver";

/** Upper bound for anything that should happen "at once" (a frame, a render). */
export const SOON = 15_000;

function which(command) {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/** Polls `check` (async, truthy when done) until it is, or fails after `limit` ms naming `what`. */
async function until(what, check, limit = SOON) {
  const end = Date.now() + limit;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`no ${what} within ${limit} ms${last ? `: ${last.message}` : ""}`);
    // Polling the page's state, as Playwright's waitForFunction does; not a wait for time.
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- Firefox: puppeteer-core over WebDriver BiDi ------------------------------------------------

class FirefoxPage {
  constructor(page, context) {
    Object.assign(this, { page, context, errors: [] });
    page.on("pageerror", (e) => this.errors.push(String(e?.message ?? e)));
  }
  async goto(url) {
    await this.page.goto(url, { waitUntil: "load" });
  }
  async reload() {
    await this.page.reload({ waitUntil: "load" });
  }
  evaluate(fn, ...args) {
    return this.page.evaluate(fn, ...args);
  }
  /** Waits until `fn` (run in the page) is truthy there (a returned node does not serialise over BiDi). */
  async waitFor(what, fn, ...args) {
    try {
      await this.page.waitForFunction(fn, { timeout: SOON, polling: 50 }, ...args);
      return true;
    } catch (e) {
      throw new Error(`no ${what} within ${SOON} ms: ${e.message}`);
    }
  }
  /** Waits until `fn` (run in the page) returns an element; real input goes to it. */
  async element(what, fn, ...args) {
    const handle = await until(what, async () => {
      const h = await this.page.evaluateHandle(fn, ...args);
      const el = h.asElement();
      if (!el) await h.dispose();
      return el;
    });
    return {
      click: () => handle.click(),
      type: async (text) => {
        await handle.focus();
        await this.page.keyboard.type(text);
      },
      press: async (key) => {
        await handle.focus();
        await this.page.keyboard.press(key);
      },
      hover: () => handle.hover(),
    };
  }
  close() {
    return this.context.close();
  }
}

export async function firefox() {
  const executablePath = process.env.FIREFOX_BIN || which("firefox-esr") || which("firefox");
  if (!executablePath) throw new Error("no firefox-esr on PATH: run scripts/setup.sh (apt-get install firefox-esr)");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    // No first-run pages, update checks or telemetry: offline and quiet.
    extraPrefsFirefox: { "browser.shell.checkDefaultBrowser": false, "app.update.enabled": false },
  });
  return {
    name: `Firefox ${(await browser.version()).replace(/^firefox\//i, "")}`,
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.setDefaultTimeout(SOON);
      return new FirefoxPage(page, context);
    },
    close: () => browser.close(),
  };
}

// ---- WebKit: WebKitWebDriver + selenium-webdriver ---------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** MiniBrowser ships in libwebkit2gtk-4.1-0's private directory, not on PATH. */
function miniBrowser() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const dir of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]) {
    for (const api of ["webkit2gtk-4.1", "webkitgtk-6.0", "webkit2gtk-4.0"]) {
      const path = join(dir, api, "MiniBrowser");
      if (existsSync(path)) return path;
    }
  }
  throw new Error("no WebKitGTK MiniBrowser: run scripts/setup.sh (apt-get install webkit2gtk-driver)");
}

class WebKitPage {
  constructor(driver, close) {
    Object.assign(this, { driver, closeSession: close, errors: [] });
  }
  async goto(url) {
    await this.driver.get(url);
    await this.installErrorLog();
  }
  async reload() {
    await this.driver.navigate().refresh();
    await this.installErrorLog();
  }
  /** WebDriver classic has no page-error events: the page records its own uncaught errors. */
  async installErrorLog() {
    await this.driver.executeScript(() => {
      if (window.__errors) return;
      window.__errors = [];
      window.addEventListener("error", (e) => window.__errors.push(String(e.message)));
      window.addEventListener("unhandledrejection", (e) => window.__errors.push(String(e.reason)));
    });
  }
  async pageErrors() {
    return (await this.driver.executeScript(() => window.__errors || [])).concat(this.errors);
  }
  evaluate(fn, ...args) {
    return this.driver.executeScript(fn, ...args);
  }
  waitFor(what, fn, ...args) {
    return until(what, () => this.driver.executeScript(fn, ...args));
  }
  async element(what, fn, ...args) {
    const el = await until(what, () => this.driver.executeScript(fn, ...args));
    return {
      click: () => el.click(),
      type: (text) => el.sendKeys(text),
      press: (key) => el.sendKeys(key === "Enter" ? Key.ENTER : key),
      hover: () => this.driver.actions().move({ origin: el }).perform(),
    };
  }
  close() {
    return this.closeSession();
  }
}

export async function webkit() {
  if (!process.env.DISPLAY) {
    throw new Error("WebKit's MiniBrowser needs a display: run under xvfb-run -a (scripts/browser-tests.sh does)");
  }
  const driverBin = process.env.WEBKIT_WEBDRIVER || which("WebKitWebDriver");
  if (!driverBin) throw new Error("no WebKitWebDriver: run scripts/setup.sh (apt-get install webkit2gtk-driver)");
  const binary = miniBrowser();
  const port = await freePort();
  const server = spawn(driverBin, [`--port=${port}`, "--host=127.0.0.1"], { stdio: ["ignore", "ignore", "pipe"] });
  let serverLog = "";
  server.stderr.on("data", (d) => (serverLog = (serverLog + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await until("WebKitWebDriver", async () => (await fetch(`${url}/status`)).ok, 20_000);
  const sessions = new Set();
  const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  return {
    name: `WebKitGTK ${version.replace(/^\D+/, "")}`,
    /** One WebDriver session per page: a MiniBrowser whose automation session is ephemeral. */
    async newPage() {
      const driver = await new Builder()
        .usingServer(url)
        .withCapabilities({
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": { binary, args: ["--automation"] },
        })
        .build();
      await driver.manage().setTimeouts({ script: SOON, pageLoad: 30_000 });
      const close = async () => {
        sessions.delete(close);
        await driver.quit().catch(() => {});
      };
      sessions.add(close);
      return new WebKitPage(driver, close);
    },
    async close() {
      for (const close of [...sessions]) await close();
      server.kill("SIGTERM");
    },
    log: () => serverLog,
  };
}
