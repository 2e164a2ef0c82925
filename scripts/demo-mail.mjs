// Prints every email the demo's edge would have sent (wrangler dev writes them to files instead),
// with the one-time links of sign-up and invitations, so the demo can be signed up to by hand:
//   BATON_EDGE_LOG=.wrangler/demo/wrangler.log node scripts/demo-mail.mjs
// Reads them the way the browser tests do (tests/browser/mail.mjs, postal-mime).
import { sentMail } from "../tests/browser/mail.mjs";

const seen = new Set();
async function poll() {
  let mails = [];
  try {
    mails = await sentMail();
  } catch {
    return; // the log does not exist yet
  }
  for (const mail of mails) {
    const id = mail.messageId || mail.raw;
    if (seen.has(id)) continue;
    seen.add(id);
    const links = mail.text.match(/https?:\/\/\S+#(verify|join|signup)=[0-9a-f]+/g) ?? [];
    const shown = links.map((link) => `\n      open: ${link}`).join("");
    console.log(`  email to ${mail.to.join(", ")}: ${mail.subject}${shown}`);
  }
}
setInterval(poll, 1000);
