//! What agents do besides accepting: monitor and take control, forward, block, review and
//! archive, join again, typing, auto-assign, settings for the next conversation, sign-out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{AgentCommand, Party, ServerFrame, VisitorCommand};
use baton_core::{ConversationSummary, EventKind, Phase};
use baton_tests::clients::start_conversation;
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

async fn live_chat(
    edge: &Edge,
    site: &baton_tests::TestSite,
    agent: usize,
) -> (VisitorSocket, AgentSocket) {
    let visitor = VisitorSocket::waiting(edge, site).await;
    let mut chat =
        AgentSocket::connect(edge, site, &site.agents[agent], &visitor.conversation_id, 0).await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    (visitor, chat)
}

#[tokio::test]
async fn monitor_shows_bot_chats_and_take_control_needs_no_request() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut monitor = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    monitor
        .conn
        .wait_for("bot chat listed", |f| matches!(f, ServerFrame::ConversationUpdated { conversation } if conversation.id == id && conversation.phase == Phase::Bot))
        .await;
    let listed: Vec<ConversationSummary> = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations?list=monitor",
            edge.base, site.id
        ))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed.iter().any(|c| c.id == id));

    visitor.say("What are your opening hours?").await;
    let mut chat = AgentSocket::connect(&edge, &site, &site.agents[0], &id, 0).await;
    chat.conn
        .wait_event(
            "live bot chat",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;
    chat.send(AgentCommand::TakeControl).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    visitor
        .conn
        .wait_event("agent joined", |k| {
            matches!(k, EventKind::AgentJoined { .. })
        })
        .await;
    // Typing shows on the other side, without being stored.
    chat.send(AgentCommand::Typing { typing: true }).await;
    visitor
        .conn
        .wait_for("agent typing", |f| {
            matches!(
                f,
                ServerFrame::Typing {
                    by: Party::Agent,
                    typing: true
                }
            )
        })
        .await;
    visitor.send(VisitorCommand::Typing { typing: true }).await;
    chat.conn
        .wait_for("visitor typing", |f| {
            matches!(
                f,
                ServerFrame::Typing {
                    by: Party::Visitor,
                    typing: true
                }
            )
        })
        .await;
}

#[tokio::test]
async fn forward_sends_the_chat_to_another_groups_queue() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let mut sales = SiteSocket::connect(&edge, &site, &site.agents[1]).await;
    let (mut visitor, mut chat) = live_chat(&edge, &site, 0).await;
    chat.send(AgentCommand::Forward {
        group: "nonexistent".into(),
    })
    .await;
    chat.conn
        .wait_for("unknown group", |f| matches!(f, ServerFrame::Error { .. }))
        .await;
    chat.send(AgentCommand::Forward {
        group: "sales".into(),
    })
    .await;
    visitor
        .conn
        .wait_event(
            "forwarded",
            |k| matches!(k, EventKind::Forwarded { group } if group == "sales"),
        )
        .await;
    visitor
        .conn
        .wait_event(
            "waiting again",
            |k| matches!(k, EventKind::Waiting { group: Some(g) } if g == "sales"),
        )
        .await;
    let id = visitor.conversation_id.clone();
    sales
        .conn
        .wait_for("notified again", |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == id && conversation.group.as_deref() == Some("sales")))
        .await;
    let mut other = AgentSocket::connect(&edge, &site, &site.agents[1], &id, 0).await;
    other.send(AgentCommand::Accept).await;
    other
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
}

#[tokio::test]
async fn a_blocked_visitor_gets_the_block_message_and_only_the_bot() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let (mut visitor, mut chat) = live_chat(&edge, &site, 0).await;
    chat.send(AgentCommand::Block {
        reason: "abusive language".into(),
        message: "This chat has been closed.".into(),
    })
    .await;
    chat.conn
        .wait_event("blocked", |k| matches!(k, EventKind::VisitorBlocked { .. }))
        .await;
    visitor
        .conn
        .wait_event("agent left", |k| matches!(k, EventKind::AgentLeft { .. }))
        .await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("block message", |k| matches!(k, EventKind::BotMessage { text, .. } if text == "This chat has been closed."))
        .await;
    visitor.say("What are your opening hours?").await;
    visitor
        .conn
        .wait_event(
            "bot still answers",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;
    assert!(
        !visitor
            .conn
            .events()
            .iter()
            .any(|e| matches!(e.kind, EventKind::VisitorBlocked { .. })),
        "the reason stays internal"
    );
}

