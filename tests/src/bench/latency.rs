//! Message latency visitor → agent and agent → visitor, with many live conversations at once.

use std::time::{Duration, Instant};

use futures_util::StreamExt;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;

use super::load::{self, Delivered, SocketPair};
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge, TestSite};
use crate::{AgentSocket, SiteSocket, VisitorSocket};

pub struct LatencyReport {
    pub conversations: usize,
    pub messages_per_second: f64,
    pub delivered: Delivered,
    pub setup: Duration,
    /// The live conversations' sockets, still open (a rate sweep reuses them).
    pub pairs: Vec<SocketPair>,
    /// The site's agent presence socket, kept open while the pairs are (a holder who goes
    /// offline would change what the conversations do).
    pub presence: Option<Presence>,
}

/// A site socket read as a dashboard reads it, every frame as it comes: left unread, the list
/// rows sent to it piled up in workerd's send buffer for the whole run. Closed when dropped.
pub struct Presence(tokio::task::JoinHandle<()>);

impl Presence {
    pub fn keep_reading(socket: SiteSocket) -> Self {
        let mut stream = socket.conn.into_stream();
        Self(tokio::spawn(async move {
            while let Some(Ok(_)) = stream.next().await {}
        }))
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A live conversation: its visitor and the agent holding it.
pub struct LivePair {
    pub visitor: VisitorSocket,
    pub agent: AgentSocket,
}

/// Opens `count` live conversations on `site` (the agents are spread over its agents).
pub async fn open_live_pairs(edge: &Edge, site: &TestSite, count: usize) -> Vec<LivePair> {
    let mut pairs = Vec::with_capacity(count);
    for batch in (0..count).collect::<Vec<_>>().chunks(25) {
        let opened = futures_util::future::join_all(batch.iter().map(|i| async move {
            let agent = &site.agents[i % site.agents.len()];
            let started = start_conversation(
                edge,
                &site.id,
                serde_json::json!({ "name": "Bench", "email": "bench@example.com" }),
            )
            .await;
            let mut visitor =
                VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
            visitor.send(VisitorCommand::RequestHuman).await;
            visitor
                .conn
                .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
                .await;
            let mut chat =
                AgentSocket::connect(edge, site, agent, &started.conversation_id, 0).await;
            chat.send(AgentCommand::Accept).await;
            chat.conn
                .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
                .await;
            visitor
                .conn
                .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
                .await;
            LivePair {
                visitor,
                agent: chat,
            }
        }))
        .await;
        pairs.extend(opened);
    }
    pairs
}

/// Every conversation sends one message each way per `interval` for `duration` (see
/// [`load::drive`]); `watch` are the edge's workerd processes, whose CPU time is measured.
pub async fn run(
    edge: &Edge,
    conversations: usize,
    interval: Duration,
    duration: Duration,
    watch: &[u32],
) -> LatencyReport {
    let agents = conversations.div_ceil(100).max(1);
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 600_000;
    let site = edge
        .create_site_with(settings, agents, serde_json::json!({ "max_chats": 1000 }))
        .await;
    let online = Presence::keep_reading(SiteSocket::connect(edge, &site, &site.agents[0]).await);
    let setup_started = Instant::now();
    let pairs = open_live_pairs(edge, &site, conversations).await;
    let setup = setup_started.elapsed();

    let pairs = pairs
        .into_iter()
        .map(|pair| SocketPair {
            visitor: pair.visitor.conn.into_stream(),
            agent: pair.agent.conn.into_stream(),
        })
        .collect();
    let settled = super::procs::settle(watch, Duration::from_secs(15)).await;
    // On stderr, so a profiler can be attached to exactly the load (the table comes at the end).
    eprintln!(
        "latency: {conversations} live conversations ready (idle after {:.1} s), load starts",
        settled.as_secs_f64()
    );
    let (delivered, pairs) = load::drive(pairs, interval, duration, watch).await;
    LatencyReport {
        conversations,
        messages_per_second: 2.0 * conversations as f64 / interval.as_secs_f64(),
        delivered,
        setup,
        pairs,
        presence: Some(online),
    }
}
