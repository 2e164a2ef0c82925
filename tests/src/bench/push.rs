//! Web Push latency: from a handoff (the visitor's request for a person) until the edge's push
//! requests reach the loopback push service, for agents whose dashboards are closed.

use std::time::{SystemTime, UNIX_EPOCH};

use baton_core::protocol::VisitorCommand;

use super::stats::Samples;
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge};
use crate::push::{register, PushService};
use crate::VisitorSocket;

pub struct PushReport {
    pub agents: usize,
    /// Per trial: until the first device's push arrived.
    pub first: Samples,
    /// Per trial: until the last device's push arrived.
    pub all: Samples,
}

fn epoch_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

pub async fn run(edge: &Edge, agents: usize, trials: usize) -> PushReport {
    let service = PushService::start().await;
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 600_000;
    let site = edge
        .create_site_with(settings, agents, serde_json::json!({ "max_chats": 100 }))
        .await;
    for agent in &site.agents {
        register(edge, agent, &service.subscribe().await).await;
    }
    let (mut first, mut all) = (Vec::new(), Vec::new());
    let mut seen = 0;
    for _ in 0..trials {
        let started = start_conversation(
            edge,
            &site.id,
            serde_json::json!({ "name": "Bench", "email": "bench@example.com" }),
        )
        .await;
        let mut visitor =
            VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
        let sent = epoch_ms();
        visitor.send(VisitorCommand::RequestHuman).await;
        let received = service.wait_for(seen + agents).await;
        let this: Vec<i64> = received[seen..seen + agents]
            .iter()
            .map(|p| (p.at - sent).max(0) * 1000)
            .collect();
        seen += agents;
        first.push(this.iter().copied().min().unwrap_or_default() as u64);
        all.push(this.iter().copied().max().unwrap_or_default() as u64);
        visitor.conn.close().await;
    }
    PushReport {
        agents,
        first: Samples::new(first),
        all: Samples::new(all),
    }
}
