//! 50 agents accept the same waiting chat at once, 20 times: exactly one winner each time, and
//! every loser is told who took it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{AgentCommand, ServerFrame};
use baton_core::EventKind;
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use futures_util::future::join_all;

const AGENTS: usize = 50;
const ROUNDS: usize = 20;

#[tokio::test]
async fn exactly_one_of_fifty_simultaneous_accepts_wins() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 60_000;
    let site = edge
        .create_site_with(settings, AGENTS, serde_json::json!({ "max_chats": 100 }))
        .await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;

    for round in 0..ROUNDS {
        let mut visitor = VisitorSocket::waiting(&edge, &site).await;
        let id = visitor.conversation_id.clone();

        let mut sockets = join_all(
            site.agents
                .iter()
                .map(|agent| AgentSocket::connect(&edge, &site, agent, &id, 0)),
        )
        .await;
        // Every socket sends its accept before any reply is read.
        join_all(sockets.iter_mut().map(|s| s.send(AgentCommand::Accept))).await;
        let outcomes = join_all(sockets.iter_mut().map(AgentSocket::claim_outcome)).await;

        let winners: Vec<usize> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f, ServerFrame::Claimed { .. }))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
        let winner = &site.agents[winners[0]];
        for frame in &outcomes {
            if let ServerFrame::AlreadyClaimed { by, .. } = frame {
                assert_eq!(
                    by.id, winner.id,
                    "round {round}: loser told the wrong winner"
                );
            }
        }
        let joined = visitor
            .conn
            .wait_event("agent joined", |k| {
                matches!(k, EventKind::AgentJoined { .. })
            })
            .await;
        assert!(matches!(joined.kind, EventKind::AgentJoined { agent } if agent.id == winner.id));
        for socket in sockets {
            socket.conn.close().await;
        }
    }
}

#[tokio::test]
async fn an_agent_at_max_chats_is_refused_with_a_clear_message() {
    let edge = Edge::shared();
    // This test is about slots, not the ladder: a busy machine must not let the chats be
    // missed (3 s in fast_settings) before the second accept, which would refuse it for that.
    let settings = baton_core::SiteSettings {
        time_to_accept_ms: 120_000,
        ..fast_settings()
    };
    let site = edge
        .create_site_with(settings, 1, serde_json::json!({ "max_chats": 1 }))
        .await;
    let agent = &site.agents[0];
    let mut online = SiteSocket::connect(&edge, &site, agent).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let visitor = VisitorSocket::waiting(&edge, &site).await;
        ids.push(visitor.conversation_id);
    }
    let mut first = AgentSocket::connect(&edge, &site, agent, &ids[0], 0).await;
    first.send(AgentCommand::Accept).await;
    first
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    let mut second = AgentSocket::connect(&edge, &site, agent, &ids[1], 0).await;
    second.send(AgentCommand::Accept).await;
    let refused = second
        .conn
        .wait_for("too many chats", |f| matches!(f, ServerFrame::Error { .. }))
        .await;
    assert!(
        matches!(refused, ServerFrame::Error { code: baton_core::ErrorCode::TooManyChats, message } if message.contains('1'))
    );
    // Leaving the first frees the slot.
    first.send(AgentCommand::LeaveAndArchive).await;
    first
        .conn
        .wait_event("left", |k| matches!(k, EventKind::AgentLeft { .. }))
        .await;
    // The slot is free once the site lists the chat as archived (release comes first).
    let first_id = ids[0].clone();
    online
        .conn
        .wait_for("archived", |f| {
            matches!(f, ServerFrame::ConversationUpdated { conversation }
            if conversation.id == first_id && conversation.phase == baton_core::Phase::Archived)
        })
        .await;
    second.send(AgentCommand::Accept).await;
    second
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
}

/// An agent with the waiting chat open hears who took it when another accepts, without having
/// sent an accept (theirs may be on its way); the winner hears only that it won, and an accept
/// arriving afterwards hears the same "taken by".
#[tokio::test]
async fn an_agent_watching_hears_who_took_the_chat_without_accepting() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 60_000;
    let site = edge
        .create_site_with(settings, 2, serde_json::json!({ "max_chats": 10 }))
        .await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let visitor = VisitorSocket::waiting(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let (ann, bob) = (&site.agents[0], &site.agents[1]);
    let mut winner = AgentSocket::connect(&edge, &site, ann, &id, 0).await;
    let mut watcher = AgentSocket::connect(&edge, &site, bob, &id, 0).await;

    winner.send(AgentCommand::Accept).await;
    let told = watcher
        .conn
        .wait_for("taken by", |f| {
            matches!(f, ServerFrame::AlreadyClaimed { .. })
        })
        .await;
    assert!(
        matches!(&told, ServerFrame::AlreadyClaimed { by, conversation_id } if by.id == ann.id && *conversation_id == id),
        "{told:?}"
    );
    let won = winner.claim_outcome().await;
    assert!(matches!(won, ServerFrame::Claimed { .. }), "{won:?}");

    watcher.send(AgentCommand::Accept).await;
    let again = watcher.claim_outcome().await;
    assert!(
        matches!(&again, ServerFrame::AlreadyClaimed { by, .. } if by.id == ann.id),
        "{again:?}"
    );
}
