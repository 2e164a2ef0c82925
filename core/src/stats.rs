//! Statistics facts: what happened in one conversation, derived from its events. The
//! conversation's object writes them (through its outbox) whenever its index row changes; the
//! dashboard counts them into days.

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, Phase};
use crate::event::{Event, EventKind};
use crate::Millis;

/// What happened in one conversation (one row of `conversation_facts`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub id: String,
    pub started_at: Millis,
    pub handoff_at: Option<Millis>,
    pub queued_at: Option<Millis>,
    pub accepted_at: Option<Millis>,
    pub missed: bool,
}

/// What happened in a conversation: when it first went to a person (asked, queued, or taken
/// over), when it was queued, when the first agent accepted it before it was missed, and
/// whether it was missed. A later join of a missed chat is not a time to accept.
pub fn facts_from(summary: &ConversationSummary, events: &[Event]) -> Facts {
    let mut facts = Facts {
        id: summary.id.clone(),
        started_at: summary.started_at,
        missed: summary.phase == Phase::Missed,
        ..Facts::default()
    };
    for event in events {
        match &event.kind {
            EventKind::ContactRequested
            | EventKind::NoAgentsAvailable { .. }
            | EventKind::Waiting { .. }
            | EventKind::AgentJoined { .. } => {
                facts.handoff_at.get_or_insert(event.at);
            }
            _ => {}
        }
        match &event.kind {
            EventKind::Waiting { .. } => {
                facts.queued_at.get_or_insert(event.at);
            }
            EventKind::AgentJoined { .. }
                if facts.queued_at.is_some() && facts.accepted_at.is_none() && !facts.missed =>
            {
                facts.accepted_at = Some(event.at);
            }
            EventKind::Missed { .. } => facts.missed = true,
            _ => {}
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AgentRef, VisitorProfile};

    fn summary(phase: Phase) -> ConversationSummary {
        ConversationSummary {
            id: "c".into(),
            site_id: "s".into(),
            phase,
            group: None,
            agent: None,
            visitor: VisitorProfile::default(),
            waiting_since: None,
            started_at: 100,
            updated_at: 900,
            last_message: None,
            blocked: false,
            channel: None,
        }
    }

    fn at(at: i64, kind: EventKind) -> Event {
        Event {
            seq: at as u64,
            at,
            kind,
        }
    }

    fn ann() -> AgentRef {
        AgentRef {
            id: "a".into(),
            name: "Ann".into(),
        }
    }

    #[test]
    fn accepted_chat_has_a_time_to_accept() {
        let events = [
            at(200, EventKind::ContactRequested),
            at(300, EventKind::Waiting { group: None }),
            at(450, EventKind::AgentJoined { agent: ann() }),
        ];
        let facts = facts_from(&summary(Phase::Archived), &events);
        assert_eq!(
            (facts.handoff_at, facts.queued_at, facts.accepted_at),
            (Some(200), Some(300), Some(450))
        );
        assert!(!facts.missed);
    }

    #[test]
    fn joining_a_missed_chat_is_not_an_accept() {
        let events = [
            at(300, EventKind::Waiting { group: None }),
            at(
                500,
                EventKind::Missed {
                    contact_details: String::new(),
                },
            ),
            at(900, EventKind::AgentJoined { agent: ann() }),
        ];
        let facts = facts_from(&summary(Phase::Live), &events);
        assert!(facts.missed);
        assert_eq!(facts.accepted_at, None);
    }

    #[test]
    fn take_control_is_a_handoff_without_a_queue() {
        let facts = facts_from(
            &summary(Phase::Live),
            &[at(250, EventKind::AgentJoined { agent: ann() })],
        );
        assert_eq!(
            (facts.handoff_at, facts.queued_at, facts.accepted_at),
            (Some(250), None, None)
        );
    }
}
