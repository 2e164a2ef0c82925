//! Conversations handed over by an outside bot platform through the Operator API: they start
//! with the platform's last messages as history and go straight to a handoff, then follow the
//! same rules as a widget chat (notify, ladder, claim, missed). Baton's bot never answers them:
//! the platform's own bot does, before and after. What agents do is sent back to the platform
//! by signed webhook through the outbox ([`Delivery::OperatorEvent`]).

use serde::{Deserialize, Serialize};

use super::{Conversation, Delivery, Effect, HolderReach, Phase, VisitorProfile};
use crate::error::ConversationError;
use crate::event::{AgentRef, EventKind};
use crate::settings::SiteSettings;
use crate::{validate, Millis, Seq};

/// Where a handed-over conversation came from and where its events go.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperatorLink {
    /// The platform's name as agents see it ("DialogStudio", "WhatsApp bot", …).
    pub channel: String,
    /// Receives the signed events (from the API key the platform used).
    pub webhook_url: String,
    /// The platform's own id of this conversation, echoed in every event.
    pub external_id: String,
    /// The API key that created it; only that site's keys may post to it.
    pub key_id: String,
}

/// Who wrote a history message on the platform.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAuthor {
    Visitor,
    Bot,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HistoryMessage {
    pub from: HistoryAuthor,
    pub text: String,
}

/// Stands in for the bot in linked conversations: never asked (their phases never let the
/// bot answer), and if it were, it would hand the conversation to a person.
struct PlatformBot;

impl crate::bot::Bot for PlatformBot {
    fn answer(&self, _text: &str) -> crate::bot::BotReply {
        crate::bot::BotReply {
            text: String::new(),
            understood: false,
            wants_human: true,
            suggestions: Vec::new(),
        }
    }
}

/// The events an operator platform is told about.
fn platform_event(kind: &EventKind) -> Option<&'static str> {
    Some(match kind {
        EventKind::Waiting { .. } => "handoff.waiting",
        EventKind::NoAgentsAvailable { .. } => "handoff.no_agents",
        EventKind::AgentJoined { .. } => "agent.joined",
        EventKind::AgentMessage { .. } => "agent.message",
        EventKind::AgentLeft { .. } => "agent.left",
        EventKind::Forwarded { .. } => "handoff.forwarded",
        EventKind::Missed { .. } => "handoff.missed",
        EventKind::Archived { .. } => "handoff.ended",
        _ => return None,
    })
}

impl EventKind {
    /// The webhook event type an operator platform gets for this event, if any.
    pub fn platform_event(&self) -> Option<&'static str> {
        platform_event(self)
    }
}

impl Conversation {
    /// A conversation handed over by a platform: `history` (at most the site's
    /// `operator_history` messages) is stored as the bot conversation agents read, then the
    /// handoff starts at once. The visitor's name and email are required (there is no widget to
    /// ask them in).
    pub fn start_from_platform(
        id: String,
        site_id: String,
        mut settings: SiteSettings,
        visitor: VisitorProfile,
        link: OperatorLink,
        history: &[HistoryMessage],
        now: Millis,
    ) -> Result<(Self, Vec<Effect>), ConversationError> {
        let name = visitor.name.as_deref().map(validate::name).transpose()?;
        let email = visitor.email.as_deref().map(validate::email).transpose()?;
        let name = name.ok_or(ConversationError::InvalidName)?;
        let email = email.ok_or(ConversationError::InvalidEmail)?;
        let limit = settings.operator_history as usize;
        if history.len() > limit {
            return Err(ConversationError::TooLarge {
                len: history.len(),
                max: limit,
            });
        }
        let texts = history
            .iter()
            .map(|m| validate::message_text(&m.text, settings.max_message_bytes))
            .collect::<Result<Vec<_>, _>>()?;
        // The platform greeted the visitor already; its bot, not ours, talked so far.
        settings.greeting.clear();
        settings.straight_to_live = false;
        let (mut conversation, mut effects) = Self::start(id, site_id, settings, visitor, now);
        conversation.visitor.name = Some(name);
        conversation.visitor.email = Some(email);
        conversation.operator = Some(link);
        for (message, text) in history.iter().zip(texts) {
            let kind = match message.from {
                HistoryAuthor::Visitor => EventKind::VisitorMessage {
                    text,
                    client_id: None,
                },
                HistoryAuthor::Bot => EventKind::BotMessage {
                    text,
                    offer_human: false,
                    suggestions: Vec::new(),
                },
            };
            conversation.emit(&mut effects, now, kind);
        }
        effects.retain(|e| *e != Effect::ListChanged);
        let more = conversation.request_human(now)?;
        effects.extend(more);
        // Listed from the start, whatever the handoff did (the history's rows are one row).
        conversation.list_row(&mut effects, now);
        Ok((conversation, effects))
    }

    /// A visitor's message relayed by the platform. Only while the handoff lasts: once it was
    /// missed or ended, the conversation is the platform's bot's again.
    pub fn platform_message(
        &mut self,
        text: &str,
        client_id: Option<String>,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if self.operator.is_none() || self.phase.bot_answers() && !self.handoff_pending {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        self.visitor_says(text, client_id, now, &PlatformBot, HolderReach::Unknown)
    }

    /// The platform ends a handoff nobody has accepted yet (the visitor left its channel): the
    /// chat leaves the queue. One an agent holds is theirs to leave & archive.
    pub fn platform_close(&mut self, now: Millis) -> Result<Vec<Effect>, ConversationError> {
        if self.operator.is_none() || self.phase == Phase::Live {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let mut effects = Vec::new();
        self.handoff_pending = false;
        self.timers.clear();
        self.waiting_since = None;
        self.set_phase(&mut effects, Phase::Bot, now);
        Ok(effects)
    }

    /// The agent holding a linked chat started or stopped typing: the platform is told, so its
    /// channel can show it. Nothing for other chats or other agents (typing is never an error).
    pub fn agent_typing(&mut self, agent: &AgentRef, typing: bool, now: Millis) -> Vec<Effect> {
        let mut effects = Vec::new();
        let holds =
            self.phase == Phase::Live && self.agent.as_ref().is_some_and(|a| a.id == agent.id);
        if self.operator.is_some() && holds {
            self.deliver(
                &mut effects,
                Delivery::OperatorTyping { typing, at: now },
                now,
            );
        }
        effects
    }

    /// Queues the platform's copy of the event just emitted, for linked conversations.
    pub(super) fn tell_platform(
        &mut self,
        effects: &mut Vec<Effect>,
        seq: Seq,
        kind: &EventKind,
        now: Millis,
    ) {
        if self.operator.is_some() && platform_event(kind).is_some() {
            self.deliver(effects, Delivery::OperatorEvent { seq }, now);
        }
    }
}
