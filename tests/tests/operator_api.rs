//! The Operator API end to end: a small "bot platform" on loopback (a webhook receiver that fails
//! 30 % of deliveries) hands a conversation over with 5 messages of history; two agents are
//! notified; the first accept wins; every agent event reaches the platform exactly once per
//! idempotency key, signed; leave & archive tells it control is back. Bad keys are refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame};
use baton_core::EventKind;
use baton_tests::api::call;
use baton_tests::edge::fast_settings;
use baton_tests::hooks::{signature_valid, FailurePolicy, WebhookReceiver};
use baton_tests::{AgentSocket, Edge, SiteSocket, TestSite};
use reqwest::Method;
use serde_json::{json, Value};

const SECRET: &str = "whsec-operator-0123456789";

/// Creates an API key for `site`; answers (id, secret).
async fn api_key(edge: &Edge, site: &TestSite, webhook_url: &str) -> (String, String) {
    let path = format!("/api/v1/sites/{}/api-keys", site.id);
    let (status, body) = call(
        edge,
        Method::POST,
        &path,
        &site.agents[0].token,
        Some(json!({ "name": "DialogStudio", "webhook_url": webhook_url })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("bk_"));
    (body["id"].as_str().unwrap().to_owned(), secret)
}

async fn platform(edge: &Edge, key: &str, path: &str, body: Value) -> (u16, Value) {
    call(edge, Method::POST, path, key, Some(body)).await
}

fn handoff(external_id: &str, history: usize) -> Value {
    let history: Vec<Value> = (0..history)
        .map(|i| {
            let from = if i % 2 == 0 { "visitor" } else { "bot" };
            json!({ "from": from, "text": format!("history {i}") })
        })
        .collect();
    json!({
        "visitor": { "name": "Vera", "email": "vera@example.com" },
        "external_id": external_id,
        "history": history,
    })
}

/// The platform's accepted events (by idempotency key), each body once, in arrival order.
fn accepted_types(receiver: &WebhookReceiver) -> Vec<(String, Value)> {
    let mut seen = std::collections::HashSet::new();
    receiver
        .received()
        .into_iter()
        .filter(|r| r.status < 300)
        .filter_map(|r| {
            let key = r.headers.get("baton-idempotency-key").cloned()?;
            seen.insert(key).then(|| {
                let body: Value = serde_json::from_str(&r.body).unwrap();
                (body["type"].as_str().unwrap_or_default().to_owned(), body)
            })
        })
        .collect()
}

#[tokio::test]
async fn a_platform_hands_over_and_gets_every_agent_event_exactly_once_signed() {
    let receiver = WebhookReceiver::start(FailurePolicy::Random {
        per_mille: 300,
        seed: 3,
        delay_ms: 0,
    })
    .await;
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.webhook_secret = SECRET.into();
    let site = edge.create_site(settings, 2).await;
    let (ann, bob) = (&site.agents[0], &site.agents[1]);
    let (_, key) = api_key(&edge, &site, &receiver.url).await;
    let mut ann_site = SiteSocket::connect(&edge, &site, ann).await;
    let mut bob_site = SiteSocket::connect(&edge, &site, bob).await;

    let (status, body) = platform(
        &edge,
        &key,
        "/api/v1/operator/handoffs",
        handoff("ext-42", 5),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["conversation_id"].as_str().unwrap().to_owned();

    // Both agents are told, with the channel.
    for site_socket in [&mut ann_site, &mut bob_site] {
        let waiting = site_socket
            .conn
            .wait_for(
                "chat waiting",
                |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == id),
            )
            .await;
        let ServerFrame::ChatWaiting { conversation } = waiting else {
            unreachable!()
        };
        assert_eq!(conversation.channel.as_deref(), Some("DialogStudio"));
        assert_eq!(conversation.visitor.name.as_deref(), Some("Vera"));
    }
    let mut ann_chat = AgentSocket::connect(&edge, &site, ann, &id, 0).await;
    let mut bob_chat = AgentSocket::connect(&edge, &site, bob, &id, 0).await;
    // The agent reads the platform's history.
    ann_chat
        .conn
        .wait_event(
            "history",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "history 4"),
        )
        .await;
    ann_chat.send(AgentCommand::Accept).await;
    bob_chat.send(AgentCommand::Accept).await;
    // Whichever accept the conversation's object takes first wins; the other sees who did.
    let outcome = |f: &ServerFrame| {
        matches!(
            f,
            ServerFrame::Claimed { .. } | ServerFrame::AlreadyClaimed { .. }
        )
    };
    let ann_outcome = ann_chat.conn.wait_for("claim outcome", outcome).await;
    let bob_outcome = bob_chat.conn.wait_for("claim outcome", outcome).await;
    let mut winner = match (&ann_outcome, &bob_outcome) {
        (ServerFrame::Claimed { .. }, ServerFrame::AlreadyClaimed { .. }) => ann_chat,
        (ServerFrame::AlreadyClaimed { .. }, ServerFrame::Claimed { .. }) => bob_chat,
        other => panic!("exactly one winner expected: {other:?}"),
    };

    // The platform relays the visitor; the agent answers twice, then leaves & archives.
    let messages = format!("/api/v1/operator/conversations/{id}/messages");
    let (status, body) = platform(
        &edge,
        &key,
        &messages,
        json!({ "text": "Are you a person?" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    winner
        .conn
        .wait_event(
            "relayed",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "Are you a person?"),
        )
        .await;
    for text in ["Yes, Ann here.", "How can I help?"] {
        winner
            .send(AgentCommand::Message {
                text: text.into(),
                client_id: None,
            })
            .await;
    }
    winner.send(AgentCommand::LeaveAndArchive).await;
    winner
        .conn
        .wait_event("archived", |k| matches!(k, EventKind::Archived { .. }))
        .await;

    let wanted = [
        "handoff.waiting",
        "agent.joined",
        "agent.message",
        "agent.message",
        "agent.left",
        "handoff.ended",
    ];
    // Retries back off 2, 4, 8, 16, 32, 64 s: six failures of one key in a row (p ≈ 0.3^6) still
    // arrive within the limit; a usual run takes a few seconds.
    receiver
        .wait_until(Duration::from_secs(300), "every event accepted", |_| {
            accepted_types(&receiver).len() >= wanted.len()
        })
        .await;
    let events = accepted_types(&receiver);
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types.len(), wanted.len(), "{types:?}");
    for kind in wanted {
        assert_eq!(
            types.iter().filter(|t| **t == kind).count(),
            wanted.iter().filter(|t| **t == kind).count(),
            "{kind} in {types:?}"
        );
    }
    let texts: Vec<&str> = events
        .iter()
        .filter(|(t, _)| t == "agent.message")
        .filter_map(|(_, body)| body["event"]["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts.contains(&"Yes, Ann here.") && texts.contains(&"How can I help?"));
    for (_, body) in &events {
        assert_eq!(body["external_id"], "ext-42");
        assert_eq!(body["conversation_id"], id.as_str());
    }
    // Every accepted delivery is signed; a repeat of a key is accepted at most once more after
    // a failure (never twice in a row with success).
    for request in receiver.received().iter().filter(|r| r.status < 300) {
        let signature = request.headers.get("baton-signature").unwrap();
        assert!(signature_valid(SECRET, signature, &request.body));
    }
    assert!(
        receiver.accepted().values().all(|n| *n == 1),
        "each key accepted once: {:?}",
        receiver.accepted()
    );
    // Control is back with the platform: relaying again is refused.
    let (status, _) = platform(&edge, &key, &messages, json!({ "text": "hello?" })).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn unknown_revoked_and_foreign_keys_and_bad_handoffs_are_refused() {
    let receiver = WebhookReceiver::start(FailurePolicy::FirstN(0)).await;
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let other = edge.create_site(fast_settings(), 1).await;
    let (key_id, key) = api_key(&edge, &site, &receiver.url).await;
    let (_, other_key) = api_key(&edge, &other, &receiver.url).await;
    let handoffs = "/api/v1/operator/handoffs";

    let (status, _) = platform(&edge, "bk_unknown", handoffs, handoff("x", 1)).await;
    assert_eq!(status, 401);
    // Oversize history (default limit 20), unknown fields, a bad email: refused, nothing made.
    for (body, want) in [
        (handoff("x", 21), 413),
        (
            json!({ "visitor": { "name": "V", "email": "v@example.com" }, "external_id": "x", "extra": 1 }),
            400,
        ),
        (
            json!({ "visitor": { "name": "V", "email": "not an email" }, "external_id": "x" }),
            422,
        ),
        (
            json!({ "visitor": { "name": "V", "email": "v@example.com" }, "external_id": "" }),
            400,
        ),
    ] {
        let (status, answer) = platform(&edge, &key, handoffs, body).await;
        assert_eq!(status, want, "{answer}");
    }
    let (status, body) = platform(&edge, &key, handoffs, handoff("x", 1)).await;
    assert_eq!(status, 201, "{body}");
    let id = body["conversation_id"].as_str().unwrap().to_owned();
    let messages = format!("/api/v1/operator/conversations/{id}/messages");
    // Another site's key does not reach it.
    let (status, _) = platform(&edge, &other_key, &messages, json!({ "text": "hi" })).await;
    assert_eq!(status, 404);
    // The platform closes the waiting handoff; then revokes its key, which stops working.
    let close = format!("/api/v1/operator/conversations/{id}/close");
    assert_eq!(platform(&edge, &key, &close, json!({})).await.0, 200);
    let revoke = format!("/api/v1/sites/{}/api-keys/{key_id}", site.id);
    let (status, _) = call(&edge, Method::DELETE, &revoke, &site.agents[0].token, None).await;
    assert_eq!(status, 200);
    let (status, _) = platform(&edge, &key, handoffs, handoff("y", 1)).await;
    assert_eq!(status, 401);
    // Keys are listed without their secret.
    let list = format!("/api/v1/sites/{}/api-keys", site.id);
    let (status, keys) = call(&edge, Method::GET, &list, &site.agents[0].token, None).await;
    assert_eq!(status, 200);
    assert!(
        !keys.to_string().contains(&key),
        "a key was returned: {keys}"
    );
    assert!(keys[0]["revoked_at"].is_number());
}

#[tokio::test]
async fn the_agents_typing_reaches_the_platform_signed() {
    let receiver = WebhookReceiver::start(FailurePolicy::FirstN(0)).await;
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.webhook_secret = SECRET.into();
    let site = edge.create_site(settings, 1).await;
    let ann = &site.agents[0];
    let (_, key) = api_key(&edge, &site, &receiver.url).await;
    let _online = SiteSocket::connect(&edge, &site, ann).await;
    let (status, body) = platform(
        &edge,
        &key,
        "/api/v1/operator/handoffs",
        handoff("ext-7", 1),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["conversation_id"].as_str().unwrap().to_owned();
    let mut chat = AgentSocket::connect(&edge, &site, ann, &id, 0).await;
    // Typing before holding the chat is nobody's business; after accepting, it is sent.
    chat.send(AgentCommand::Typing { typing: true }).await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    let typing = || -> Vec<Value> {
        accepted_types(&receiver)
            .into_iter()
            .filter(|(t, _)| t == "agent.typing")
            .map(|(_, body)| body)
            .collect()
    };
    // One state at a time, each awaited at the platform, so they are told in this order.
    for (n, state) in [false, true, false].into_iter().enumerate() {
        chat.send(AgentCommand::Typing { typing: state }).await;
        receiver
            .wait_until(Duration::from_secs(20), "the typing signal", |_| {
                typing().len() > n
            })
            .await;
    }
    let signals = typing();
    // The first "typing" came before the accept, so the platform hears false, true, false.
    let mut states: Vec<(i64, bool)> = signals
        .iter()
        .map(|b| (b["at"].as_i64().unwrap(), b["typing"].as_bool().unwrap()))
        .collect();
    states.sort();
    assert_eq!(
        states.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
        [false, true, false],
        "{signals:?}"
    );
    for body in &signals {
        assert_eq!(body["external_id"], "ext-7");
        assert_eq!(body["conversation_id"], id.as_str());
    }
    for request in receiver.received().iter().filter(|r| r.status < 300) {
        let signature = request.headers.get("baton-signature").unwrap();
        assert!(signature_valid(SECRET, signature, &request.body));
    }
}
