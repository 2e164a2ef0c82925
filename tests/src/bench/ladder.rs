//! Ladder accuracy: how late each step fires, for many waiting conversations at once, and the
//! same across a `wrangler dev` restart in the middle.

use std::time::{Duration, Instant};

use baton_core::protocol::VisitorCommand;
use baton_core::{EventKind, Millis};
use futures_util::future::join_all;

use super::stats::Samples;
use crate::clients::start_conversation;
use crate::edge::{fast_settings, Edge, TestSite};
use crate::{SiteSocket, VisitorSocket};

/// Recognises one ladder step's event.
type StepMatcher = fn(&EventKind) -> bool;

pub struct LadderReport {
    pub conversations: usize,
    /// Stored time of each step minus its due time, in microseconds (all three steps).
    pub late_stored: Samples,
    /// Arrival at the visitor minus the due time as seen by the visitor.
    pub late_seen: Samples,
}

/// The steps, relative to the waiting event: (wait notice, leave-a-message offer, missed).
pub fn steps(first: Millis, gap: Millis) -> (Millis, Millis, Millis) {
    (first, first + gap, first + 2 * gap)
}

async fn site_with_steps(edge: &Edge, first: Millis, gap: Millis) -> TestSite {
    let mut settings = fast_settings();
    settings.wait_notice_ms = first;
    settings.leave_message_offer_ms = gap;
    settings.time_to_accept_ms = first + 2 * gap;
    edge.create_site(settings, 1).await
}

/// Starts `count` conversations waiting at about the same time; returns their sockets, the
/// stored waiting time and the local instant the waiting event arrived.
async fn start_waiting(
    edge: &Edge,
    site: &TestSite,
    count: usize,
) -> Vec<(VisitorSocket, Millis, Instant)> {
    join_all((0..count).map(|_| async {
        let started = start_conversation(
            edge,
            &site.id,
            serde_json::json!({ "name": "Bench", "email": "bench@example.com" }),
        )
        .await;
        let mut visitor =
            VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
        visitor.send(VisitorCommand::RequestHuman).await;
        let waiting = visitor
            .conn
            .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
            .await;
        (visitor, waiting.at, Instant::now())
    }))
    .await
}

async fn measure(
    waiting: Vec<(VisitorSocket, Millis, Instant)>,
    dues: (Millis, Millis, Millis),
    limit: Duration,
) -> (Vec<u64>, Vec<u64>) {
    let results = join_all(waiting.into_iter().map(
        |(mut visitor, waiting_at, seen_at)| async move {
            let mut stored = Vec::new();
            let mut seen = Vec::new();
            let checks: [(Millis, StepMatcher); 3] = [
                (dues.0, |k| *k == EventKind::WaitNotice),
                (dues.1, |k| *k == EventKind::LeaveMessageOffered),
                (dues.2, |k| matches!(k, EventKind::Missed { .. })),
            ];
            for (due, is_step) in checks {
                let event = visitor
                    .conn
                    .wait_event_within("ladder step", limit, is_step)
                    .await;
                stored.push(((event.at - waiting_at - due).max(0) * 1000) as u64);
                let expected = seen_at + Duration::from_millis(due as u64);
                seen.push(
                    Instant::now()
                        .saturating_duration_since(expected)
                        .as_micros() as u64,
                );
            }
            (stored, seen)
        },
    ))
    .await;
    let stored = results.iter().flat_map(|(s, _)| s.clone()).collect();
    let seen = results.iter().flat_map(|(_, s)| s.clone()).collect();
    (stored, seen)
}

pub async fn run(edge: &Edge, conversations: usize) -> LadderReport {
    let (first, gap) = (2_000, 2_000);
    let site = site_with_steps(edge, first, gap).await;
    let _online = SiteSocket::connect(edge, &site, &site.agents[0]).await;
    let waiting = start_waiting(edge, &site, conversations).await;
    let (stored, seen) = measure(waiting, steps(first, gap), Duration::from_secs(30)).await;
    LadderReport {
        conversations,
        late_stored: Samples::new(stored),
        late_seen: Samples::new(seen),
    }
}

/// The same on a dedicated edge that is killed and restarted while the chats wait. The steps
/// come late enough (20/24/28 s) that the restart is over before the first is due.
pub async fn run_with_restart(conversations: usize, state_dir: &str) -> LadderReport {
    let port = crate::edge::free_port();
    let mut edge = Edge::spawn(port, state_dir).await;
    let (first, gap) = (20_000, 4_000);
    let site = site_with_steps(&edge, first, gap).await;
    let online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let waiting = start_waiting(&edge, &site, conversations).await;
    let ids: Vec<(String, String, Millis, Instant)> = waiting
        .iter()
        .map(|(v, at, seen)| (v.conversation_id.clone(), v.token.clone(), *at, *seen))
        .collect();
    drop(waiting);
    drop(online);
    edge.stop().await;
    let edge = Edge::spawn(port, state_dir).await;
    let reconnected = join_all(ids.iter().map(|(id, token, at, seen)| {
        let edge = &edge;
        async move { (VisitorSocket::connect(edge, id, token, 0).await, *at, *seen) }
    }))
    .await;
    let (stored, seen) = measure(reconnected, steps(first, gap), Duration::from_secs(60)).await;
    LadderReport {
        conversations,
        late_stored: Samples::new(stored),
        late_seen: Samples::new(seen),
    }
}
