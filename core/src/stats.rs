//! Statistics facts: what happened in one conversation, derived from its events. The
//! conversation's object writes them (through its outbox) whenever its index row changes; the
//! dashboard counts them into days.

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, Phase, BAD_RATING};
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
    /// The visitor's rating after the chat (1–5; thumbs 1 or 5), if they gave one.
    #[serde(default)]
    pub rating: Option<u8>,
}

impl Facts {
    /// The bot handled it without a person, and the visitor did not rate it badly.
    pub fn resolved_by_bot(&self) -> bool {
        self.handoff_at.is_none() && self.rating.is_none_or(|score| score > BAD_RATING)
    }
}

/// `GET /api/v1/sites/{site}/stats?from=&to=`: one fact row per conversation started in the
/// period; the dashboard counts them into the agent's own days and hours.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsAnswer {
    pub facts: Vec<Facts>,
    /// Conversations whose facts are not computed yet: ask again.
    #[serde(default)]
    pub pending: u32,
    /// Whether any conversation the bot handled alone is counted (sites from before every
    /// conversation was counted have none).
    #[serde(default)]
    pub includes_bot_only: bool,
}

/// Whether [`facts_from`] reads this kind of event (so the facts must be written again).
pub fn moves_facts(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ContactRequested
            | EventKind::NoAgentsAvailable { .. }
            | EventKind::Waiting { .. }
            | EventKind::AgentJoined { .. }
            | EventKind::Missed { .. }
            | EventKind::Rated { .. }
    )
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
            EventKind::Rated { score, .. } => facts.rating = Some(*score),
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
    fn a_rating_is_a_fact() {
        let events = [at(
            900,
            EventKind::Rated {
                score: 4,
                comment: "kind".into(),
            },
        )];
        assert_eq!(
            facts_from(&summary(Phase::Archived), &events).rating,
            Some(4)
        );
    }

    #[test]
    fn the_bot_resolved_what_reached_no_person_unless_rated_badly() {
        let bot_only = facts_from(&summary(Phase::Bot), &[]);
        assert!(bot_only.resolved_by_bot());
        for (score, resolved) in [(1, false), (2, false), (3, true), (5, true)] {
            let rated = Facts {
                rating: Some(score),
                ..bot_only.clone()
            };
            assert_eq!(rated.resolved_by_bot(), resolved, "rated {score}");
        }
        let handed = facts_from(
            &summary(Phase::Bot),
            &[at(250, EventKind::ContactRequested)],
        );
        assert!(!handed.resolved_by_bot());
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
