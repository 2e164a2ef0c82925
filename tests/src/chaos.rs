//! The chaos run behind `baton-chaos`: visitors leave messages, chats are missed, archived and
//! forwarded, tickets fire webhooks at a loopback receiver that fails 30 % of requests, and
//! workerd is killed (`kill -9`, by its pid) at a random instant of every round. After the last
//! restart every ticket, index row, statistics fact and webhook must exist exactly once.
//!
//! The truth is each conversation's own event history (read from its Durable Object); D1 is read
//! independently with `wrangler d1 execute`, the webhooks from the receiver's own log.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_core::protocol::{AgentCommand, VisitorCommand};
use baton_core::site::List;
use baton_core::stats::{facts_from, Facts};
use baton_core::{ConversationSummary, Event, EventKind, Phase};
use serde::Deserialize;
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

#[derive(Deserialize)]
struct D1Answer {
    results: Vec<serde_json::Value>,
}

/// Runs one read-only query against the local D1 with wrangler (not through the edge).
pub fn d1(state: &str, sql: &str) -> Result<Vec<serde_json::Value>, String> {
    let wrangler = std::env::var("WRANGLER_BIN").unwrap_or_else(|_| "wrangler".into());
    let output = std::process::Command::new(wrangler)
        .current_dir(crate::edge::repo_root().join("edge"))
        .env("CI", "true")
        .args([
            "d1",
            "execute",
            "DB",
            "--local",
            "--persist-to",
            state,
            "--json",
        ])
        .args(["--command", sql])
        .output()
        .map_err(|e| format!("wrangler d1 execute: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).to_string());
    }
    let answers: Vec<D1Answer> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("d1 output: {e}"))?;
    Ok(answers.into_iter().flat_map(|a| a.results).collect())
}

/// A conversation as its Durable Object tells it.
#[derive(Deserialize)]
pub struct History {
    pub summary: ConversationSummary,
    pub events: Vec<Event>,
}

pub async fn history(edge: &Edge, site: &TestSite, id: &str) -> Option<History> {
    let response = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations/{id}",
            edge.base, site.id
        ))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

/// What the final check counted.
#[derive(Default, Debug)]
pub struct Counts {
    pub conversations: usize,
    pub tickets_expected: usize,
    pub tickets_missing: usize,
    /// Rows in D1 that no conversation created (or a second row for one).
    pub tickets_extra: usize,
    pub index_expected: usize,
    pub index_missing: usize,
    /// Present with the wrong phase, or present for a conversation never missed/archived/live.
    pub index_wrong: usize,
    /// Waiting or live conversations, each of which must be on the site's Active list.
    pub list_expected: usize,
    pub list_missing: usize,
    /// On the Active/Monitor list with a phase its conversation left, or listed after it left.
    pub list_wrong: usize,
    pub facts_expected: usize,
    pub facts_missing: usize,
    /// Present but not what the conversation's events say (or older than its index row).
    pub facts_wrong: usize,
    pub webhooks_expected: usize,
    pub webhooks_missing: usize,
    /// Accepted under a key no ticket has.
    pub webhooks_unknown: usize,
    /// Accepted again under a key already accepted (at least once; the receiver deduplicates).
    pub webhook_redeliveries: usize,
    pub webhook_attempts: usize,
    pub webhook_failed_attempts: usize,
    /// One line per wrong or missing row, so a failing run says what and why.
    pub problems: Vec<String>,
}

impl Counts {
    pub fn lost(&self) -> usize {
        self.tickets_missing
            + self.index_missing
            + self.list_missing
            + self.facts_missing
            + self.webhooks_missing
    }

    pub fn wrong(&self) -> usize {
        self.tickets_extra
            + self.index_wrong
            + self.list_wrong
            + self.facts_wrong
            + self.webhooks_unknown
    }
}

/// The index phase a history implies: the phase after its last Missed, Archived or Live
/// transition (`None`: never indexed).
fn index_phase(events: &[Event]) -> Option<Phase> {
    events.iter().rev().find_map(|event| match event.kind {
        EventKind::Missed { .. } => Some(Phase::Missed),
        EventKind::Archived { .. } | EventKind::VisitorBlocked { .. } => Some(Phase::Archived),
        EventKind::AgentJoined { .. } => Some(Phase::Live),
        _ => None,
    })
}

