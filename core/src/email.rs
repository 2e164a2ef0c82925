//! Emails Baton sends (a ticket to the team today; transcripts, digests and sign-up links build
//! on it): their content as plain data, built here so it is tested natively, and escaped so that
//! visitor text never becomes HTML in anyone's mail client.
//!
//! This module does not speak MIME and sends nothing: the edge turns an [`OutgoingEmail`] into a
//! message for the `send_email` binding. A conversation queues one as
//! [`crate::Delivery::Email`], so it leaves through the durable outbox like a webhook.

use serde::{Deserialize, Serialize};

use crate::conversation::TicketDraft;

/// One email, ready for the edge to send.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OutgoingEmail {
    /// A validated address (see [`crate::validate::email`]).
    pub to: String,
    /// One line; the edge refuses line breaks in headers.
    pub subject: String,
    /// The plain-text part: always present, so every client can show it.
    pub text: String,
    /// The HTML part, built only with [`escape_html`] around anything a visitor wrote.
    #[serde(default)]
    pub html: Option<String>,
    /// Where replies go (the visitor, for a ticket sent to the team).
    #[serde(default)]
    pub reply_to: Option<String>,
}

/// Text made safe inside HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A header value on one line: line breaks would let text add headers of its own.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    match trimmed.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed,
    }
}

/// Paragraphs of escaped text, line breaks kept.
fn html_paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|para| format!("<p>{}</p>", escape_html(para).replace('\n', "<br>")))
        .collect()
}

/// The team's copy of a left message: to the site's ticket address, replies to the visitor.
pub fn ticket_notice(site_id: &str, to: &str, ticket: &TicketDraft) -> OutgoingEmail {
    let subject = one_line(
        &format!("[{site_id}] New message from {}", ticket.name),
        150,
    );
    let text = format!(
        "{name} <{email}> left a message on {site_id}:\n\n{message}\n\n\
         Ticket {id}. Reply to this email to answer {name}, or close it in the dashboard.\n",
        name = ticket.name,
        email = ticket.email,
        message = ticket.message,
        id = ticket.ticket_id,
    );
    let html = format!(
        "<p><strong>{name}</strong> &lt;{email}&gt; left a message on {site}:</p>\
         <blockquote>{message}</blockquote>\
         <p>Ticket {id}. Reply to this email to answer {name}, or close it in the dashboard.</p>",
        name = escape_html(&ticket.name),
        email = escape_html(&ticket.email),
        site = escape_html(site_id),
        message = html_paragraphs(&ticket.message),
        id = escape_html(&ticket.ticket_id),
    );
    OutgoingEmail {
        to: to.to_owned(),
        subject,
        text,
        html: Some(html),
        reply_to: Some(ticket.email.clone()),
    }
}

/// An agent's answer to a ticket, to the visitor: replies go to `reply_address` (signed by the
/// edge, so the answer threads back into this ticket).
pub fn ticket_answer(
    site_name: &str,
    ticket: &TicketDraft,
    agent_name: &str,
    text: &str,
    reply_address: &str,
) -> OutgoingEmail {
    let subject = one_line(&format!("Re: your message to {site_name}"), 150);
    let quoted: String = ticket
        .message
        .lines()
        .map(|line| format!("> {line}\n"))
        .collect();
    let body = format!(
        "{text}\n\n{agent_name}, {site_name}\n\nYou wrote:\n{quoted}\n\
         Reply to this email to answer; please keep this address.\n"
    );
    let html = format!(
        "{answer}<p>{agent}, {site}</p><p>You wrote:</p><blockquote>{message}</blockquote>\
         <p>Reply to this email to answer; please keep this address.</p>",
        answer = html_paragraphs(text),
        agent = escape_html(agent_name),
        site = escape_html(site_name),
        message = html_paragraphs(&ticket.message),
    );
    OutgoingEmail {
        to: ticket.email.clone(),
        subject,
        text: body,
        html: Some(html),
        reply_to: Some(reply_address.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(message: &str) -> TicketDraft {
        TicketDraft {
            ticket_id: "t1".into(),
            name: "Vera <b>".into(),
            email: "vera@example.com".into(),
            message: message.into(),
        }
    }

    #[test]
    fn visitor_text_is_escaped_in_the_html_part_and_kept_verbatim_in_the_text_part() {
        let email = ticket_notice(
            "northwind",
            "team@example.com",
            &draft("<script>alert(1)</script>\n\nsecond & last"),
        );
        let html = email.html.unwrap_or_default();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Vera &lt;b&gt;"));
        assert!(html.contains("<p>second &amp; last</p>"));
        assert!(email.text.contains("<script>alert(1)</script>"));
        assert_eq!(email.reply_to.as_deref(), Some("vera@example.com"));
        assert_eq!(email.to, "team@example.com");
    }

    #[test]
    fn a_subject_never_carries_a_line_break() {
        let mut ticket = draft("hi");
        ticket.name = "Eve\r\nBcc: victim@example.com".into();
        let email = ticket_notice("northwind", "team@example.com", &ticket);
        assert!(!email.subject.contains(['\r', '\n']), "{}", email.subject);
        assert_eq!(one_line(&"x".repeat(10), 4), "xxxx…");
    }

    #[test]
    fn an_email_round_trips_through_its_stored_json() {
        let email = ticket_notice("s", "team@example.com", &draft("hello"));
        let json = serde_json::to_string(&email).unwrap_or_default();
        let back: Result<OutgoingEmail, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(email));
    }
}
