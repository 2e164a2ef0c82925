//! Web Push drafts of a conversation: what it queues, and whether a queued one still applies.

use super::{Conversation, Delivery, Effect, Phase};
use crate::event::AgentRef;
use crate::push::{self, PushAudience, PushDraft, PushKind, Urgency};
use crate::Millis;

impl Conversation {
    /// Whether a queued push still means something when its (first or repeated) attempt comes:
    /// a "chat waiting" only while this wait goes on, a chat assigned or a visitor's message
    /// only while that agent holds it. Withdrawals and tickets always go.
    pub fn push_still_due(&self, draft: &PushDraft) -> bool {
        let holder =
            |id: &str| self.phase == Phase::Live && self.agent.as_ref().is_some_and(|a| a.id == id);
        match (&draft.kind, &draft.audience) {
            (PushKind::ChatWaiting, _) => {
                self.phase == Phase::Waiting && self.waiting_since.is_some_and(|s| s <= draft.at)
            }
            (_, PushAudience::Agent { agent_id } | PushAudience::Holder { agent_id }) => {
                holder(agent_id)
            }
            _ => true,
        }
    }

    /// Queues a push about this conversation through the outbox.
    pub(super) fn push(
        &mut self,
        effects: &mut Vec<Effect>,
        kind: PushKind,
        audience: PushAudience,
        by: Option<AgentRef>,
        now: Millis,
    ) {
        // A waiting chat is missed after time to accept: neither it nor its withdrawal
        // matters to a device that comes back later.
        let wait_left_s = self
            .waiting_since
            .map(|since| since + self.settings.time_to_accept_ms - now)
            .unwrap_or(self.settings.time_to_accept_ms);
        let wait_left_s = (wait_left_s / 1000).clamp(1, i64::from(u32::MAX)) as u32;
        let (ttl_s, urgency) = match kind {
            PushKind::ChatWaiting | PushKind::Withdrawn => (wait_left_s, Urgency::High),
            PushKind::ChatAssigned => (push::ASSIGNED_TTL_S, Urgency::High),
            PushKind::VisitorMessage => (push::MESSAGE_TTL_S, Urgency::Normal),
            PushKind::NewTicket => (push::TICKET_TTL_S, Urgency::Normal),
        };
        let visitor = self
            .visitor
            .name
            .as_deref()
            .map(|name| push::first_words(name, push::NAME_CHARS))
            .unwrap_or_else(|| "Visitor".to_string());
        let draft = PushDraft {
            seq: self.last_seq,
            kind,
            audience,
            site_id: self.site_id.clone(),
            conversation_id: self.id.clone(),
            visitor,
            text: self.last_visitor_text.clone().unwrap_or_default(),
            at: now,
            ttl_s,
            urgency,
            by,
        };
        self.deliver(effects, Delivery::Push(draft), now);
    }
}
