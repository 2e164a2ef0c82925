//! One chaos round: scenarios played at once by their own tasks, and workerd killed at an
//! instant drawn from a replayable generator.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_core::protocol::{AgentCommand, VisitorCommand};
use baton_core::EventKind;
use serde_json::json;

use crate::clients::{start_conversation, AgentSocket, SiteSocket, VisitorSocket};
use crate::edge::{Edge, TestSite};

/// A small deterministic generator (xorshift64), so a failing seed can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % n.max(1)
    }
}

/// The workerd processes in the process group `group` (the spawned wrangler's).
pub fn workerd_pids(group: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let open = stat.find('(')?;
            let close = stat.rfind(')')?;
            let comm = &stat[open + 1..close];
            // After ")": state, ppid, pgrp, ...
            let pgrp: u32 = stat[close + 1..].split_whitespace().nth(2)?.parse().ok()?;
            (pgrp == group && comm == "workerd").then_some(pid)
        })
        .collect()
}

/// What one round does, per conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    LeaveMessage,
    Missed,
    Archive,
    Forward,
}

const SCENARIOS: [Scenario; 4] = [
    Scenario::LeaveMessage,
    Scenario::Missed,
    Scenario::Archive,
    Scenario::Forward,
];

/// Conversations started so far (id), shared with the round's tasks.
pub type Started = Arc<Mutex<Vec<String>>>;

/// Runs one scenario as far as it gets; the kill ends it with a panic inside its task.
async fn play(
    edge_base: String,
    token: String,
    site: TestSite,
    scenario: Scenario,
    started: Started,
) {
    let edge = Edge::at(&edge_base, &token);
    let known = json!({ "name": "Vera", "email": "vera@example.com" });
    let conversation = start_conversation(&edge, &site.id, known).await;
    if let Ok(mut ids) = started.lock() {
        ids.push(conversation.conversation_id.clone());
    }
    let mut visitor =
        VisitorSocket::connect(&edge, &conversation.conversation_id, &conversation.token, 0).await;
    if scenario == Scenario::LeaveMessage {
        visitor
            .send(VisitorCommand::LeaveMessage {
                name: "Vera".into(),
                email: "vera@example.com".into(),
                message: "Call me back".into(),
            })
            .await;
        visitor
            .conn
            .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
            .await;
        return;
    }
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting or nobody", |k| {
            matches!(
                k,
                EventKind::Waiting { .. } | EventKind::NoAgentsAvailable { .. }
            )
        })
        .await;
    if scenario == Scenario::Missed {
        visitor
            .conn
            .wait_event("missed", |k| matches!(k, EventKind::Missed { .. }))
            .await;
        return;
    }
    let agent = &site.agents[0];
    let mut socket =
        AgentSocket::connect(&edge, &site, agent, &conversation.conversation_id, 0).await;
    socket.send(AgentCommand::Accept).await;
    socket
        .conn
        .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
        .await;
    match scenario {
        Scenario::Archive => socket.send(AgentCommand::LeaveAndArchive).await,
        _ => {
            socket
                .send(AgentCommand::Forward {
                    group: "sales".into(),
                })
                .await
        }
    }
    socket
        .conn
        .wait_event("archived or forwarded", |k| {
            matches!(k, EventKind::Archived { .. } | EventKind::Forwarded { .. })
        })
        .await;
}

/// One round: the agent online, `per_round` scenarios at once, workerd killed after
/// `kill_after`. Returns how many tasks the kill interrupted.
pub async fn round(
    edge: &Edge,
    site: &TestSite,
    rng: &mut Rng,
    per_round: usize,
    kill_after: Duration,
    started: &Started,
) -> usize {
    let mut online = SiteSocket::connect(edge, site, &site.agents[0]).await;
    online.set_available(true).await;
    let tasks: Vec<_> = (0..per_round)
        .map(|_| {
            let scenario = SCENARIOS[rng.below(SCENARIOS.len() as u64) as usize];
            tokio::spawn(play(
                edge.base.clone(),
                edge.bootstrap_token.clone(),
                site.clone(),
                scenario,
                started.clone(),
            ))
        })
        .collect();
    // Not a wait for state: the kill must land at an arbitrary instant of the round.
    tokio::time::sleep(kill_after).await;
    let group = edge.group().unwrap_or_default();
    for pid in workerd_pids(group) {
        let _ = std::process::Command::new("kill")
            .args(["-s", "KILL", &pid.to_string()])
            .status();
    }
    let mut interrupted = 0;
    for task in tasks {
        if task.await.is_err() {
            interrupted += 1;
        }
    }
    drop(online);
    interrupted
}
