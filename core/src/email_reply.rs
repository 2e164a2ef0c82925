//! A visitor's emailed reply to a ticket: which ticket it answers (the signed reply address the
//! edge put in `Reply-To`) and what they wrote (quoted text and signatures cut off), so the
//! thread in the dashboard shows only the new words.
//!
//! The signature itself is checked by the edge (it holds the secret); this module only splits
//! and rebuilds the address and cleans the text, and decides which of a reply's files are kept.

use crate::attachment::AttachmentPolicy;

/// The local part's prefix of every reply address: `ticket+<id>.<signature>@<domain>`.
const PREFIX: &str = "ticket+";

/// The reply address of ticket `ticket_id`, given the edge's `signature` of it.
pub fn reply_address(ticket_id: &str, signature: &str, domain: &str) -> String {
    format!("{PREFIX}{ticket_id}.{signature}@{domain}")
}

/// The ticket id and signature in a reply address, or `None` if it is not one. Ids and
/// signatures are lowercase hex, so nothing else is accepted.
pub fn parse_reply_address(address: &str) -> Option<(String, String)> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _domain) = address.rsplit_once('@')?;
    let rest = local.to_ascii_lowercase();
    let rest = rest.strip_prefix(PREFIX)?;
    let (id, signature) = rest.split_once('.')?;
    let hex = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id) && hex(signature)).then(|| (id.to_owned(), signature.to_owned()))
}

/// Lines that start what a mail client appends below the reply.
fn starts_the_quote(line: &str) -> bool {
    let line = line.trim();
    let lower = line.to_lowercase();
    line == "--"
        || line == "-- "
        || lower.starts_with("-----original message-----")
        || lower.starts_with("________________________________")
        || lower.starts_with("sent from my ")
        || lower.starts_with("get outlook for ")
        // "On Tue, 1 Dec 2026 at 10:00, Ann <ann@…> wrote:", "Am … schrieb Ann <…>:", …
        || (["on ", "am ", "le ", "el ", "den "].iter().any(|p| lower.starts_with(p))
            && lower.ends_with(':')
            && ["wrote", "schrieb", "écrit", "escribió", "skrev"]
                .iter()
                .any(|w| lower.contains(w)))
        || lower.starts_with("from: ") && lower.contains('@')
}

/// The new text of a reply: everything above the first quote marker, without `>` lines.
pub fn visible_reply(text: &str) -> String {
    let mut kept = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // Some clients wrap the "On … wrote:" line in two.
        let joined = lines
            .get(i + 1)
            .map(|next| format!("{} {}", line.trim(), next.trim()));
        if starts_the_quote(line)
            || joined.is_some_and(|j| starts_the_quote(&j) && j.ends_with(':'))
        {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    kept.join("\n").trim().to_owned()
}

/// Files one reply may bring (more are not kept, and the thread says so).
pub const MAX_REPLY_FILES: usize = 10;

/// A file an emailed reply carried: as the MIME part names and types it.
pub struct EmailFile<'a> {
    pub name: Option<&'a str>,
    pub declared_type: Option<&'a str>,
    pub bytes: &'a [u8],
}

/// What becomes of a reply's files: each kept one with its place in the message (which makes
/// its id the same on a second delivery), and a line for the thread about each one that was
/// not kept, so the agent knows something was left out.
pub struct ReplyFiles {
    pub kept: Vec<(usize, crate::attachment::Checked)>,
    pub notes: Vec<String>,
}

