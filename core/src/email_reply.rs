//! A visitor's emailed reply to a ticket: which ticket it answers (the signed reply address the
//! edge put in `Reply-To`) and what they wrote (quoted text and signatures cut off), so the
//! thread in the dashboard shows only the new words.
//!
//! The signature itself is checked by the edge (it holds the secret); this module only splits
//! and rebuilds the address and cleans the text.

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

#[cfg(test)]
mod tests {
    use super::*;

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