#[tokio::test]
async fn missed_chats_are_reviewed_and_archived_then_joined_again() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let mut visitor = VisitorSocket::waiting(&edge, &site).await;
    visitor
        .conn
        .wait_event("missed", |k| matches!(k, EventKind::Missed { .. }))
        .await;
    let id = visitor.conversation_id.clone();
    let mut chat = AgentSocket::connect(&edge, &site, &site.agents[0], &id, 0).await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("too late to accept", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: baton_core::ErrorCode::NotAllowed,
                    ..
                }
            )
        })
        .await;
    chat.send(AgentCommand::ReviewAndArchive).await;
    chat.conn
        .wait_event("archived", |k| matches!(k, EventKind::Archived { .. }))
        .await;
    chat.send(AgentCommand::Join).await;
    chat.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    visitor
        .conn
        .wait_event("agent joined", |k| {
            matches!(k, EventKind::AgentJoined { .. })
        })
        .await;
}

#[tokio::test]
async fn auto_assign_gives_the_chat_to_the_least_loaded_agent() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.auto_assign = true;
    settings.time_to_accept_ms = 60_000;
    let site = edge.create_site(settings, 2).await;
    let mut ann = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let _bob = SiteSocket::connect(&edge, &site, &site.agents[1]).await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        let started = start_conversation(
            &edge,
            &site.id,
            serde_json::json!({ "name": "Vera", "email": "vera@example.com" }),
        )
        .await;
        let mut visitor =
            VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
        visitor.send(VisitorCommand::RequestHuman).await;
        let joined = visitor
            .conn
            .wait_event("assigned", |k| matches!(k, EventKind::AgentJoined { .. }))
            .await;
        let EventKind::AgentJoined { agent } = joined.kind else {
            unreachable!()
        };
        let id = visitor.conversation_id.clone();
        ann.conn
            .wait_for("listed as live", |f| matches!(f, ServerFrame::ConversationUpdated { conversation } if conversation.id == id && conversation.phase == Phase::Live))
            .await;
        holders.push(agent.id);
    }
    holders.sort();
    let mut expected: Vec<String> = site.agents.iter().map(|a| a.id.clone()).collect();
    expected.sort();
    assert_eq!(
        holders, expected,
        "one chat each: the least loaded gets the next"
    );
}

#[tokio::test]
async fn a_settings_change_applies_to_the_next_conversation() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0];
    let _online = SiteSocket::connect(&edge, &site, admin).await;
    let url = format!("{}/api/v1/sites/{}/settings", edge.base, site.id);
    let mut settings: serde_json::Value = edge
        .http
        .get(&url)
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["time_to_accept_ms"], 3000);
    let before = VisitorSocket::waiting(&edge, &site).await;
    settings["time_to_accept_ms"] = 1500.into();
    settings["wait_notice_ms"] = 60_000.into();
    let response = edge
        .http
        .put(&url)
        .bearer_auth(&admin.token)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut after = VisitorSocket::waiting(&edge, &site).await;
    let waiting_at = after
        .conn
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::Waiting { .. }))
        .map(|e| e.at)
        .unwrap();
    let missed = after
        .conn
        .wait_event("missed sooner", |k| matches!(k, EventKind::Missed { .. }))
        .await;
    assert!(
        (1_500..2_500).contains(&(missed.at - waiting_at)),
        "missed after {} ms",
        missed.at - waiting_at
    );
    assert!(
        !after
            .conn
            .events()
            .iter()
            .any(|e| e.kind == EventKind::WaitNotice),
        "new notice time applies"
    );
    drop(before);
}

#[tokio::test]
async fn identity_verification_refuses_a_forged_user() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.identity_secret = "site-secret-for-hmac".into();
    let site = edge.create_site(settings, 1).await;
    let url = format!("{}/api/v1/sites/{}/conversations", edge.base, site.id);
    let forged = edge
        .http
        .post(&url)
        .json(&serde_json::json!({ "name": "Eve", "email": "ceo@example.com", "user_hash": "00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // The hash a site's server computes: HMAC-SHA256(secret, email), hex.
    let genuine_hash = baton_tests::hmac_sha256_hex(b"site-secret-for-hmac", b"ceo@example.com");
    let genuine = edge.http.post(&url).json(&serde_json::json!({ "name": "Cleo", "email": "ceo@example.com", "user_hash": genuine_hash })).send().await.unwrap();
    assert_eq!(genuine.status(), 201);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let login: serde_json::Value = edge
        .http
        .post(format!("{}/api/v1/auth/login", edge.base))
        .json(&serde_json::json!({ "email": site.agents[0].email, "password": "correct horse battery" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let me = edge
        .http
        .get(format!("{}/api/v1/me", edge.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let out = edge
        .http
        .post(format!("{}/api/v1/auth/logout", edge.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let me = edge
        .http
        .get(format!("{}/api/v1/me", edge.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}
