use super::*;
use crate::conversation::{Phase, VisitorProfile};
use crate::event::EventKind;

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccccccccccccccccccc";

fn summary(
    id: &str,
    site: &str,
    email: Option<&str>,
    phase: Phase,
    at: Millis,
) -> ConversationSummary {
    ConversationSummary {
        id: id.into(),
        site_id: site.into(),
        phase,
        group: None,
        agent: None,
        visitor: VisitorProfile {
            email: email.map(Into::into),
            name: Some("Ada".into()),
            ..VisitorProfile::default()
        },
        waiting_since: None,
        started_at: at,
        updated_at: at,
        last_message: None,
        blocked: false,
        channel: None,
    }
}

fn conversation(summary: ConversationSummary) -> ExportedConversation {
    ExportedConversation {
        id: summary.id.clone(),
        events: vec![Event {
            seq: 1,
            at: summary.started_at,
            kind: EventKind::VisitorMessage {
                text: "my order 42".into(),
                client_id: None,
            },
        }],
        summary: Some(summary),
    }
}

fn ticket(id: &str, conversation_id: &str, email: &str, at: Millis) -> ExportedTicket {
    ExportedTicket {
        id: id.into(),
        conversation_id: conversation_id.into(),
        name: "Ada".into(),
        email: email.into(),
        message: "call me".into(),
        transcript: String::new(),
        status: "open".into(),
        created_at: at,
        thread: Vec::new(),
    }
}

#[test]
fn a_lookup_is_exactly_one_valid_field() {
    assert_eq!(
        Lookup::parse(Some(" Ada@Example.com "), None),
        Ok(Lookup::Email("ada@example.com".into()))
    );
    assert_eq!(
        Lookup::parse(None, Some(A)),
        Ok(Lookup::Conversation(A.into()))
    );
    assert_eq!(Lookup::parse(None, None), Err(PrivacyError::OneLookup));
    assert_eq!(
        Lookup::parse(Some(""), Some("  ")),
        Err(PrivacyError::OneLookup)
    );
    assert_eq!(
        Lookup::parse(Some("a@b.co"), Some(A)),
        Err(PrivacyError::OneLookup)
    );
    assert_eq!(
        Lookup::parse(Some("not an email"), None),
        Err(PrivacyError::BadEmail)
    );
    assert_eq!(
        Lookup::parse(None, Some("../x")),
        Err(PrivacyError::BadConversation)
    );
    assert_eq!(
        Lookup::parse(None, Some(&A.to_uppercase())),
        Err(PrivacyError::BadConversation)
    );
}

#[test]
fn an_export_by_email_holds_that_visitors_conversations_and_tickets_of_this_site_only() {
    let lookup = Lookup::Email("ada@example.com".into());
    let conversations = vec![
        conversation(summary(
            B,
            "s",
            Some("ADA@example.com"),
            Phase::Archived,
            20,
        )),
        conversation(summary(A, "s", Some("ada@example.com"), Phase::Missed, 10)),
        conversation(summary(C, "s", Some("bob@example.com"), Phase::Archived, 5)),
        conversation(summary(
            C,
            "other",
            Some("ada@example.com"),
            Phase::Archived,
            5,
        )),
    ];
    let tickets = vec![
        ticket("t2", B, "ada@example.com", 30),
        ticket(
            "t1",
            "dddddddddddddddddddddddddddddddd",
            "Ada@Example.com",
            1,
        ),
        ticket("t3", C, "bob@example.com", 2),
    ];
    let Ok(export) = export("s", &lookup, conversations, tickets, 99) else {
        panic!("nothing exported")
    };
    assert_eq!(export.format, EXPORT_FORMAT);
    assert_eq!(export.exported_at, 99);
    let ids: Vec<&str> = export.conversations.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [A, B], "oldest first, only Ada's, only this site's");
    let tickets: Vec<&str> = export.tickets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tickets, ["t1", "t2"]);
    assert_eq!(export.conversations[0].events.len(), 1);
    // Unanswered questions: only those of the exported conversations, oldest first.
    let question = |conversation: &str, seq, at| {
        crate::unanswered::Unanswered::new("s", conversation, seq, "dogs?", at)
    };
    let export = export.with_unanswered(vec![
        question(B, 4, 20),
        question(C, 2, 1),
        question(A, 3, 10),
    ]);
    let asked: Vec<(&str, u64)> = export
        .unanswered
        .iter()
        .map(|q| (q.conversation_id.as_str(), q.seq))
        .collect();
    assert_eq!(asked, [(A, 3), (B, 4)]);
    // Refused email replies: only those sent from that email (any case), oldest first.
    let refused = |sender: &str, at| RefusedEmail {
        sender: sender.into(),
        recipient: None,
        reason: "unknown reply address".into(),
        received_at: at,
    };
    let export = export.with_refused_emails(vec![
        refused("Ada@Example.com", 9),
        refused("bob@example.com", 1),
        refused("ada@example.com", 2),
    ]);
    let refused_at: Vec<Millis> = export
        .refused_emails
        .iter()
        .map(|r| r.received_at)
        .collect();
    assert_eq!(refused_at, [2, 9]);
}

