//! Email through the `send_email` binding, read back from what `wrangler dev` would have sent:
//! a left message is emailed to the site's ticket address once, replies going to the visitor,
//! with the visitor's text escaped in the HTML part; a bad address is refused and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::EventKind;
use baton_tests::api::call;
use baton_tests::edge::{fast_settings, unique};
use baton_tests::mail::{sent_mail, wait_for_mail};
use baton_tests::{Edge, VisitorSocket};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_left_message_is_emailed_to_the_team_once_with_the_visitor_as_reply_to() {
    let edge = Edge::shared();
    let team = format!("{}@team.example", unique("tickets"));
    let mut settings = fast_settings();
    settings.ticket_email = team.clone();
    let site = edge.create_site(settings, 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    let message = "<script>alert('x')</script> Please call me back & soon";
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: message.into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;

    let mails = wait_for_mail(Duration::from_secs(15), |m| m.to == [team.clone()])
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "one email per ticket: {mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.from, "baton@example.com");
    assert_eq!(mail.reply_to.as_deref(), Some("vera@example.com"));
    assert!(mail.subject.contains(&site.id), "{}", mail.subject);
    assert!(mail.subject.contains("Vera"), "{}", mail.subject);
    assert!(mail.text.contains(message), "{}", mail.text);
    let html = mail.html.as_deref().unwrap_or_default();
    assert!(
        !html.contains("<script>"),
        "visitor text became HTML: {html}"
    );
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!mail.message_id.is_empty());
}

#[tokio::test]
async fn a_bad_ticket_address_is_refused_and_the_stored_one_kept() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.ticket_email = "team@example.com".into();
    let site = edge.create_site(settings, 1).await;
    let admin = &site.agents[0].token;
    let path = format!("/api/v1/sites/{}/settings", site.id);
    for bad in ["not an email", "a@b\r\nBcc: x@y.example", "<a@b.example>"] {
        let (status, body) = call(
            &edge,
            Method::PATCH,
            &path,
            admin,
            Some(json!({ "ticket_email": bad })),
        )
        .await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert!(body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("ticket_email"));
    }
    let (status, stored) = call(&edge, Method::GET, &path, admin, None).await;
    assert_eq!(status, 200);
    assert_eq!(stored["ticket_email"], "team@example.com");
    // Nothing was sent to any of the refused addresses.
    let sent = sent_mail().unwrap();
    assert!(sent.iter().all(|m| !m.raw.contains("not an email")));
}
