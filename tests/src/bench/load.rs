//! The steady load both targets get (Baton and the stored relay baseline): every conversation
//! sends one message each way per interval, and each side records how long the other side's
//! messages took. One code path, so a ratio between the two measures the servers, not the client.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use futures_util::stream::{SplitStream, StreamExt};
use futures_util::SinkExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::procs;
use super::stats::Samples;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Source = SplitStream<Socket>;

/// A live conversation as two open sockets: the visitor's and the agent's.
pub struct SocketPair {
    pub visitor: Socket,
    pub agent: Socket,
}

/// What the server delivered under the load.
pub struct Delivered {
    pub to_agent: Samples,
    pub to_visitor: Samples,
    /// Messages sent, both ways: what a server that kept up would have delivered.
    pub sent: usize,
    /// CPU time the watched processes spent from the first send until the last read.
    pub cpu: Duration,
}

impl Delivered {
    pub fn count(&self) -> usize {
        self.to_agent.len() + self.to_visitor.len()
    }

    /// Both directions together (the ratios use these: twice the samples, less noise).
    pub fn both(&self) -> Samples {
        Samples::new(
            self.to_agent
                .micros()
                .iter()
                .chain(self.to_visitor.micros())
                .copied()
                .collect(),
        )
    }

    /// CPU per delivered message; zero when nothing arrived.
    pub fn cpu_per_message(&self) -> Duration {
        match self.count() {
            0 => Duration::ZERO,
            n => self.cpu / n as u32,
        }
    }
}

/// Reads frames until `until`, recording the latency of each message from the other side whose
/// client id carries its send time (microseconds since `base`) and this run's `tag`: a message
/// of an earlier run on the same sockets, arriving late, is not counted against this one.
async fn collect(
    mut source: Source,
    base: Instant,
    until: Instant,
    from_visitor: bool,
    tag: u32,
) -> (Vec<Duration>, Source) {
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
        let Some(sent) = client_id.as_deref().and_then(|id| sent_at(id, tag)) else {
            continue;
        };
        let now = base.elapsed().as_micros() as u64;
        samples.push(Duration::from_micros(now.saturating_sub(sent)));
    }
    (samples, source)
}

/// The send time in a client id `{side}{n}-{micros}-{tag}`, if it belongs to run `tag`.
fn sent_at(client_id: &str, tag: u32) -> Option<u64> {
    let mut parts = client_id.split('-').skip(1);
    let micros = parts.next()?.parse::<u64>().ok()?;
    (parts.next()?.parse::<u32>().ok()? == tag).then_some(micros)
}

/// Every pair sends one message each way per `interval` for `duration`, then reads for 2 s
/// more; `watch` are the server processes whose CPU time is charged to the run. The sockets come
/// back (those still whole), so a rate sweep can run again on the same conversations.
pub async fn drive(
    pairs: Vec<SocketPair>,
    interval: Duration,
    duration: Duration,
    watch: &[u32],
) -> (Delivered, Vec<SocketPair>) {
    let conversations = pairs.len().max(1);
    let tag = RUNS.fetch_add(1, Ordering::Relaxed);
    let cpu_before = procs::cpu_time(watch);
    let base = Instant::now();
    let until = base + duration + Duration::from_secs(2);
    let mut tasks = Vec::new();
    for (index, pair) in pairs.into_iter().enumerate() {
        let (mut visitor_sink, visitor_source) = pair.visitor.split();
        let (mut agent_sink, agent_source) = pair.agent.split();
        let to_agent = tokio::spawn(collect(agent_source, base, until, true, tag));
        let to_visitor = tokio::spawn(collect(visitor_source, base, until, false, tag));
        // Spread the sends over the interval so the load is steady, not bursts.
        let offset = interval.mul_f64(index as f64 / conversations as f64);
        let sender = tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(interval);
            let mut n = 0u64;
            let mut sent = 0usize;
            while base.elapsed() < duration {
                tick.tick().await;
                n += 1;
                let stamp = || base.elapsed().as_micros();
                let visitor = VisitorCommand::Message {
                    text: format!("visitor says {n}"),
                    client_id: Some(format!("v{n}-{}-{tag}", stamp())),
                };
                let agent = AgentCommand::Message {
                    text: format!("agent says {n}"),
                    client_id: Some(format!("a{n}-{}-{tag}", stamp())),
                };
                let (Ok(visitor), Ok(agent)) = (
                    serde_json::to_string(&visitor),
                    serde_json::to_string(&agent),
                ) else {
                    break;
                };
                if visitor_sink.send(Message::text(visitor)).await.is_err() {
                    break;
                }
                sent += 1;
                if agent_sink.send(Message::text(agent)).await.is_err() {
                    break;
                }
                sent += 1;
            }
            // The sinks go back to the caller, dropped only once reading is over.
            (sent, visitor_sink, agent_sink)
        });
        tasks.push((to_agent, to_visitor, sender));
    }
    let mut to_agent = Vec::new();
    let mut to_visitor = Vec::new();
    let mut sent = 0;
    let mut back = Vec::with_capacity(conversations);
    for (a, v, sender) in tasks {
        let (Ok((agent_samples, agent_source)), Ok((visitor_samples, visitor_source))) =
            (a.await, v.await)
        else {
            continue;
        };
        to_agent.extend(agent_samples);
        to_visitor.extend(visitor_samples);
        let Ok((count, visitor_sink, agent_sink)) = sender.await else {
            continue;
        };
        sent += count;
        if let (Ok(visitor), Ok(agent)) = (
            visitor_source.reunite(visitor_sink),
            agent_source.reunite(agent_sink),
        ) {
            back.push(SocketPair { visitor, agent });
        }
    }
    let delivered = Delivered {
        to_agent: Samples::from_durations(&to_agent),
        to_visitor: Samples::from_durations(&to_visitor),
        sent,
        cpu: procs::cpu_time(watch).saturating_sub(cpu_before),
    };
    (delivered, back)
}

/// Numbers the runs of this process (the tag in every client id).
static RUNS: AtomicU32 = AtomicU32::new(1);
