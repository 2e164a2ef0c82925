//! The baseline Baton is measured against (issue 15): `tests/bench/relay`, a minimal stored relay
//! (one Durable Object per conversation, one SQLite INSERT and one forward per message), under
//! the very load [`super::latency::run`] puts on Baton.

use std::time::{Duration, Instant};

use super::latency::LatencyReport;
use super::load::{self, Socket, SocketPair};

/// How long one WebSocket upgrade may take before the run is given up.
const CONNECT_WAIT: Duration = Duration::from_secs(20);

async fn connect(url: &str) -> Result<Socket, String> {
    let (socket, _) = tokio::time::timeout(CONNECT_WAIT, tokio_tungstenite::connect_async(url))
        .await
        .map_err(|_| format!("{url}: no answer to the WebSocket upgrade within {CONNECT_WAIT:?}"))?
        .map_err(|e| format!("{url}: {e}"))?;
    Ok(socket)
}

/// Opens `count` relay conversations at `base` (http://host:port), each with a visitor and an
/// agent socket. Ids are fresh per call: the relay keeps its tables across levels and runs.
pub async fn open_pairs(base: &str, count: usize) -> Result<Vec<SocketPair>, String> {
    let ws_base = base.trim_end_matches('/').replacen("http", "ws", 1);
    let run = crate::edge::unique("relay");
    let mut pairs = Vec::with_capacity(count);
    // Batches of 25, as Baton's conversations are opened, so neither side sees a connect storm.
    for batch in (0..count).collect::<Vec<_>>().chunks(25) {
        let opened = futures_util::future::join_all(batch.iter().map(|i| {
            let ws_base = &ws_base;
            let run = &run;
            async move {
                let visitor = connect(&format!("{ws_base}/c/{run}-{i}/ws?role=visitor")).await?;
                let agent = connect(&format!("{ws_base}/c/{run}-{i}/ws?role=agent")).await?;
                Ok::<_, String>(SocketPair { visitor, agent })
            }
        }))
        .await;
        for pair in opened {
            pairs.push(pair?);
        }
    }
    Ok(pairs)
}

/// [`super::latency::run`]'s load on the relay at `base`; `watch` are the relay's workerd
/// processes.
pub async fn run(
    base: &str,
    conversations: usize,
    interval: Duration,
    duration: Duration,
    watch: &[u32],
) -> Result<LatencyReport, String> {
    let setup_started = Instant::now();
    let pairs = open_pairs(base, conversations).await?;
    let setup = setup_started.elapsed();
    let settled = super::procs::settle(watch, Duration::from_secs(15)).await;
    eprintln!(
        "relay: {conversations} live conversations ready (idle after {:.1} s), load starts",
        settled.as_secs_f64()
    );
    let (delivered, pairs) = load::drive(pairs, interval, duration, watch).await;
    Ok(LatencyReport {
        conversations,
        messages_per_second: 2.0 * conversations as f64 / interval.as_secs_f64(),
        delivered,
        setup,
        pairs,
        presence: None,
    })
}
