//! How each stored event reads in the agent's transcript. Message texts are passed through as
//! text (the view never renders them as HTML); structural events become short English notes.

use baton_core::{Event, EventKind, FileRef};

/// Who a line comes from, which also decides its look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Speaker {
    Visitor,
    Bot,
    Agent(String),
    /// Agents only; drawn as a clearly marked note.
    Internal(String),
    /// A state change ("Ann joined", "Missed").
    System,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub seq: u64,
    pub at: i64,
    pub speaker: Speaker,
    pub text: String,
    /// A file sent in the chat: shown as a thumbnail (inline images) or a download link.
    pub file: Option<FileRef>,
}

impl Speaker {
    /// CSS class of the line.
    pub fn class(&self) -> &'static str {
        match self {
            Self::Visitor => "line visitor",
            Self::Bot => "line bot",
            Self::Agent(_) => "line agent",
            Self::Internal(_) => "line internal",
            Self::System => "line system",
        }
    }

    /// The label above the text.
    pub fn label(&self, visitor_name: &str) -> String {
        match self {
            Self::Visitor => visitor_name.to_string(),
            Self::Bot => "Bot".into(),
            Self::Agent(name) => name.clone(),
            Self::Internal(name) => format!("Internal note · {name}"),
            Self::System => String::new(),
        }
    }
}

pub fn line(event: &Event) -> Line {
    let (speaker, text) = match &event.kind {
        EventKind::VisitorMessage { text, .. } => (Speaker::Visitor, text.clone()),
        // "Did you mean…?" offers show what the visitor could pick from.
        EventKind::BotMessage {
            text, suggestions, ..
        } if !suggestions.is_empty() => (
            Speaker::Bot,
            format!("{text} [Offered: {}]", suggestions.join(" · ")),
        ),
        EventKind::BotMessage { text, .. } => (Speaker::Bot, text.clone()),
        EventKind::AgentMessage { agent, text, .. } => {
            (Speaker::Agent(agent.name.clone()), text.clone())
        }
        EventKind::InternalComment { agent, text } => {
            (Speaker::Internal(agent.name.clone()), text.clone())
        }
        EventKind::Attachment {
            agent,
            file,
            internal,
        } => {
            let speaker = match (agent, internal) {
                (None, _) => Speaker::Visitor,
                (Some(agent), true) => Speaker::Internal(agent.name.clone()),
                (Some(agent), false) => Speaker::Agent(agent.name.clone()),
            };
            return Line {
                seq: event.seq,
                at: event.at,
                speaker,
                text: format!("{} ({})", file.name, size(file.size)),
                file: Some(file.clone()),
            };
        }
        other => (Speaker::System, note(other)),
    };
    Line {
        seq: event.seq,
        at: event.at,
        speaker,
        text,
        file: None,
    }
}

