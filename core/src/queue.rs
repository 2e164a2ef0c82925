//! The visitor's place in the queue and the estimated wait, by the site's rules.
//!
//! The site's object keeps the live rows and a short history of how long accepted chats waited.
//! From them, [`places`] says where each waiting chat stands among the waiting chats of its
//! group (oldest first), and [`estimate`] how long a chat is usually waiting at this hour of the
//! day — only once there is enough history to say so honestly. [`changed`] picks the chats
//! whose place moved, so only those are told.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, Phase};
use crate::Millis;

/// History older than this does not count (staffing changes; last month says little).
pub const HISTORY_MS: Millis = 28 * 24 * HOUR_MS;

/// Fewer accepted chats than this around this hour of the day: no estimate is given.
pub const MIN_SAMPLES: usize = 5;

const HOUR_MS: Millis = 60 * 60 * 1000;
const DAY_MS: Millis = 24 * HOUR_MS;

/// How long one accepted chat waited, and when it was accepted.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptSample {
    pub at: Millis,
    pub waited_ms: Millis,
}

/// Where a waiting chat stands: 1 is next. `estimate_ms`: the site's median wait to accept
/// around this hour, when known.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuePlace {
    pub position: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_ms: Option<Millis>,
}

/// The sample a row's change gives: a chat that was waiting and is now live with an agent
/// (accepted, assigned, or taken) waited from its `waiting_since` until `now`.
pub fn accept_sample(
    previous: Option<&ConversationSummary>,
    next: &ConversationSummary,
    now: Millis,
) -> Option<AcceptSample> {
    let previous = previous.filter(|p| p.phase == Phase::Waiting)?;
    if next.phase != Phase::Live {
        return None;
    }
    let since = previous.waiting_since?;
    Some(AcceptSample {
        at: now,
        waited_ms: (now - since).max(0),
    })
}

/// Hours of the day apart, on the 24-hour circle (UTC: sites have no time zone yet).
fn hours_apart(a: Millis, b: Millis) -> Millis {
    let hour = |t: Millis| t.rem_euclid(DAY_MS) / HOUR_MS;
    let d = (hour(a) - hour(b)).abs();
    d.min(24 - d)
}

/// The median wait of the last [`HISTORY_MS`] at this hour of the day, give or take an hour
/// (so the hour's edge does not make the estimate vanish), from at least [`MIN_SAMPLES`]
/// accepted chats; `None` otherwise.
pub fn estimate(samples: &[AcceptSample], now: Millis) -> Option<Millis> {
    let mut waits: Vec<Millis> = samples
        .iter()
        .filter(|s| s.at <= now && now - s.at <= HISTORY_MS && hours_apart(s.at, now) <= 1)
        .map(|s| s.waited_ms)
        .collect();
    if waits.len() < MIN_SAMPLES {
        return None;
    }
    waits.sort_unstable();
    let mid = waits.len() / 2;
    Some(if waits.len() % 2 == 1 {
        waits[mid]
    } else {
        (waits[mid - 1] + waits[mid]) / 2
    })
}

/// Every waiting chat's place among the waiting chats of its group, oldest first (ties by id,
/// so every call orders them the same way).
pub fn places(
    rows: &[ConversationSummary],
    samples: &[AcceptSample],
    now: Millis,
) -> BTreeMap<String, QueuePlace> {
    let estimate_ms = estimate(samples, now);
    let mut waiting: Vec<&ConversationSummary> = rows
        .iter()
        .filter(|row| row.phase == Phase::Waiting)
        .collect();
    waiting.sort_by(|a, b| {
        (
            a.group.as_deref(),
            a.waiting_since.unwrap_or(a.updated_at),
            &a.id,
        )
            .cmp(&(
                b.group.as_deref(),
                b.waiting_since.unwrap_or(b.updated_at),
                &b.id,
            ))
    });
    let mut out = BTreeMap::new();
    let mut position = 0;
    let mut group: Option<Option<&str>> = None;
    for row in waiting {
        if group != Some(row.group.as_deref()) {
            group = Some(row.group.as_deref());
            position = 0;
        }
        position += 1;
        out.insert(
            row.id.clone(),
            QueuePlace {
                position,
                estimate_ms,
            },
        );
    }
    out
}

/// Whether a row's change can move anyone's place or add an accept sample: only a row that is,
/// or was, waiting. The others (a live chat's new message, say) leave the queue as it is, and
/// the shell need not read it before and after.
pub fn change_moves_places(
    previous: Option<&ConversationSummary>,
    next: &ConversationSummary,
) -> bool {
    next.phase == Phase::Waiting || previous.is_some_and(|p| p.phase == Phase::Waiting)
}

/// The chats whose place is new or different in `after`: the ones to tell.
pub fn changed(
    before: &BTreeMap<String, QueuePlace>,
    after: &BTreeMap<String, QueuePlace>,
) -> Vec<(String, QueuePlace)> {
    after
        .iter()
        .filter(|(id, place)| before.get(*id) != Some(place))
        .map(|(id, place)| (id.clone(), *place))
        .collect()
}

/// Samples worth keeping at `now` (the rest can be deleted).
pub fn keep(sample: &AcceptSample, now: Millis) -> bool {
    now - sample.at <= HISTORY_MS
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
