//! The durable outbox seen from outside: a ticket webhook that fails is retried with the same
//! idempotency key and a valid signature until it arrives, admins see the failure meanwhile,
//! and the ticket exists once. Also: a client's close is answered at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::EventKind;
use baton_tests::edge::fast_settings;
use baton_tests::hooks::{signature_valid, FailurePolicy, WebhookReceiver};
use baton_tests::{Edge, VisitorSocket};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "whsec-test-0123456789";

async fn get_json(edge: &Edge, path: &str, token: &str) -> serde_json::Value {
    edge.http
        .get(format!("{}{path}", edge.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failing_webhook_is_retried_signed_under_one_key_until_it_arrives() {
    let receiver = WebhookReceiver::start(FailurePolicy::FirstN(2)).await;
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.ticket_webhook_url = receiver.url.clone();
    settings.webhook_secret = SECRET.into();
    let site = edge.create_site(settings, 1).await;
    let admin = site.agents[0].token.clone();
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Retry me".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
    receiver
        .wait_until(Duration::from_secs(10), "the first failure", |r| {
            !r.is_empty()
        })
        .await;
    // The failure is visible to admins while it is retried (recorded just after the answer).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let failures = loop {
        let failures = get_json(
            &edge,
            &format!("/api/v1/sites/{}/deliveries", site.id),
            &admin,
        )
        .await;
        if failures.as_array().is_some_and(|f| !f.is_empty()) || receiver.received().len() >= 3 {
            break failures;
        }
        assert!(tokio::time::Instant::now() < deadline, "no failure listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    if receiver.received().len() < 3 {
        let failure = &failures[0];
        assert_eq!(failure["kind"], "webhook");
        assert!(failure["attempts"].as_u64().unwrap() >= 1);
        assert!(failure["next_attempt_at"].is_i64() || failure["next_attempt_at"].is_f64());
        assert!(failure["last_error"].as_str().unwrap().contains("500"));
    }
    // 2 s and 4 s of backoff, then it arrives.
    receiver
        .wait_until(Duration::from_secs(20), "a delivery accepted", |r| {
            r.iter().any(|r| r.status == 204)
        })
        .await;
    let received = receiver.received();
    assert_eq!(received.len(), 3, "two failures, then one success");
    let key = received[0].headers["baton-idempotency-key"].clone();
    assert!(key.contains(":webhook:ticket:"), "{key}");
    for request in &received {
        assert_eq!(request.path, "/hooks/tickets");
        assert_eq!(request.headers["baton-idempotency-key"], key);
        let signature = &request.headers["baton-signature"];
        assert!(
            signature_valid(SECRET, signature, &request.body),
            "bad signature {signature}"
        );
        assert!(!signature_valid("another secret", signature, &request.body));
        let timestamp: i64 = request.headers["baton-timestamp"].parse().unwrap();
        assert!(signature.starts_with(&format!("t={timestamp},")));
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(body["type"], "ticket.created");
        assert_eq!(body["id"], key.as_str());
        assert_eq!(body["ticket"]["message"], "Retry me");
        assert_eq!(body["ticket"]["email"], "vera@example.com");
    }
    // Delivered: the failure leaves the list (cleared right after the 2xx).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let failures = get_json(
            &edge,
            &format!("/api/v1/sites/{}/deliveries", site.id),
            &admin,
        )
        .await;
        if failures.as_array().is_some_and(Vec::is_empty) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still listed: {failures}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tickets = get_json(&edge, &format!("/api/v1/sites/{}/tickets", site.id), &admin).await;
    assert_eq!(tickets.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn deliveries_are_for_admins_of_the_site_only() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let other = edge.create_site(fast_settings(), 1).await;
    for (token, status) in [
        (site.agents[1].token.as_str(), 403),
        (other.agents[0].token.as_str(), 403),
        ("not-a-token", 401),
    ] {
        let response = edge
            .http
            .get(format!("{}/api/v1/sites/{}/deliveries", edge.base, site.id))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "token {token}");
    }
}

#[tokio::test]
async fn a_clients_close_is_answered_at_once() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let visitor = VisitorSocket::start(&edge, &site).await;
    let mut stream = visitor.conn.into_stream();
    stream
        .send(Message::Close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        })))
        .await
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Close(frame)) => return Some(frame),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the edge answered the close within 3 s");
    let frame = answer.expect("a close frame, not a dropped connection");
    assert_eq!(frame.map(|f| f.code), Some(CloseCode::Normal));
}