/// "12 KB", "3.4 MB": a file's size as people read it.
pub fn size(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{} KB", bytes.div_ceil(1_000)),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

/// Where the dashboard fetches a file of a conversation (same origin, the session's cookie).
pub fn file_url(site_id: &str, conversation_id: &str, file: &FileRef) -> String {
    let enc = |part: &str| -> String {
        part.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "/api/v1/sites/{}/conversations/{}/attachments/{}",
        enc(site_id),
        enc(conversation_id),
        enc(&file.id)
    )
}

fn note(kind: &EventKind) -> String {
    match kind {
        EventKind::ContactRequested => "Visitor asked for a person; contact form shown".into(),
        EventKind::ContactReceived { name, email } => format!("Contact given: {name} <{email}>"),
        EventKind::Waiting { group: Some(group) } => format!("Waiting for an agent of {group}"),
        EventKind::Waiting { group: None } => "Waiting for an agent".into(),
        EventKind::WaitNotice => "Visitor was asked to keep waiting".into(),
        EventKind::LeaveMessageOffered => "Visitor was offered to leave a message".into(),
        EventKind::NoAgentsAvailable { .. } => {
            "No agent was available; contact details given".into()
        }
        EventKind::AgentJoined { agent } => format!("{} joined the chat", agent.name),
        EventKind::AgentLeft { agent } => format!("{} left the chat", agent.name),
        EventKind::Missed { .. } => "Missed: nobody accepted in time; the bot answers again".into(),
        EventKind::Forwarded { group } => format!("Forwarded to {group}"),
        EventKind::TicketCreated { .. } => "Visitor left a message (ticket created)".into(),
        EventKind::VisitorBlocked { agent, reason } => {
            format!("Visitor blocked by {}: {reason}", agent.name)
        }
        EventKind::Archived { agent } => format!("Archived by {}", agent.name),
        EventKind::RatingRequested { .. } => "Visitor was asked to rate the chat".into(),
        EventKind::Rated { score, comment } if comment.is_empty() => {
            format!("Visitor rated the chat {score}/5")
        }
        EventKind::Rated { score, comment } => {
            format!("Visitor rated the chat {score}/5: {comment}")
        }
        // Message kinds are handled by `line`; a new kind still shows something.
        _ => kind.preview().unwrap_or("Conversation updated").to_string(),
    }
}

/// "14:05" in the agent's time zone; `offset_minutes` as JavaScript's getTimezoneOffset gives it.
pub fn clock(at: i64, offset_minutes: i64) -> String {
    let local = at.div_euclid(60_000) - offset_minutes;
    let minutes_of_day = local.rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
}

/// "3 min", "2 h", for how long something has waited.
pub fn ago(from: i64, now: i64) -> String {
    let seconds = ((now - from) / 1000).max(0);
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => format!("{} min", seconds / 60),
        3600..=86_399 => format!("{} h", seconds / 3600),
        _ => format!("{} d", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::event;
    use baton_core::AgentRef;

    #[test]
    fn files_read_as_their_sender_and_a_notes_file_as_a_note() {
        let file = FileRef {
            id: "f1".into(),
            name: "<b>bill</b>.pdf".into(),
            mime: "application/pdf".into(),
            size: 12_345,
            inline: false,
        };
        let ann = AgentRef {
            id: "a".into(),
            name: "Ann".into(),
        };
        let from = |agent: Option<AgentRef>, internal| {
            line(&event(
                3,
                EventKind::Attachment {
                    agent,
                    file: file.clone(),
                    internal,
                },
            ))
        };
        let visitors = from(None, false);
        assert_eq!(visitors.speaker, Speaker::Visitor);
        assert_eq!(visitors.text, "<b>bill</b>.pdf (13 KB)");
        assert_eq!(visitors.file.as_ref(), Some(&file));
        assert_eq!(
            from(Some(ann.clone()), false).speaker,
            Speaker::Agent("Ann".into())
        );
        assert_eq!(
            from(Some(ann), true).speaker,
            Speaker::Internal("Ann".into())
        );
        assert_eq!(size(999), "999 B");
        assert_eq!(size(2_500_000), "2.5 MB");
        assert_eq!(
            file_url("s 1", "c", &file),
            "/api/v1/sites/s%201/conversations/c/attachments/f1"
        );
    }

    #[test]
    fn messages_keep_their_text_and_notes_are_sentences() {
        let hostile = "<img src=x onerror=alert(1)>";
        let l = line(&event(
            1,
            EventKind::VisitorMessage {
                text: hostile.into(),
                client_id: None,
            },
        ));
        assert_eq!((l.speaker, l.text.as_str()), (Speaker::Visitor, hostile));
        let ann = AgentRef {
            id: "a".into(),
            name: "Ann".into(),
        };
        let rated = line(&event(
            9,
            EventKind::Rated {
                score: 4,
                comment: "Quick <b>".into(),
            },
        ));
        assert_eq!(rated.text, "Visitor rated the chat 4/5: Quick <b>");
        let joined = line(&event(2, EventKind::AgentJoined { agent: ann.clone() }));
        assert_eq!(joined.text, "Ann joined the chat");
        let note = line(&event(
            3,
            EventKind::InternalComment {
                agent: ann,
                text: "VIP".into(),
            },
        ));
        assert_eq!(note.speaker.label("Vera"), "Internal note · Ann");
        assert_eq!(note.speaker.class(), "line internal");
    }

    #[test]
    fn clock_and_ago() {
        // 1970-01-01 10:30 UTC shown in UTC+2 (offset -120).
        assert_eq!(clock(10 * 3_600_000 + 30 * 60_000, -120), "12:30");
        assert_eq!(clock(0, 60), "23:00");
        assert_eq!(ago(0, 59_000), "59 s");
        assert_eq!(ago(0, 120_000), "2 min");
        assert_eq!(ago(0, 7_200_000), "2 h");
        assert_eq!(ago(10, 0), "0 s");
    }
}