/// Whether the visitor did anything that counts the conversation in the statistics.
fn visitor_acted(events: &[Event]) -> bool {
    events.iter().any(|event| {
        matches!(
            event.kind,
            EventKind::VisitorMessage { .. }
                | EventKind::ContactRequested
                | EventKind::NoAgentsAvailable { .. }
                | EventKind::TicketCreated { .. }
                | EventKind::Waiting { .. }
        )
    })
}

/// Compares D1 and the receiver with the conversations' own histories.
pub async fn check(
    edge: &Edge,
    site: &TestSite,
    state: &str,
    ids: &[String],
    accepted: &BTreeMap<String, u32>,
) -> Result<Counts, String> {
    let mut counts = Counts {
        conversations: ids.len(),
        ..Counts::default()
    };
    let site_id = &site.id;
    let tickets = d1(
        state,
        &format!("SELECT id, conversation_id FROM tickets WHERE site_id = '{site_id}'"),
    )?;
    let index = d1(
        state,
        &format!(
            "SELECT id, phase, updated_at FROM conversation_index WHERE site_id = '{site_id}'"
        ),
    )?;
    let facts = d1(state, &format!(
        "SELECT id, started_at, handoff_at, queued_at, accepted_at, missed, rating, source_updated_at FROM conversation_facts WHERE site_id = '{site_id}'"
    ))?;
    let ticket_rows: Vec<(String, String)> = tickets
        .iter()
        .map(|t| (text(&t["conversation_id"]), text(&t["id"])))
        .collect();
    let index_rows: BTreeMap<String, (String, Option<i64>)> = index
        .iter()
        .map(|r| {
            (
                text(&r["id"]),
                (text(&r["phase"]), r["updated_at"].as_i64()),
            )
        })
        .collect();
    let fact_rows: BTreeMap<String, serde_json::Value> =
        facts.iter().map(|r| (text(&r["id"]), r.clone())).collect();
    let live_rows = live_lists(edge, site).await;
    let mut expected_tickets = BTreeSet::new();
    let mut expected_hooks = BTreeSet::new();
    for id in ids {
        let Some(history) = history(edge, site, id).await else {
            return Err(format!("conversation {id} unreadable"));
        };
        check_list_row(&mut counts, &history.summary, live_rows.get(id));
        for event in &history.events {
            if let EventKind::TicketCreated { ticket_id } = &event.kind {
                expected_tickets.insert((id.clone(), ticket_id.clone()));
                expected_hooks.insert(format!("{id}:webhook:ticket:{ticket_id}"));
            }
        }
        let phase = index_phase(&history.events);
        match phase {
            None => {
                if index_rows.contains_key(id) {
                    counts.index_wrong += 1;
                    counts
                        .problems
                        .push(format!("index {id}: a row for a conversation never listed"));
                }
            }
            Some(phase) => {
                counts.index_expected += 1;
                let want_phase = serde_json::to_value(phase)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string));
                match index_rows.get(id) {
                    None => {
                        counts.index_missing += 1;
                        counts.problems.push(format!("index {id}: missing"));
                    }
                    Some((stored, _)) if Some(stored) == want_phase.as_ref() => {}
                    Some((stored, _)) => {
                        counts.index_wrong += 1;
                        counts
                            .problems
                            .push(format!("index {id}: {stored}, want {want_phase:?}"));
                    }
                }
            }
        }
        // Every conversation the visitor acted in is counted, listed or not.
        if !visitor_acted(&history.events) {
            if fact_rows.contains_key(id) {
                counts.facts_wrong += 1;
                counts.problems.push(format!(
                    "facts {id}: a row for a conversation the visitor never acted in"
                ));
            }
            continue;
        }
        counts.facts_expected += 1;
        let want: Facts = facts_from(&history.summary, &history.events);
        match fact_rows.get(id) {
            None => {
                counts.facts_missing += 1;
                counts.problems.push(format!("facts {id}: missing"));
            }
            Some(row) => {
                let got = Facts {
                    id: id.clone(),
                    started_at: row["started_at"].as_i64().unwrap_or(-1),
                    handoff_at: row["handoff_at"].as_i64(),
                    queued_at: row["queued_at"].as_i64(),
                    accepted_at: row["accepted_at"].as_i64(),
                    missed: row["missed"].as_i64() == Some(1),
                    rating: row["rating"].as_u64().map(|r| r as u8),
                };
                // A listed conversation's facts and index row are written by the same
                // transition, so they carry the same source time.
                let source_differs = phase.is_some()
                    && index_rows.get(id).and_then(|(_, at)| *at)
                        != row["source_updated_at"].as_i64();
                if got != want || source_differs {
                    counts.facts_wrong += 1;
                    let kinds: Vec<String> = history
                        .events
                        .iter()
                        .map(|e| format!("{}@{}", event_name(&e.kind), e.at))
                        .collect();
                    counts.problems.push(format!(
                        "facts {id}: want {want:?}, got {got:?}; index row {:?}, facts source {:?}; events {}",
                        index_rows.get(id),
                        row["source_updated_at"].as_i64(),
                        kinds.join(" ")
                    ));
                }
            }
        }
    }
    let found: BTreeSet<(String, String)> = ticket_rows.iter().cloned().collect();
    counts.tickets_expected = expected_tickets.len();
    counts.tickets_missing = expected_tickets.difference(&found).count();
    counts.tickets_extra =
        found.difference(&expected_tickets).count() + (ticket_rows.len() - found.len());
    counts.webhooks_expected = expected_hooks.len();
    counts.webhooks_missing = expected_hooks
        .iter()
        .filter(|k| !accepted.contains_key(*k))
        .count();
    counts.webhooks_unknown = accepted
        .keys()
        .filter(|k| !expected_hooks.contains(*k))
        .count();
    counts.webhook_redeliveries = accepted
        .values()
        .map(|n| (*n as usize).saturating_sub(1))
        .sum();
    Ok(counts)
}

