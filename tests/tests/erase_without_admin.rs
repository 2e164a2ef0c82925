//! Erasures no admin asks for, against `wrangler dev`: a visitor erases their own conversation
//! from the socket, and the site's retention setting erases quiet conversations on the site's
//! alarm (never a live chat). The admin's export and erase by email are in `erase_by_admin.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand, CLOSE_ERASED};
use baton_core::EventKind;
use baton_tests::api::call;
use baton_tests::clients::Conn;
use baton_tests::edge::{fast_settings, unique};
use baton_tests::privacy::{admin_get, agent_history, chatted_and_left_a_message};
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_visitor_deletes_their_own_conversation() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut site_socket = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.say("delete me after this").await;
    visitor
        .conn
        .wait_event("bot answer", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let id = visitor.conversation_id.clone();
    visitor.send(VisitorCommand::Erase).await;
    let (code, _) = visitor
        .conn
        .wait_closed(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(code, CLOSE_ERASED);
    site_socket
        .conn
        .wait_for(
            "erased",
            |f| matches!(f, ServerFrame::ConversationErased { conversation_id } if *conversation_id == id),
        )
        .await;
    let url = format!(
        "{}/api/v1/conversations/{id}/ws?token={}&after=0",
        edge.ws_base(),
        visitor.token
    );
    assert!(
        Conn::open(&url, None).await.is_err(),
        "the old token opens nothing"
    );
    assert_eq!(agent_history(&edge, &site, &id).await.0, 404);
    let (_, log) = admin_get(
        &edge,
        &site,
        &format!("/api/v1/sites/{}/privacy/erasures", site.id),
    )
    .await;
    let entry = &log["erasures"][0];
    assert_eq!(entry["by"]["type"], "visitor", "{log}");
    assert_eq!(entry["cause"], "visitor");
    assert_eq!(entry["conversations"], 1);
    assert!(!log.to_string().contains(&id));
}

#[tokio::test]
async fn retention_erases_quiet_conversations_on_the_sites_alarm() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0];
    let mut site_socket = SiteSocket::connect(&edge, &site, admin).await;
    // A bot-only conversation (Monitor rows only) and an archived one (D1 index).
    let mut bot_only = VisitorSocket::start(&edge, &site).await;
    bot_only.say("hello").await;
    bot_only
        .conn
        .wait_event("bot answer", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let archived =
        chatted_and_left_a_message(&edge, &site, &format!("{}@example.com", unique("old"))).await;
    // A live chat is never erased under the visitor.
    let mut live = VisitorSocket::waiting(&edge, &site).await;
    let mut agent = AgentSocket::connect(&edge, &site, admin, &live.conversation_id, 0).await;
    agent.send(AgentCommand::Accept).await;
    live.conn
        .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
        .await;

    let (status, body) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": 2_000 })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["retention_ms"], 2_000);
    let mut erased = std::collections::BTreeSet::new();
    let expected: std::collections::BTreeSet<String> = archived
        .iter()
        .map(|(id, _)| id.clone())
        .chain([bot_only.conversation_id.clone()])
        .collect();
    while erased != expected {
        let frame = site_socket
            .conn
            .wait_for_within("retention erase", Duration::from_secs(20), |f| {
                matches!(f, ServerFrame::ConversationErased { .. })
            })
            .await;
        if let ServerFrame::ConversationErased { conversation_id } = frame {
            assert!(
                expected.contains(&conversation_id),
                "erased {conversation_id}"
            );
            erased.insert(conversation_id);
        }
    }
    let (code, _) = bot_only
        .conn
        .wait_closed(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(code, CLOSE_ERASED);
    assert_eq!(agent_history(&edge, &site, &archived[0].0).await.0, 404);
    assert_eq!(
        agent_history(&edge, &site, &live.conversation_id).await.0,
        200,
        "live stays"
    );
    let (_, log) = admin_get(
        &edge,
        &site,
        &format!("/api/v1/sites/{}/privacy/erasures", site.id),
    )
    .await;
    let entries = log["erasures"].as_array().unwrap();
    assert!(
        entries.iter().all(|e| e["by"]["type"] == "retention"),
        "{log}"
    );
    let total: u64 = entries
        .iter()
        .map(|e| e["conversations"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 3, "{log}");
    // Bad values are refused and change nothing.
    let (status, body) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": -5 })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // Off again: nothing more is erased.
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": 0 })),
    )
    .await;
    assert_eq!(status, 200);
}
