// What the edge would have emailed, for browser tests: `wrangler dev` writes each message of the
// send_email binding to an .eml file and logs "send_email binding called with the following
// message:" followed by its path. This reads the edge's log (BATON_EDGE_LOG, exported by
// start_edge) and parses the files with postal-mime (independent of the edge's mail-builder).
import { readFileSync } from "node:fs";
import PostalMime from "postal-mime";

const MARKER = "send_email binding called with the following message:";

function loggedFiles(log) {
  const files = [];
  const lines = log.split("\n");
  for (let i = 0; i < lines.length - 1; i += 1) {
    if (!lines[i].includes(MARKER)) continue;
    // eslint-disable-next-line no-control-regex
    const path = lines[i + 1].replace(/\x1b\[[0-9;]*m/g, "").trim();
    if (path.startsWith("/")) files.push(path);
  }
  return files;
}

/** Every message sent since the edge started, oldest first: {from, to, subject, text, html, replyTo, messageId, raw}. */
export async function sentMail() {
  const logPath = process.env.BATON_EDGE_LOG;
  if (!logPath) throw new Error("BATON_EDGE_LOG is not set (the edge's log file, see start_edge)");
  const mails = [];
  for (const file of loggedFiles(readFileSync(logPath, "utf8"))) {
    const raw = readFileSync(file, "utf8");
    const parsed = await PostalMime.parse(raw);
    mails.push({
      from: parsed.from?.address ?? "",
      to: (parsed.to ?? []).map((a) => a.address),
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      html: parsed.html ?? null,
      replyTo: parsed.replyTo?.[0]?.address ?? null,
      messageId: parsed.messageId ?? "",
      raw,
    });
  }
  return mails;
}

/** Waits (polling the log, at most `timeoutMs`) until some message matches; answers all that match then. */
export async function waitForMail(matches, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await sentMail()).filter(matches);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no matching email within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
