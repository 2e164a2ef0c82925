//! A visitor and an agent drop and come back with their last sequence number: they get exactly
//! what they missed, nothing lost, nothing twice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use baton_tests::clients::start_conversation;
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

#[tokio::test]
async fn both_sides_resume_from_their_cursor_without_loss_or_duplicates() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let agent = &site.agents[0];
    let _online = SiteSocket::connect(&edge, &site, agent).await;
    let started = start_conversation(
        &edge,
        &site.id,
        serde_json::json!({ "name": "Vera", "email": "vera@example.com" }),
    )
    .await;
    let id = started.conversation_id.clone();
    let mut visitor = VisitorSocket::connect(&edge, &id, &started.token, 0).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let mut chat = AgentSocket::connect(&edge, &site, agent, &id, 0).await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    visitor
        .conn
        .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
        .await;

    // The visitor drops; the agent writes three messages meanwhile.
    let visitor_cursor = visitor.conn.last_seq();
    let seen_before: Vec<u64> = visitor.conn.events().iter().map(|e| e.seq).collect();
    visitor.conn.close().await;
    for i in 1..=3 {
        chat.send(AgentCommand::Message {
            text: format!("agent message {i}"),
            client_id: Some(format!("a{i}")),
        })
        .await;
        chat.conn.wait_event("own echo", |k| matches!(k, EventKind::AgentMessage { text, .. } if *text == format!("agent message {i}"))).await;
    }
    let mut visitor = VisitorSocket::connect(&edge, &id, &started.token, visitor_cursor).await;
    visitor
        .conn
        .wait_event(
            "third",
            |k| matches!(k, EventKind::AgentMessage { text, .. } if text == "agent message 3"),
        )
        .await;
    visitor
        .conn
        .drain(std::time::Duration::from_millis(300))
        .await;
    let replayed: Vec<String> = visitor
        .conn
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::AgentMessage { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        replayed,
        vec!["agent message 1", "agent message 2", "agent message 3"]
    );
    assert!(
        visitor.conn.events().iter().all(|e| e.seq > visitor_cursor),
        "nothing shown twice"
    );
    let mut all_seen: Vec<u64> = seen_before;
    all_seen.extend(visitor.conn.events().iter().map(|e| e.seq));
    let unique: BTreeSet<u64> = all_seen.iter().copied().collect();
    assert_eq!(unique.len(), all_seen.len());

    // The agent drops; the visitor writes two messages, one of them resent (same client id).
    let agent_cursor = chat.conn.last_seq();
    chat.conn.close().await;
    for (text, client_id) in [
        ("visitor one", "v1"),
        ("visitor two", "v2"),
        ("visitor two", "v2"),
    ] {
        visitor
            .send(VisitorCommand::Message {
                text: text.into(),
                client_id: Some(client_id.into()),
            })
            .await;
    }
    visitor
        .conn
        .wait_event(
            "own echo",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "visitor two"),
        )
        .await;
    visitor.send(VisitorCommand::Ping).await;
    visitor
        .conn
        .wait_for("pong", |f| matches!(f, ServerFrame::Pong))
        .await;
    let mut chat = AgentSocket::connect(&edge, &site, agent, &id, agent_cursor).await;
    chat.conn
        .wait_event(
            "second",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "visitor two"),
        )
        .await;
    chat.conn.drain(std::time::Duration::from_millis(300)).await;
    let replayed: Vec<String> = chat
        .conn
        .events()
        .iter()
        .filter_map(|e| e.kind.preview().map(str::to_string))
        .collect();
    assert_eq!(
        replayed,
        vec!["visitor one", "visitor two"],
        "the resend was stored once"
    );
    assert!(chat.conn.events().iter().all(|e| e.seq > agent_cursor));
}
