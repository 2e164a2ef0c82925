//! Settings → Privacy without the view: what the admin typed as a lookup (an email or a
//! conversation id, by the core's rule), and one readable line per erase-log entry.

use baton_core::privacy::{ErasedKind, Eraser, ErasureCause, ErasureRecord, Lookup};

use super::calendar::format_date;
use super::transcript::clock;

/// The query string of an export and the body of an erase for what the admin typed, or the
/// core's reason it is not a lookup.
pub fn lookup(input: &str) -> Result<(String, serde_json::Value), String> {
    let input = input.trim();
    let parsed = if input.contains('@') {
        Lookup::parse(Some(input), None)
    } else {
        Lookup::parse(None, Some(input))
    };
    match parsed.map_err(|e| e.to_string())? {
        Lookup::Email(email) => Ok((
            format!("email={}", encode(&email)),
            serde_json::json!({ "email": email }),
        )),
        Lookup::Conversation(id) => Ok((
            format!("conversation={id}"),
            serde_json::json!({ "conversation": id }),
        )),
    }
}

/// Enough of URL encoding for an email address (letters, digits and `@._-` pass).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'@' | b'.' | b'_' | b'-' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn kind_name(kind: ErasedKind) -> &'static str {
    match kind {
        ErasedKind::Conversations => "conversations",
        ErasedKind::Events => "events",
        ErasedKind::Deliveries => "pending deliveries",
        ErasedKind::IndexRows => "list rows",
        ErasedKind::LiveRows => "live-list rows",
        ErasedKind::Tickets => "tickets",
        ErasedKind::TicketMessages => "ticket emails",
        ErasedKind::DeliveryFailures => "failed deliveries",
        ErasedKind::Attachments => "attachments",
        ErasedKind::UnansweredQuestions => "unanswered questions",
        ErasedKind::RefusedEmails => "refused email replies",
        ErasedKind::FactsAnonymised => "statistics rows made anonymous",
    }
}

/// "2026-12-02 05:10 · Grace erased 2 conversations (by email): 2 conversations, 14 events, …"
pub fn describe(record: &ErasureRecord, offset_minutes: i64) -> String {
    let day = (record.at - offset_minutes * 60_000).div_euclid(86_400_000);
    let who = match &record.by {
        Eraser::Admin { name, .. } => name.clone(),
        Eraser::Visitor => "The visitor".into(),
        Eraser::Retention => "Retention".into(),
    };
    let how = match record.cause {
        ErasureCause::Email => "by email",
        ErasureCause::Conversation => "by conversation id",
        ErasureCause::Visitor => "from the widget",
        ErasureCause::Retention => "older than the retention period",
    };
    let counts: Vec<String> = record
        .counts
        .0
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind_name(*kind)))
        .collect();
    format!(
        "{} {} · {who} erased {} conversation{} ({how}): {}",
        format_date(day),
        clock(record.at, offset_minutes),
        record.conversations,
        if record.conversations == 1 { "" } else { "s" },
        counts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use baton_core::privacy::ErasedCounts;

    #[test]
    fn an_email_or_a_conversation_id_by_the_cores_rule() {
        let (query, body) = lookup(" Vera+1@Example.com ").unwrap();
        assert_eq!(query, "email=vera%2B1@example.com");
        assert_eq!(body, serde_json::json!({ "email": "vera+1@example.com" }));
        let id = "0123456789abcdef0123456789abcdef";
        let (query, body) = lookup(id).unwrap();
        assert_eq!(query, format!("conversation={id}"));
        assert_eq!(body["conversation"], id);
        assert!(lookup("").is_err());
        assert!(lookup("not-an-id").unwrap_err().contains("conversation"));
        assert!(lookup("a@").unwrap_err().contains("email"));
    }

    #[test]
    fn a_log_line_says_who_when_how_and_how_many() {
        let mut counts = ErasedCounts::default();
        counts.add(ErasedKind::Conversations, 2);
        counts.add(ErasedKind::Events, 14);
        let record = ErasureRecord {
            id: "l1".into(),
            site_id: "s".into(),
            at: 1_796_188_000_000,
            by: Eraser::Admin {
                agent_id: "a".into(),
                name: "Grace".into(),
            },
            cause: ErasureCause::Email,
            conversations: 2,
            counts,
        };
        let line = describe(&record, 0);
        assert!(
            line.ends_with("Grace erased 2 conversations (by email): 2 conversations, 14 events"),
            "{line}"
        );
        assert!(line.starts_with("2026-"), "{line}");
    }
}
