//! Claim races: many agent sockets accept the same waiting chat at once.

use std::time::{Duration, Instant};

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use futures_util::future::join_all;

use super::stats::Samples;
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge};
use crate::{AgentSocket, SiteSocket, VisitorSocket};

pub struct ClaimReport {
    pub agents: usize,
    pub trials: usize,
    /// Trials with exactly one winner.
    pub exact: usize,
    /// Per trial: from the accepts being sent until every loser was told.
    pub all_told: Samples,
    /// Per loser, pooled over the trials: how long after the winner heard `claimed` it heard
    /// `already_claimed` (zero when it heard first). Issue 15's target: p99 ≤ 50 ms.
    pub loser_after_winner: Samples,
}

pub async fn run(edge: &Edge, agents: usize, trials: usize) -> ClaimReport {
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 600_000;
    let site = edge
        .create_site_with(
            settings,
            agents,
            serde_json::json!({ "max_chats": 100_000 }),
        )
        .await;
    let _online = SiteSocket::connect(edge, &site, &site.agents[0]).await;
    let mut exact = 0;
    let mut all_told = Vec::new();
    let mut loser_after_winner = Vec::new();
    for _ in 0..trials {
        let started = start_conversation(
            edge,
            &site.id,
            serde_json::json!({ "name": "Bench", "email": "bench@example.com" }),
        )
        .await;
        let id = started.conversation_id.clone();
        let mut visitor = VisitorSocket::connect(edge, &id, &started.token, 0).await;
        visitor.send(VisitorCommand::RequestHuman).await;
        visitor
            .conn
            .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
            .await;
        let mut sockets = join_all(
            site.agents
                .iter()
                .map(|agent| AgentSocket::connect(edge, &site, agent, &id, 0)),
        )
        .await;
        let sent = Instant::now();
        join_all(sockets.iter_mut().map(|s| s.send(AgentCommand::Accept))).await;
        let outcomes = join_all(sockets.iter_mut().map(|s| async {
            let frame = s.claim_outcome().await;
            (frame, sent.elapsed())
        }))
        .await;
        let winners = outcomes
            .iter()
            .filter(|(f, _)| matches!(f, ServerFrame::Claimed { .. }))
            .count();
        if winners == 1 {
            exact += 1;
        }
        if let Some(won_at) = outcomes
            .iter()
            .find(|(f, _)| matches!(f, ServerFrame::Claimed { .. }))
            .map(|(_, t)| *t)
        {
            loser_after_winner.extend(
                outcomes
                    .iter()
                    .filter(|(f, _)| matches!(f, ServerFrame::AlreadyClaimed { .. }))
                    .map(|(_, t)| t.saturating_sub(won_at)),
            );
        }
        let slowest = outcomes
            .iter()
            .map(|(_, t)| *t)
            .max()
            .unwrap_or(Duration::ZERO);
        all_told.push(slowest);
        join_all(sockets.into_iter().map(|s| s.conn.close())).await;
        visitor.conn.close().await;
    }
    ClaimReport {
        agents,
        trials,
        exact,
        all_told: Samples::from_durations(&all_told),
        loser_after_winner: Samples::from_durations(&loser_after_winner),
    }
}