/// The same rule as a chat's files ([`crate::attachment::check`], with the site's policy) for
/// each file of a reply; a part without a name is named after its place.
pub fn reply_files(files: &[EmailFile<'_>], policy: &AttachmentPolicy) -> ReplyFiles {
    let mut out = ReplyFiles {
        kept: Vec::new(),
        notes: Vec::new(),
    };
    for (i, file) in files.iter().enumerate() {
        let fallback = format!("attachment-{}", i + 1);
        let name = file.name.unwrap_or(&fallback);
        if i >= MAX_REPLY_FILES {
            out.notes.push(format!(
                "(not kept: {name}: a reply keeps at most {MAX_REPLY_FILES} files)"
            ));
            continue;
        }
        match crate::attachment::check(file.bytes, name, file.declared_type, policy) {
            Ok(checked) => out.kept.push((i, checked)),
            Err(why) => out.notes.push(format!("(not kept: {name}: {why})")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replys_files_pass_the_sites_rule_and_refusals_are_noted() {
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
        let html: &[u8] = b"<html><script>alert(1)</script></html>";
        let files = [
            EmailFile {
                name: Some("photo.png"),
                declared_type: Some("image/png"),
                bytes: png,
            },
            EmailFile {
                name: Some("cat.png"),
                declared_type: Some("image/png"),
                bytes: html,
            },
            EmailFile {
                name: None,
                declared_type: Some("text/plain"),
                bytes: b"order 1234",
            },
        ];
        let result = reply_files(&files, &AttachmentPolicy::default());
        let kept: Vec<_> = result
            .kept
            .iter()
            .map(|(i, c)| (*i, c.name.as_str()))
            .collect();
        assert_eq!(kept, [(0, "photo.png"), (2, "attachment-3")]);
        assert_eq!(result.notes.len(), 1);
        assert!(
            result.notes[0].starts_with("(not kept: cat.png: "),
            "{:?}",
            result.notes
        );
        let many: Vec<_> = (0..12)
            .map(|_| EmailFile {
                name: Some("a.txt"),
                declared_type: None,
                bytes: b"x",
            })
            .collect();
        let result = reply_files(&many, &AttachmentPolicy::default());
        assert_eq!(result.kept.len(), MAX_REPLY_FILES);
        assert_eq!(result.notes.len(), 2);
    }

    #[test]
    fn reply_addresses_round_trip_and_nothing_else_parses() {
        let address = reply_address("9a41bc", "0f3e", "reply.example");
        assert_eq!(address, "ticket+9a41bc.0f3e@reply.example");
        assert_eq!(
            parse_reply_address(&format!("<{address}>")),
            Some(("9a41bc".into(), "0f3e".into()))
        );
        for bad in [
            "ticket+9a41bc@reply.example",
            "ticket+.0f3e@reply.example",
            "ticket+9a41bc.zz@reply.example",
            "support@reply.example",
            "ticket+9a41bc.0f3e",
            "ticket+9a4'bc.0f3e@reply.example",
        ] {
            assert_eq!(parse_reply_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn quoted_text_and_signatures_are_cut_off() {
        let gmail = "Yes, Friday works.\n\nOn Tue, 1 Dec 2026 at 10:00, Ann <ann@shop.example> wrote:\n> Can we call on Friday?\n";
        assert_eq!(visible_reply(gmail), "Yes, Friday works.");
        let wrapped = "Thanks!\nOn Tue, 1 Dec 2026 at 10:00, Ann <ann@shop.example>\nwrote:\n> hi";
        assert_eq!(visible_reply(wrapped), "Thanks!");
        let outlook =
            "See you then\r\n\r\n-----Original Message-----\r\nFrom: Ann <ann@shop.example>\r\nhi";
        assert_eq!(visible_reply(outlook), "See you then");
        let signature = "Great, thanks\n-- \nVera Lind\nCEO";
        assert_eq!(visible_reply(signature), "Great, thanks");
        let phone = "ok\n\nSent from my iPhone";
        assert_eq!(visible_reply(phone), "ok");
        let german = "Passt.\n\nAm 01.12.2026 um 10:00 schrieb Ann <ann@shop.example>:\n> Hallo";
        assert_eq!(visible_reply(german), "Passt.");
        let inline = "> old line\nnew line";
        assert_eq!(visible_reply(inline), "new line");
    }

    #[test]
    fn a_reply_that_is_all_quote_is_empty() {
        assert_eq!(visible_reply("> only quoted\n> text"), "");
    }
}
