// The widget's browser tests: Debian's Chromium driven by playwright-core, against a real local
// edge (BATON_EDGE_URL, BATON_BOOTSTRAP_TOKEN; scripts/browser-tests.sh). Each test makes its own
// site through the bootstrap API and its own browser context. Host pages come from a small
// server on another origin (localhost vs 127.0.0.1), as a customer's site would. Agents are
// driven through the edge's WebSocket API. Waits are for frames and selectors, never sleeps.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import WebSocket from "ws";

export const EDGE = (process.env.BATON_EDGE_URL || "http://127.0.0.1:8787").replace(/\/+$/, "");
const BOOTSTRAP = process.env.BATON_BOOTSTRAP_TOKEN || "";
const EDGE_WS = EDGE.replace(/^http/, "ws");
/** Upper bound for anything that should happen "at once" (a frame, a render). */
export const SOON = 10_000;

let counter = 0;
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}`;
}

/** A ladder in seconds and a knowledge base the bot can answer from. */
export function settings(extra = {}) {
  return {
    contact_details: "Call us on +47 912 34 567.",
    time_to_accept_ms: 120_000,
    knowledge_base: [
      { questions: ["What are your opening hours?"], answer: "We are open from 9 to 17." },
      { questions: ["How much does a tour cost?"], answer: "The Fjord Paddle costs 790 NOK." },
    ],
    ...extra,
  };
}

/** Creates a site with `agents` agents ("Agent 1", …; the first is admin). */
export async function createSite(siteSettings = settings(), agents = 1) {
  const id = unique("w");
  const list = Array.from({ length: agents }, (_, i) => ({
    email: `agent${i + 1}@${id}.example.com`,
    name: `Agent ${i + 1}`,
    password: "correct horse battery",
    role: i === 0 ? "admin" : "agent",
  }));
  const response = await fetch(`${EDGE}/api/v1/bootstrap`, {
    method: "POST",
    headers: { authorization: `Bearer ${BOOTSTRAP}`, "content-type": "application/json" },
    body: JSON.stringify({ site: { id, name: "Fjord Shop", settings: siteSettings }, agents: list }),
  });
  if (response.status !== 200) throw new Error(`bootstrap ${response.status}: ${await response.text()}`);
  const created = await response.json();
  return { id, agents: created.agents.map((a) => new Agent(id, a)) };
}

/** A JSON WebSocket that keeps every frame, so a wait sees frames that already arrived. */
class Socket {
  static open(url, token) {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const socket = new Socket(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("error", reject);
    });
  }
  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.waiters = [];
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      for (const w of [...this.waiters]) w(frame);
    });
  }
  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }
  /** The first frame (from index `from`) matching `match`, waiting up to `limit` ms. */
  waitFor(what, match, { from = 0, limit = SOON } = {}) {
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${limit} ms; frames: ${JSON.stringify(this.frames.slice(-5))}`));
      }, limit);
      const waiter = (frame) => {
        if (!match(frame)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(frame);
      };
      this.waiters.push(waiter);
    });
  }
  close() {
    this.ws.close();
  }
}

/** An agent, driven through the edge API: online on the site socket, then one chat socket. */
export class Agent {
  constructor(site, info) {
    Object.assign(this, info);
    this.site = site;
  }
  /** Connects the site socket: the agent is online and available. */
  async online() {
    this.siteSocket = await Socket.open(`${EDGE_WS}/api/v1/sites/${this.site}/ws`, this.token);
    await this.siteSocket.waitFor("snapshot", (f) => f.type === "snapshot");
    return this;
  }
  /** The id of the next conversation that waits for this agent. */
  async nextWaiting(limit = SOON) {
    const frame = await this.siteSocket.waitFor("chat_waiting", (f) => f.type === "chat_waiting", { limit });
    return frame.conversation.id;
  }
  async open(conversationId) {
    this.chat = await Socket.open(
      `${EDGE_WS}/api/v1/sites/${this.site}/conversations/${conversationId}/ws?after=0`,
      this.token,
    );
    await this.chat.waitFor("welcome", (f) => f.type === "welcome");
    return this;
  }
  async accept() {
    this.chat.send({ type: "accept" });
    await this.chat.waitFor("claimed", (f) => f.type === "claimed");
  }
  say(text) {
    this.chat.send({ type: "message", text, client_id: unique("a") });
  }
  typing(typing) {
    this.chat.send({ type: "typing", typing });
  }
  leave() {
    this.chat.send({ type: "leave_and_archive" });
  }
  block(reason, message) {
    this.chat.send({ type: "block", reason, message });
  }
  /** An agent API call with this agent's token. */
  async api(path) {
    const response = await fetch(`${EDGE}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
    return response.json();
  }
  /** The next stored event matching `match` on the chat socket. */
  event(what, match, options) {
    return this.chat.waitFor(what, (f) => f.type === "event" && match(f.event), options);
  }
  close() {
    this.chat?.close();
    this.siteSocket?.close();
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Host pages on their own origin: /plain, /hostile, /csp, /trusted-types (strict policies),
 * /blank, and /notag (the plain page without the widget, for comparisons).
 */
export async function startHostServer() {
  const edgeOrigin = new URL(EDGE).origin;
  const strictCsp = [
    "default-src 'none'",
    `script-src ${edgeOrigin} 'wasm-unsafe-eval'`,
    `connect-src ${edgeOrigin} ${edgeOrigin.replace(/^http/, "ws")}`,
    "style-src 'none'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const site = url.searchParams.get("site") || "";
    const kind = url.pathname.slice(1);
    const hostile = kind === "hostile" ? "<style>* { all: unset } div { display: none !important }</style>" : "";
    // ?preload=idle sets the tag's data-preload attribute; /notag is the same page without it.
    const preload = url.searchParams.get("preload");
    const attr = preload ? ` data-preload="${preload.replace(/[^a-z]/g, "")}"` : "";
    const tag = kind === "notag" ? "" : `<script src="${EDGE}/widget.js" data-site="${site}"${attr} async></script>`;
    const links = kind === "blank" ? "" : '<p><a href="#top">Back to top</a></p>';
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fjord Shop</title>${hostile}</head>
<body><header><p>Fjord Shop</p></header><main><h1>Kayaks and tours</h1><div><p>Rent a kayak for the day.</p></div>${links}</main>
${tag}</body></html>`;
    const headers = { "content-type": "text/html; charset=utf-8" };
    if (kind === "csp") headers["content-security-policy"] = strictCsp;
    if (kind === "trusted-types") {
      headers["content-security-policy"] = `${strictCsp}; require-trusted-types-for 'script'; trusted-types 'none'`;
    }
    res.writeHead(200, headers).end(html);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // "localhost", not 127.0.0.1: a different origin from the edge, like a customer's site.
  const base = `http://localhost:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  return { base, close };
}

/** Chromium with the flags from TOOLCHAIN.md; Playwright gives it a fresh temporary profile. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** A page whose widget failures fail the test: page errors and dialogs are collected. */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  context.setDefaultTimeout(SOON);
  const page = await context.newPage();
  page.errors = [];
  page.dialogs = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("dialog", (d) => {
    page.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  return page;
}

/** axe-core in the page (evaluate is not subject to the page's CSP); violations in `include`. */
export async function axeViolations(page, include = [["baton-chat"]]) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const violations = await page.evaluate(
    (include) =>
      window.axe
        .run(include ? { include } : document, { resultTypes: ["violations"] })
        .then((r) => r.violations),
    include,
  );
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
