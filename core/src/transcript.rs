//! "Email me this conversation": the transcript a visitor asks for, built from the events the
//! visitor saw (messages and the structural lines), never an internal note. Plain text, and
//! HTML in which every text is escaped.

use crate::email::{escape_html, one_line, OutgoingEmail};
use crate::event::{Event, EventKind};

/// Who said what, as the visitor saw it; `None` for events that are not part of a transcript.
fn line(event: &Event) -> Option<(String, String)> {
    let said = |who: &str, text: &str| Some((who.to_string(), text.to_string()));
    match &event.kind {
        EventKind::VisitorMessage { text, .. } => said("You", text),
        EventKind::BotMessage { text, .. } => said("Assistant", text),
        EventKind::AgentMessage { agent, text, .. } => said(&agent.name, text),
        EventKind::AgentJoined { agent } => said("", &format!("{} joined the chat", agent.name)),
        EventKind::AgentLeft { agent } => said("", &format!("{} left the chat", agent.name)),
        // Internal notes, blocks and archiving are for agents; the rest is scaffolding.
        _ => None,
    }
}

/// The transcript of `events` for `to`, from the site `site_name`.
pub fn transcript(site_name: &str, to: &str, events: &[Event]) -> OutgoingEmail {
    let lines: Vec<(String, String)> = events
        .iter()
        .filter(|e| e.kind.visible_to_visitor())
        .filter_map(line)
        .collect();
    let mut text = format!("Your conversation with {site_name}:\n\n");
    let mut html = format!("<p>Your conversation with {}:</p>", escape_html(site_name));
    for (who, said) in &lines {
        if who.is_empty() {
            text.push_str(&format!("— {said} —\n\n"));
            html.push_str(&format!("<p><em>{}</em></p>", escape_html(said)));
        } else {
            text.push_str(&format!("{who}: {said}\n\n"));
            html.push_str(&format!(
                "<p><strong>{}:</strong> {}</p>",
                escape_html(who),
                escape_html(said).replace('\n', "<br>")
            ));
        }
    }
    OutgoingEmail {
        to: to.to_string(),
        subject: one_line(&format!("Your conversation with {site_name}"), 150),
        text,
        html: Some(html),
        reply_to: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AgentRef;

    fn at(seq: u64, kind: EventKind) -> Event {
        Event { seq, at: 0, kind }
    }

    #[test]
    fn messages_only_escaped_and_never_an_internal_note() {
        let ann = AgentRef {
            id: "a".into(),
            name: "Ann".into(),
        };
        let events = [
            at(
                1,
                EventKind::VisitorMessage {
                    text: "<b>hi</b> & bye".into(),
                    client_id: None,
                },
            ),
            at(
                2,
                EventKind::InternalComment {
                    agent: ann.clone(),
                    text: "secret note".into(),
                },
            ),
            at(3, EventKind::AgentJoined { agent: ann.clone() }),
            at(
                4,
                EventKind::AgentMessage {
                    agent: ann,
                    text: "Hello\nVera".into(),
                    client_id: None,
                },
            ),
            at(5, EventKind::ContactRequested),
        ];
        let mail = transcript("Fjord <Shop>", "vera@example.com", &events);
        assert_eq!(mail.to, "vera@example.com");
        assert_eq!(mail.subject, "Your conversation with Fjord <Shop>");
        assert_eq!(
            mail.text,
            "Your conversation with Fjord <Shop>:\n\nYou: <b>hi</b> & bye\n\n\
             — Ann joined the chat —\n\nAnn: Hello\nVera\n\n"
        );
        let html = mail.html.unwrap_or_default();
        assert!(html.contains("&lt;b&gt;hi&lt;/b&gt; &amp; bye"), "{html}");
        assert!(html.contains("Hello<br>Vera"), "{html}");
        assert!(html.contains("Fjord &lt;Shop&gt;"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("secret"));
        assert!(!mail.text.contains("secret"));
    }
}
