//! Fan-out: from a handoff until every available agent has the "chat waiting" notice.

use std::time::{Duration, Instant};

use baton_core::protocol::{ServerFrame, VisitorCommand};
use futures_util::future::join_all;

use super::stats::Samples;
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge};
use crate::{SiteSocket, VisitorSocket};

pub struct FanoutReport {
    pub agents: usize,
    /// Per trial: until the last agent was notified.
    pub all_notified: Samples,
}

pub async fn run(edge: &Edge, agents: usize, trials: usize) -> FanoutReport {
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 600_000;
    let site = edge.create_site(settings, agents).await;
    let mut sockets = join_all(
        site.agents
            .iter()
            .map(|agent| SiteSocket::connect(edge, &site, agent)),
    )
    .await;
    let mut all_notified = Vec::new();
    for _ in 0..trials {
        let started = start_conversation(
            edge,
            &site.id,
            serde_json::json!({ "name": "Bench", "email": "bench@example.com" }),
        )
        .await;
        let id = started.conversation_id.clone();
        let mut visitor = VisitorSocket::connect(edge, &id, &started.token, 0).await;
        let sent = Instant::now();
        visitor.send(VisitorCommand::RequestHuman).await;
        let times = join_all(sockets.iter_mut().map(|s| {
            let id = id.clone();
            async move {
                s.conn
                    .wait_for("chat waiting", |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == id))
                    .await;
                sent.elapsed()
            }
        }))
        .await;
        all_notified.push(times.into_iter().max().unwrap_or(Duration::ZERO));
        visitor.conn.close().await;
    }
    FanoutReport {
        agents,
        all_notified: Samples::from_durations(&all_notified),
    }
}