/// The site's live lists (Active and Monitor) as an agent's dashboard receives them on connect.
async fn live_lists(edge: &Edge, site: &TestSite) -> BTreeMap<String, ConversationSummary> {
    let url = format!("{}/api/v1/sites/{}/ws", edge.ws_base(), site.id);
    let Ok(mut conn) = crate::clients::Conn::open(&url, Some(&site.agents[0].token)).await else {
        return BTreeMap::new();
    };
    let rows = match conn
        .wait_for("snapshot", |f| {
            matches!(f, baton_core::protocol::ServerFrame::Snapshot { .. })
        })
        .await
    {
        baton_core::protocol::ServerFrame::Snapshot { conversations, .. } => conversations,
        _ => Vec::new(),
    };
    rows.into_iter().map(|row| (row.id.clone(), row)).collect()
}

/// A waiting or live conversation must be on the Active list with its phase and agent; one that
/// left it (missed, archived) must not be listed. Bot conversations come and go from Monitor
/// with time, so only their phase is checked when listed.
fn check_list_row(
    counts: &mut Counts,
    truth: &ConversationSummary,
    row: Option<&ConversationSummary>,
) {
    let id = &truth.id;
    let on_active = List::of(truth.phase) == List::Active;
    if on_active {
        counts.list_expected += 1;
    }
    match row {
        None if on_active => {
            counts.list_missing += 1;
            counts
                .problems
                .push(format!("list {id}: {:?} but not listed", truth.phase));
        }
        None => {}
        Some(row) if row.phase == truth.phase && row.agent == truth.agent => {}
        Some(row) => {
            counts.list_wrong += 1;
            counts.problems.push(format!(
                "list {id}: listed as {:?} ({:?}), is {:?} ({:?})",
                row.phase,
                row.agent.as_ref().map(|a| &a.id),
                truth.phase,
                truth.agent.as_ref().map(|a| &a.id)
            ));
        }
    }
}

/// An event's wire name (`visitor_message`), for the problem lines.
fn event_name(kind: &EventKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// Waits (bounded) for every delivery to settle: retries run on alarms with backoff.
pub async fn settle(
    edge: &Edge,
    site: &TestSite,
    state: &str,
    ids: &[String],
    receiver: &crate::hooks::WebhookReceiver,
    limit: Duration,
) -> Result<Counts, String> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let accepted: BTreeMap<String, u32> = receiver.accepted().into_iter().collect();
        let mut counts = check(edge, site, state, ids, &accepted).await?;
        let received = receiver.received();
        counts.webhook_attempts = received.len();
        counts.webhook_failed_attempts = received.iter().filter(|r| r.status >= 300).count();
        if (counts.lost() == 0 && counts.wrong() == 0) || tokio::time::Instant::now() >= deadline {
            return Ok(counts);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
