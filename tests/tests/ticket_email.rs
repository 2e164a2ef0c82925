//! Tickets answered by email, end to end against `wrangler dev`: an agent's answer produces
//! exactly one email to the visitor with a signed reply address; the visitor's reply, posted as a
//! raw message to the local Email Worker endpoint, lands in that ticket (quoted text cut off) and
//! opens it again; a second delivery of the same message is stored once; a forged reply address
//! is refused and changes nothing; files a reply carries pass the site's rule, are kept once,
//! served only to the site's agents and erased with the visitor's data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::EventKind;
use baton_tests::api::call;
use baton_tests::edge::{fast_settings, unique};
use baton_tests::mail::wait_for_mail;
use baton_tests::{Edge, TestSite, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

/// A visitor leaves a message; answers the ticket's id and the visitor's address.
async fn left_message(edge: &Edge, site: &TestSite) -> (String, String) {
    let email = format!("{}@visitor.example", unique("vera"));
    let mut visitor = VisitorSocket::start(edge, site).await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: email.clone(),
            message: "Do you have kayaks for children?".into(),
        })
        .await;
    let event = visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
    let EventKind::TicketCreated { ticket_id } = event.kind else {
        unreachable!()
    };
    (ticket_id, email)
}

/// An agent answers the ticket; answers the signed reply address of the email that went out.
async fn answered(edge: &Edge, site: &TestSite, ticket: &str, visitor: &str, text: &str) -> String {
    let answers = format!("/api/v1/sites/{}/tickets/{ticket}/answers", site.id);
    let token = &site.agents[0].token;
    let (status, body) = call(
        edge,
        Method::POST,
        &answers,
        token,
        Some(json!({ "text": text })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let mails = wait_for_mail(Duration::from_secs(15), |m| m.to == [visitor.to_owned()])
        .await
        .unwrap();
    mails[0].reply_to.clone().unwrap()
}

/// Posts a raw message to the local Email Worker; answers (status, text).
async fn deliver_email(edge: &Edge, from: &str, to: &str, raw: &str) -> (u16, String) {
    let response = edge
        .http
        .post(format!("{}/cdn-cgi/handler/email", edge.base))
        .query(&[("from", from), ("to", to)])
        .body(raw.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn reply(from: &str, to: &str, message_id: &str, body: &str) -> String {
    format!(
        "From: Vera <{from}>\r\nTo: <{to}>\r\nSubject: Re: your message\r\n\
         Message-ID: <{message_id}>\r\nDate: Wed, 2 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
}

async fn thread(edge: &Edge, site: &TestSite, ticket: &str) -> Value {
    let path = format!("/api/v1/sites/{}/tickets/{ticket}", site.id);
    let (status, body) = call(edge, Method::GET, &path, &site.agents[0].token, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn visitor_messages(thread: &Value) -> Vec<String> {
    thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "visitor")
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn an_answer_is_emailed_once_and_the_reply_threads_back_into_the_ticket() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let token = site.agents[0].token.clone();
    let (ticket, visitor) = left_message(&edge, &site).await;

    let answers = format!("/api/v1/sites/{}/tickets/{ticket}/answers", site.id);
    let text = "Yes, from age 6, with a parent.";
    let (status, body) = call(
        &edge,
        Method::POST,
        &answers,
        &token,
        Some(json!({ "text": text })),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let mails = wait_for_mail(Duration::from_secs(15), |m| m.to == [visitor.clone()])
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "exactly one email per answer: {mails:?}");
    let mail = &mails[0];
    assert!(mail.text.starts_with(text), "{}", mail.text);
    assert!(mail.text.contains("> Do you have kayaks for children?"));
    let reply_to = mail.reply_to.clone().unwrap();
    let prefix = format!("ticket+{ticket}.");
    assert!(reply_to.starts_with(&prefix), "{reply_to}");
    // The signature part is long enough not to be guessed.
    let signature = &reply_to[prefix.len()..reply_to.find('@').unwrap()];
    assert_eq!(signature.len(), 32, "{reply_to}");

    // The agent's answer is in the thread.
    let before = thread(&edge, &site, &ticket).await;
    let agent_bodies: Vec<_> = before["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "agent")
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(agent_bodies, [json!(text)]);

    // Closed, then the visitor replies: the reply lands and the ticket opens again.
    let close = format!("/api/v1/sites/{}/tickets/{ticket}/close", site.id);
    assert_eq!(call(&edge, Method::POST, &close, &token, None).await.0, 200);
    let message_id = format!("{}@visitor.example", unique("msg"));
    let raw = reply(
        &visitor,
        &reply_to,
        &message_id,
        "Great, we will come on Saturday.\r\n\r\nOn Wed, 2 Dec 2026, Ann <baton@example.com> wrote:\r\n> Yes, from age 6\r\n",
    );
    let (status, answer) = deliver_email(&edge, &visitor, &reply_to, &raw).await;
    assert_eq!(status, 200, "{answer}");
    let after = thread(&edge, &site, &ticket).await;
    assert_eq!(
        visitor_messages(&after),
        ["Great, we will come on Saturday."]
    );
    assert_eq!(after["ticket"]["status"], "open");

    // The same message delivered again is stored once.
    let (status, _) = deliver_email(&edge, &visitor, &reply_to, &raw).await;
    assert_eq!(status, 200);
    assert_eq!(
        visitor_messages(&thread(&edge, &site, &ticket).await).len(),
        1
    );
}

#[tokio::test]
async fn forged_and_unknown_reply_addresses_are_refused_and_change_nothing() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let (ticket, visitor) = left_message(&edge, &site).await;
    let forged = [
        format!("ticket+{ticket}.{}@example.com", "0".repeat(32)),
        format!("ticket+{ticket}@example.com"),
        "ticket+00112233445566778899aabb.00112233445566778899aabbccddeeff@example.com".to_owned(),
        "support@example.com".to_owned(),
    ];
    for (i, to) in forged.iter().enumerate() {
        let raw = reply(
            &visitor,
            to,
            &format!("forged-{i}-{ticket}@x.example"),
            "hi",
        );
        let (status, answer) = deliver_email(&edge, &visitor, to, &raw).await;
        assert_eq!(status, 400, "{to}: {answer}");
        assert!(answer.contains("rejected"), "{to}: {answer}");
    }
    assert!(visitor_messages(&thread(&edge, &site, &ticket).await).is_empty());
}

#[tokio::test]
async fn malformed_mime_is_refused_and_changes_nothing() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let (ticket, visitor) = left_message(&edge, &site).await;
    let reply_to = answered(&edge, &site, &ticket, &visitor, "Which date?").await;
    for raw in [
        "this is not an email at all",
        "\u{0}\u{1}\u{2}garbage without headers\r\n\r\n",
        "",
    ] {
        let (status, answer) = deliver_email(&edge, &visitor, &reply_to, raw).await;
        assert_eq!(status, 400, "{raw:?}: {answer}");
    }
    assert!(visitor_messages(&thread(&edge, &site, &ticket).await).is_empty());
}

#[tokio::test]
async fn answers_are_checked_like_any_agent_input() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let other = edge.create_site(fast_settings(), 1).await;
    let (ticket, _) = left_message(&edge, &site).await;
    let token = &site.agents[0].token;
    let answers = format!("/api/v1/sites/{}/tickets/{ticket}/answers", site.id);
    for (body, status) in [
        (json!({ "text": "   " }), 422),
        (json!({ "text": "hi", "extra": 1 }), 400),
        (json!({ "text": "x".repeat(70_000) }), 413),
    ] {
        let (got, answer) = call(&edge, Method::POST, &answers, token, Some(body)).await;
        assert_eq!(got, status, "{answer}");
    }
    // Another site's agent cannot see or answer it, even through their own site's path.
    let foreign = format!("/api/v1/sites/{}/tickets/{ticket}/answers", other.id);
    let (got, _) = call(
        &edge,
        Method::POST,
        &foreign,
        &other.agents[0].token,
        Some(json!({ "text": "hi" })),
    )
    .await;
    assert_eq!(got, 404);
    assert!(thread(&edge, &site, &ticket).await["messages"]
        .as_array()
        .unwrap()
        .is_empty());
}

/// A multipart reply: the text, then each `(name, type, bytes)` as a base64 attachment.
fn reply_with_files(
    from: &str,
    to: &str,
    message_id: &str,
    body: &str,
    files: &[(&str, &str, &[u8])],
) -> String {
    use base64::Engine;
    let mut raw = format!(
        "From: Vera <{from}>\r\nTo: <{to}>\r\nSubject: Re: your message\r\n\
         Message-ID: <{message_id}>\r\nDate: Wed, 2 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    for (name, kind, bytes) in files {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        raw.push_str(&format!(
            "--b1\r\nContent-Type: {kind}; name=\"{name}\"\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
        ));
    }
    raw.push_str("--b1--\r\n");
    raw
}

#[tokio::test]
async fn files_of_a_reply_are_kept_by_the_sites_rule_once_and_served_to_its_agents() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let other = edge.create_site(fast_settings(), 1).await;
    let token = site.agents[0].token.clone();
    let (ticket, visitor) = left_message(&edge, &site).await;
    let reply_to = answered(
        &edge,
        &site,
        &ticket,
        &visitor,
        "Send us a photo of the damage, please.",
    )
    .await;

    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
    let html: &[u8] = b"<html><script>alert(1)</script></html>";
    let message_id = format!("{}@visitor.example", unique("files"));
    let raw = reply_with_files(
        &visitor,
        &reply_to,
        &message_id,
        "Here it is.",
        &[
            ("damage.png", "image/png", png),
            ("cat.png", "image/png", html),
        ],
    );
    let (status, answer) = deliver_email(&edge, &visitor, &reply_to, &raw).await;
    assert_eq!(status, 200, "{answer}");
    // Delivered twice: one message, one file.
    assert_eq!(deliver_email(&edge, &visitor, &reply_to, &raw).await.0, 200);

    let thread = thread(&edge, &site, &ticket).await;
    let replies: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "visitor")
        .collect();
    assert_eq!(replies.len(), 1, "{thread}");
    let reply = replies[0];
    let body = reply["body"].as_str().unwrap();
    assert!(body.starts_with("Here it is."), "{body}");
    assert!(
        body.contains("(not kept: cat.png: "),
        "the agent is told: {body}"
    );
    let files = reply["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{reply}");
    assert_eq!(files[0]["name"], "damage.png");
    assert_eq!(files[0]["inline"], true);
    let file = files[0]["id"].as_str().unwrap();

    let path = format!(
        "/api/v1/sites/{}/tickets/{ticket}/attachments/{file}",
        site.id
    );
    let response = edge
        .http
        .get(format!("{}{path}", edge.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(response.bytes().await.unwrap().as_ref(), png);
    // Another site's agent gets nothing, by either site's path.
    let stranger = &other.agents[0].token;
    assert_eq!(call(&edge, Method::GET, &path, stranger, None).await.0, 403);
    let theirs = format!(
        "/api/v1/sites/{}/tickets/{ticket}/attachments/{file}",
        other.id
    );
    assert_eq!(
        call(&edge, Method::GET, &theirs, stranger, None).await.0,
        404
    );
    let unknown = format!(
        "/api/v1/sites/{}/tickets/{ticket}/attachments/0123abcd",
        site.id
    );
    assert_eq!(
        call(&edge, Method::GET, &unknown, &token, None).await.0,
        404
    );
}
