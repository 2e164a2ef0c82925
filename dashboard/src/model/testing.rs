//! Builders shared by the model's tests.

use baton_core::{ConversationSummary, Event, EventKind, Phase, VisitorProfile};

pub fn summary(id: &str, phase: Phase, updated_at: i64) -> ConversationSummary {
    ConversationSummary {
        id: id.into(),
        site_id: "s".into(),
        phase,
        group: None,
        agent: None,
        visitor: VisitorProfile::default(),
        waiting_since: None,
        started_at: 0,
        updated_at,
        last_message: None,
        blocked: false,
        channel: None,
    }
}

pub fn event(seq: u64, kind: EventKind) -> Event {
    Event {
        seq,
        at: seq as i64 * 1000,
        kind,
    }
}
