// Files in the widget (issue 12), as a visitor sends and gets them: the paperclip appears only
// once a person is on the way (its code is fetched then, not with the widget), a pasted
// screenshot and a chosen file reach the agent, the agent's PDF arrives as a link and an image
// as a thumbnail that really loaded, a refused file is said in words, and back with the bot the
// paperclip is gone. axe-core on the state with files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, createSite, launch, newPage, settings, startHostServer, SOON } from "./harness.mjs";
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

// A real 2×2 PNG, so a thumbnail has a size once decoded.
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR42mP8z8DwnwEIGBkZGRkZAQAR9AL+VZ0gVQAAAABJRU5ErkJggg==";
const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

test("files both ways: paste, paperclip, a PDF and an image from the agent, a refusal", async (t) => {
  const site = await createSite(settings());
  const [agent] = site.agents;
  await agent.online();
  const page = await newPage(browser);
  const addOn = [];
  page.on("request", (r) => { if (/\/widget\/attach-[0-9a-f]+\.js$/.test(r.url())) addOn.push(r.url()); });
  t.after(async () => {
    await page.context().close();
    agent.close();
  });
  const w = await new WidgetPage(page, host.base, site.id).goto("plain");
  await w.open();
  await w.see("Hi! I'm the assistant");
  const clip = w.root.locator("label.clip");
  assert.equal(await clip.count(), 0, "no paperclip while the bot answers");
  assert.deepEqual(addOn, [], "the files add-on is not fetched for the bot");

  await w.send("can I talk to a person please?");
  await w.field("Name").fill("Vera Visitor");
  await w.field("Email").fill("vera@example.com");
  await w.button("Start chat").click();
  await w.see("Please wait while we connect you to an agent.");
  await clip.waitFor({ state: "visible", timeout: SOON });
  assert.equal(addOn.length, 1, "fetched once a person is on the way");
  const id = await agent.nextWaiting();
  await agent.open(id);
  await agent.accept();

  // A pasted screenshot goes to the agent.
  await w.input.focus();
  await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "screenshot.png", { type: "image/png" }));
    const input = document.querySelector("baton-chat").shadowRoot.querySelector("#bw-input");
    input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, PNG_BASE64);
  const pasted = await agent.event("the pasted image", (e) => e.type === "attachment" && e.file.name === "screenshot.png");
  assert.equal(pasted.event.agent, undefined, "from the visitor");
  assert.equal(pasted.event.file.inline, true);
  await w.see("screenshot.png");

  // The paperclip: a real file input, reached with the keyboard, named in the visitor's language.
  const input = w.root.locator("label.clip input[type=file]");
  assert.equal(await input.getAttribute("type"), "file");
  await input.focus();
  assert.match(await w.focused(), /^input#/);
  assert.equal((await clip.textContent()).trim(), "Send a file");
  await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("order 1234") });
  await agent.event("the chosen file", (e) => e.type === "attachment" && e.file.name === "notes.txt");

  // The agent's PDF arrives as a link, an image as a thumbnail that loaded.
  const upload = (name, type, bytes) =>
    fetch(`${EDGE}/api/v1/sites/${site.id}/conversations/${id}/attachments?name=${name}`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent.token}`, "content-type": type },
      body: bytes,
    }).then((r) => r.status);
  assert.equal(await upload("bill.pdf", "application/pdf", PDF), 201);
  assert.equal(await upload("map.png", "image/png", Buffer.from(PNG_BASE64, "base64")), 201);
  const pdfRow = await w.see("bill.pdf");
  const link = pdfRow.locator("a");
  assert.match(await link.getAttribute("href"), new RegExp(`/api/v1/conversations/${id}/attachments/[0-9a-f]+\\?token=`));
  assert.equal(await link.getAttribute("target"), "_blank");
  const thumb = (await w.see("map.png")).locator("img");
  await page.waitForFunction(
    (img) => img.complete && img.naturalWidth === 2,
    await thumb.elementHandle(),
    { timeout: SOON },
  );

  // HTML dressed as a PNG is refused, and the visitor is told.
  await input.setInputFiles({ name: "cat.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script>") });
  await w.root.locator("p.alert", { hasText: "This file could not be sent." }).waitFor({ timeout: SOON });
  await w.accessible("chat with files");

  // Back with the bot: no paperclip.
  agent.leave();
  await w.see("Agent 1 left the chat");
  await clip.waitFor({ state: "hidden", timeout: SOON });
  assert.deepEqual(page.errors, [], "no page errors");
});
