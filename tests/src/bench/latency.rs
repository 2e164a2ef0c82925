//! Message latency visitor → agent and agent → visitor, with many live conversations at once.

use std::time::{Duration, Instant};

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use futures_util::stream::{SplitStream, StreamExt};
use futures_util::SinkExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::stats::Samples;
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge, TestSite};
use crate::{AgentSocket, SiteSocket, VisitorSocket};

type Source = SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>;

pub struct LatencyReport {
    pub conversations: usize,
    pub messages_per_second: f64,
    pub to_agent: Samples,
    pub to_visitor: Samples,
    pub setup: Duration,
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

/// Reads frames until `until`, recording the latency of each message of `kind` whose client id
/// carries its send time (microseconds since `base`).
async fn collect(
    mut source: Source,
    base: Instant,
    until: Instant,
    from_visitor: bool,
) -> Vec<Duration> {
    let mut samples = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until.into(), source.next()).await {
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(ServerFrame::Event { event }) = serde_json::from_str::<ServerFrame>(text.as_str())
        else {
            continue;
        };
        let client_id = match (&event.kind, from_visitor) {
            (EventKind::VisitorMessage { client_id, .. }, true) => client_id,
            (EventKind::AgentMessage { client_id, .. }, false) => client_id,
            _ => continue,
        };
        let sent = client_id
            .as_deref()
            .and_then(|id| id.split('-').nth(1))
            .and_then(|micros| micros.parse::<u64>().ok());
        if let Some(sent) = sent {
            let now = base.elapsed().as_micros() as u64;
            samples.push(Duration::from_micros(now.saturating_sub(sent)));
        }
    }
    samples
}

/// Every conversation sends one message each way per `interval` for `duration`.
pub async fn run(
    edge: &Edge,
    conversations: usize,
    interval: Duration,
    duration: Duration,
) -> LatencyReport {
    let agents = conversations.div_ceil(100).max(1);
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 600_000;
    let site = edge
        .create_site_with(settings, agents, serde_json::json!({ "max_chats": 1000 }))
        .await;
    let _online = SiteSocket::connect(edge, &site, &site.agents[0]).await;
    let setup_started = Instant::now();
    let pairs = open_live_pairs(edge, &site, conversations).await;
    let setup = setup_started.elapsed();

    let base = Instant::now();
    let until = base + duration + Duration::from_secs(2);
    let mut tasks = Vec::new();
    for (index, pair) in pairs.into_iter().enumerate() {
        let (mut visitor_sink, visitor_source) = pair.visitor.conn.into_stream().split();
        let (mut agent_sink, agent_source) = pair.agent.conn.into_stream().split();
        let to_agent = tokio::spawn(collect(agent_source, base, until, true));
        let to_visitor = tokio::spawn(collect(visitor_source, base, until, false));
        // Spread the sends over the interval so the load is steady, not bursts.
        let offset = interval.mul_f64(index as f64 / conversations as f64);
        let sender = tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(interval);
            let mut n = 0u64;
            while base.elapsed() < duration {
                tick.tick().await;
                n += 1;
                let stamp = || base.elapsed().as_micros();
                let visitor = VisitorCommand::Message {
                    text: format!("visitor says {n}"),
                    client_id: Some(format!("v{n}-{}", stamp())),
                };
                let agent = AgentCommand::Message {
                    text: format!("agent says {n}"),
                    client_id: Some(format!("a{n}-{}", stamp())),
                };
                let (Ok(visitor), Ok(agent)) = (
                    serde_json::to_string(&visitor),
                    serde_json::to_string(&agent),
                ) else {
                    break;
                };
                if visitor_sink.send(Message::text(visitor)).await.is_err()
                    || agent_sink.send(Message::text(agent)).await.is_err()
                {
                    break;
                }
            }
            (visitor_sink, agent_sink)
        });
        tasks.push((to_agent, to_visitor, sender));
    }
    let mut to_agent = Vec::new();
    let mut to_visitor = Vec::new();
    for (a, v, sender) in tasks {
        to_agent.extend(a.await.unwrap_or_default());
        to_visitor.extend(v.await.unwrap_or_default());
        let _ = sender.await;
    }
    LatencyReport {
        conversations,
        messages_per_second: 2.0 * conversations as f64 / interval.as_secs_f64(),
        to_agent: Samples::from_durations(&to_agent),
        to_visitor: Samples::from_durations(&to_visitor),
        setup,
    }
}
