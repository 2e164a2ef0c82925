//! What agents can do: claim, talk, comment, hand back, forward, block.

use super::{Block, Conversation, Delivery, Effect, Phase};
use crate::error::ConversationError;
use crate::event::{AgentRef, EventKind};
use crate::{validate, Millis, Seq};

/// The three ways an agent comes to hold a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentAction {
    /// A waiting chat; the first accept wins.
    Accept,
    /// A bot conversation being monitored; no visitor request needed.
    TakeControl,
    /// A missed or archived chat, re-opened.
    Join,
}

impl AgentAction {
    fn allowed_in(self, phase: Phase) -> bool {
        match self {
            Self::Accept => phase == Phase::Waiting,
            Self::TakeControl => matches!(phase, Phase::Bot | Phase::Contact | Phase::Waiting),
            Self::Join => matches!(phase, Phase::Missed | Phase::Archived),
        }
    }
}

impl Conversation {
    /// Whether `agent` could claim now, without changing anything. The edge checks this before
    /// reserving one of the agent's chat slots, then calls [`Conversation::claim`].
    pub fn check_claim(
        &self,
        agent: &AgentRef,
        action: AgentAction,
    ) -> Result<(), ConversationError> {
        match (&self.agent, self.phase) {
            (Some(holder), Phase::Live) if holder.id == agent.id => Ok(()),
            (Some(holder), Phase::Live) => {
                Err(ConversationError::AlreadyClaimed { by: holder.clone() })
            }
            (_, phase) if action.allowed_in(phase) => Ok(()),
            (_, phase) => Err(ConversationError::NotAllowed { phase }),
        }
    }

    /// The claim itself: one synchronous check-and-set, so of simultaneous claims exactly one
    /// wins and the others get `AlreadyClaimed { by }`. Claiming a chat one already holds is a
    /// no-op success.
    pub fn claim(
        &mut self,
        agent: &AgentRef,
        action: AgentAction,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.check_claim(agent, action)?;
        let mut effects = Vec::new();
        if self.phase == Phase::Live {
            return Ok(effects);
        }
        self.timers.clear();
        self.waiting_since = None;
        self.handoff_pending = false;
        self.not_understood = 0;
        self.agent = Some(agent.clone());
        self.set_phase(&mut effects, Phase::Live, now);
        self.emit(
            &mut effects,
            now,
            EventKind::AgentJoined {
                agent: agent.clone(),
            },
        );
        Ok(effects)
    }

    pub(super) fn require_holder(&self, agent: &AgentRef) -> Result<(), ConversationError> {
        match &self.agent {
            Some(holder) if self.phase == Phase::Live && holder.id == agent.id => Ok(()),
            holder => Err(ConversationError::NotHolder {
                holder: holder.clone().filter(|_| self.phase == Phase::Live),
            }),
        }
    }

    /// A message from the agent holding the chat.
    pub fn agent_message(
        &mut self,
        agent: &AgentRef,
        text: &str,
        client_id: Option<String>,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.require_holder(agent)?;
        let text = validate::message_text(text, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        if self.first_time(client_id.as_deref()) {
            let agent = agent.clone();
            self.emit(
                &mut effects,
                now,
                EventKind::AgentMessage {
                    agent,
                    text,
                    client_id,
                },
            );
        }
        Ok(effects)
    }

    /// An internal comment: any agent of the site, any phase; the visitor never sees it.
    pub fn comment(
        &mut self,
        agent: &AgentRef,
        text: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        let text = validate::message_text(text, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        let agent = agent.clone();
        self.emit(
            &mut effects,
            now,
            EventKind::InternalComment { agent, text },
        );
        Ok(effects)
    }

    /// The holder leaves; the chat is archived and the bot answers again.
    pub fn leave_and_archive(
        &mut self,
        agent: &AgentRef,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.require_holder(agent)?;
        let mut effects = Vec::new();
        self.release(&mut effects, now);
        self.set_phase(&mut effects, Phase::Archived, now);
        self.emit(
            &mut effects,
            now,
            EventKind::Archived {
                agent: agent.clone(),
            },
        );
        self.ask_rating(&mut effects, now);
        Ok(effects)
    }

    /// A missed chat was looked at: it moves to Archived.
    pub fn review_and_archive(
        &mut self,
        agent: &AgentRef,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if self.phase != Phase::Missed {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let mut effects = Vec::new();
        self.set_phase(&mut effects, Phase::Archived, now);
        self.emit(
            &mut effects,
            now,
            EventKind::Archived {
                agent: agent.clone(),
            },
        );
        Ok(effects)
    }

    /// The holder sends the chat to another group's queue.
    pub fn forward(
        &mut self,
        agent: &AgentRef,
        group: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.require_holder(agent)?;
        if !self.settings.groups.iter().any(|g| g == group) {
            return Err(ConversationError::UnknownGroup(group.to_string()));
        }
        let mut effects = Vec::new();
        self.release(&mut effects, now);
        self.group = Some(group.to_string());
        self.emit(
            &mut effects,
            now,
            EventKind::Forwarded {
                group: group.to_string(),
            },
        );
        self.start_waiting(&mut effects, now);
        Ok(effects)
    }

    /// An agent who is going offline puts the chat back in the queue.
    pub fn return_to_queue(
        &mut self,
        agent: &AgentRef,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.require_holder(agent)?;
        let mut effects = Vec::new();
        self.release(&mut effects, now);
        self.start_waiting(&mut effects, now);
        Ok(effects)
    }

    /// Blocks the visitor: the chat is archived; from now on only the bot answers, and asking
    /// for a human gets `message`. Another agent's live chat cannot be blocked from outside.
    pub fn block(
        &mut self,
        agent: &AgentRef,
        reason: &str,
        message: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if self.phase == Phase::Live {
            self.require_holder(agent)?;
        }
        let reason = validate::message_text(reason, self.settings.max_message_bytes)?;
        let message = validate::message_text(message, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        if self.phase == Phase::Live {
            self.release(&mut effects, now);
        }
        self.timers.clear();
        self.waiting_since = None;
        self.handoff_pending = false;
        self.blocked = Some(Block {
            by: agent.clone(),
            reason: reason.clone(),
            message,
        });
        self.set_phase(&mut effects, Phase::Archived, now);
        let agent = agent.clone();
        self.emit(
            &mut effects,
            now,
            EventKind::VisitorBlocked { agent, reason },
        );
        Ok(effects)
    }

    /// The agents have seen everything up to `seq`.
    /// Whether the read mark moved; a receipt for an event that does not exist is refused
    /// (it would tell the other side something was read that was never sent).
    pub fn agent_read(&mut self, seq: Seq) -> Result<bool, ConversationError> {
        if seq > self.last_seq {
            return Err(ConversationError::UnknownSeq {
                seq,
                last: self.last_seq,
            });
        }
        let moved = seq > self.agent_read;
        self.agent_read = self.agent_read.max(seq);
        Ok(moved)
    }

    /// The holder steps away: tell the visitor, free the agent's slot (through the outbox, in
    /// the same commit as the state).
    fn release(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        if let Some(holder) = self.agent.take() {
            let agent_id = holder.id.clone();
            self.emit(effects, now, EventKind::AgentLeft { agent: holder });
            let seq = self.last_seq;
            self.deliver(effects, Delivery::SlotRelease { agent_id, seq }, now);
        }
    }
}
