//! The chaos run's final check: every ticket, index row, list row, statistics fact and webhook
//! that the conversations' own histories imply must exist exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use baton_core::site::List;
use baton_core::stats::{facts_from, Facts};
use baton_core::{ConversationSummary, Event, EventKind, Phase};

use super::counts::Counts;
use super::reads::{d1, history, live_lists};
use crate::edge::{Edge, TestSite};

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