#[test]
fn an_export_by_conversation_counts_an_unsummarised_one_and_nothing_is_not_found() {
    let lookup = Lookup::Conversation(A.into());
    let bare = ExportedConversation {
        id: A.into(),
        summary: None,
        events: Vec::new(),
    };
    let Ok(export) = export("s", &lookup, vec![bare.clone()], Vec::new(), 1) else {
        panic!("nothing exported")
    };
    assert_eq!(export.conversations, vec![bare.clone()]);
    // A lookup by conversation names no email: no refused replies.
    let refused = RefusedEmail {
        sender: "ada@example.com".into(),
        recipient: None,
        reason: "unknown ticket".into(),
        received_at: 1,
    };
    assert!(export
        .with_refused_emails(vec![refused])
        .refused_emails
        .is_empty());
    // Another site's conversation under that id is not this site's to export.
    let foreign = conversation(summary(A, "other", None, Phase::Archived, 1));
    assert_eq!(
        super::export("s", &lookup, vec![foreign], Vec::new(), 1),
        Err(PrivacyError::NotFound)
    );
    let lookup = Lookup::Email("nobody@example.com".into());
    assert_eq!(
        super::export("s", &lookup, Vec::new(), Vec::new(), 1),
        Err(PrivacyError::NotFound)
    );
}

#[test]
fn the_log_entry_counts_kinds_and_holds_none_of_the_data() {
    let mut counts = ErasedCounts::default();
    counts.add(ErasedKind::Conversations, 1);
    counts.add(ErasedKind::Events, 7);
    counts.add(ErasedKind::Tickets, 0);
    let mut more = ErasedCounts::default();
    more.add(ErasedKind::Conversations, 1);
    more.add(ErasedKind::FactsAnonymised, 2);
    counts.merge(&more);
    let by = Eraser::Admin {
        agent_id: "agent1".into(),
        name: "Grace".into(),
    };
    let Some(entry) = record("log1".into(), "s", by, ErasureCause::Email, counts, 5) else {
        panic!("no entry")
    };
    assert_eq!(entry.conversations, 2);
    assert_eq!(entry.counts.get(ErasedKind::Events), 7);
    assert_eq!(
        entry.counts.get(ErasedKind::Tickets),
        0,
        "zero counts are left out"
    );
    let json = serde_json::to_string(&entry).unwrap_or_default();
    assert!(json.contains(r#""events":7"#), "{json}");
    assert!(json.contains(r#""facts_anonymised":2"#), "{json}");
    for secret in ["ada@example.com", A, "my order"] {
        assert!(!json.contains(secret), "{json}");
    }
    // A request that erased nothing leaves no line.
    assert_eq!(
        record(
            "log2".into(),
            "s",
            Eraser::Retention,
            ErasureCause::Retention,
            ErasedCounts::default(),
            5
        ),
        None
    );
}

#[test]
fn an_anonymous_fact_id_is_not_the_conversation_id() {
    let id = anonymous_fact_id("0123");
    assert_eq!(id, "erased-0123");
    assert!(!is_conversation_id(&id));
}

#[test]
fn retention_erases_quiet_ended_conversations_only_and_is_off_by_default() {
    let day = 86_400_000;
    let now = 100 * day;
    let old = summary(A, "s", None, Phase::Archived, now - 31 * day);
    let recent = summary(B, "s", None, Phase::Archived, now - 29 * day);
    let live = summary(C, "s", None, Phase::Live, now - 90 * day);
    let bot = summary(C, "s", None, Phase::Bot, now - 31 * day);
    assert!(retention_due(&old, 30 * day, now));
    assert!(!retention_due(&recent, 30 * day, now));
    assert!(
        !retention_due(&live, 30 * day, now),
        "never under a live chat"
    );
    assert!(retention_due(&bot, 30 * day, now));
    assert!(!retention_due(&old, 0, now), "0 is off");
    assert_eq!(crate::SiteSettings::default().retention_ms, 0);
    assert_eq!(retention_cutoff(0, now), None);
    assert_eq!(retention_cutoff(day, now), Some(now - day));
}

#[test]
fn the_next_sweep_follows_the_oldest_conversation_within_an_hour() {
    let now = 1_000_000;
    assert_eq!(next_sweep(0, Some(5), false, now), None, "off: no alarm");
    assert_eq!(next_sweep(2_000, None, false, now), Some(now + 2_000));
    assert_eq!(
        next_sweep(2_000, Some(now - 500), false, now),
        Some(now + 1_501)
    );
    // Something already due (the last batch was cut short): at once, never in the past.
    assert_eq!(
        next_sweep(2_000, Some(now - 9_000), false, now),
        Some(now + 1)
    );
    assert_eq!(next_sweep(2_000, Some(now - 500), true, now), Some(now));
    let month = 30 * 86_400_000;
    assert_eq!(
        next_sweep(month, Some(now), false, now),
        Some(now + RETENTION_SWEEP_MAX_MS)
    );
}
