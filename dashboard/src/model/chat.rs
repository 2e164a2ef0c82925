//! One open conversation as an agent sees it: the whole history (bot part and internal comments
//! included), who holds it, what this agent may do, and the visitor's typing and read state.

use baton_core::protocol::{Party, ServerFrame};
use baton_core::{AgentRef, ConversationSummary, ErrorCode, Event, EventKind, Phase, Seq};

/// The buttons a chat offers to this agent right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actions {
    pub accept: bool,
    pub take_control: bool,
    pub join: bool,
    pub leave_and_archive: bool,
    pub review_and_archive: bool,
    pub forward: bool,
    pub block: bool,
}

/// A refusal to show next to the actions.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

impl Refusal {
    /// The refusal as the agent should read it: what happened and what to do.
    pub fn explain(&self) -> String {
        match self.code {
            ErrorCode::TooManyChats => format!(
                "You cannot take another chat: {}. Leave & archive one of yours first.",
                self.message
            ),
            ErrorCode::NotHolder => format!(
                "Only the agent holding this chat can do that ({}).",
                self.message
            ),
            _ => self.message.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChatModel {
    pub id: String,
    pub site_id: String,
    pub me: AgentRef,
    pub summary: Option<ConversationSummary>,
    pub phase: Option<Phase>,
    pub holder: Option<AgentRef>,
    /// Sorted by sequence number, each once.
    pub events: Vec<Event>,
    pub visitor_typing: bool,
    /// The visitor has seen everything up to here.
    pub visitor_read: Seq,
    /// Set when this agent lost a claim: shown at once as "Taken by <name>".
    pub taken_by: Option<AgentRef>,
    pub refusal: Option<Refusal>,
    pub connected: bool,
    /// Events up to here came as the socket's replay, not as they happened.
    replayed_to: Seq,
}

impl ChatModel {
    pub fn new(site_id: &str, id: &str, me: AgentRef) -> Self {
        Self {
            id: id.to_string(),
            site_id: site_id.to_string(),
            me,
            summary: None,
            phase: None,
            holder: None,
            events: Vec::new(),
            visitor_typing: false,
            visitor_read: 0,
            taken_by: None,
            refusal: None,
            connected: false,
            replayed_to: 0,
        }
    }

    pub fn last_seq(&self) -> Seq {
        self.events.last().map_or(0, |e| e.seq)
    }

    /// Applies one frame of the conversation socket.
    pub fn apply(&mut self, frame: &ServerFrame) {
        match frame {
            ServerFrame::Welcome {
                phase,
                agent,
                last_seq,
                ..
            } => {
                self.connected = true;
                self.replayed_to = *last_seq;
                self.phase = Some(*phase);
                self.holder = agent.clone().filter(|_| *phase == Phase::Live);
            }
            ServerFrame::Event { event } => {
                let live = event.seq > self.replayed_to;
                self.add_event(event.clone(), live);
            }
            ServerFrame::Typing {
                by: Party::Visitor,
                typing,
            } => self.visitor_typing = *typing,
            ServerFrame::Read {
                by: Party::Visitor,
                seq,
            } => self.visitor_read = self.visitor_read.max(*seq),
            ServerFrame::Claimed { .. } => {
                self.taken_by = None;
                self.refusal = None;
            }
            ServerFrame::AlreadyClaimed { by, .. } => {
                self.taken_by = Some(by.clone());
                self.holder = Some(by.clone());
                self.phase = Some(Phase::Live);
            }
            ServerFrame::Error { code, message } => {
                self.refusal = Some(Refusal {
                    code: *code,
                    message: message.clone(),
                });
            }
            _ => {}
        }
    }

    /// Events from an HTTP history or a socket replay; duplicates are dropped.
    pub fn add_events(&mut self, events: impl IntoIterator<Item = Event>) {
        for event in events {
            self.add_event(event, false);
        }
    }

    /// `live`: it happened while this agent watched, rather than being history or a replay.
    fn add_event(&mut self, event: Event, live: bool) {
        match self.events.binary_search_by_key(&event.seq, |e| e.seq) {
            Ok(_) => return,
            Err(at) => self.events.insert(at, event.clone()),
        }
        if event.seq < self.last_seq() {
            return; // an old event filled a gap: the phase already reflects later ones
        }
        match &event.kind {
            EventKind::ContactRequested => self.phase = Some(Phase::Contact),
            EventKind::Waiting { .. } => {
                self.phase = Some(Phase::Waiting);
                self.holder = None;
            }
            EventKind::AgentJoined { agent } => {
                if live || agent.id == self.me.id {
                    self.taken_from_queue(Some(agent));
                }
                self.phase = Some(Phase::Live);
                self.holder = Some(agent.clone());
            }
            EventKind::AgentLeft { .. } => self.holder = None,
            EventKind::Missed { .. } => self.phase = Some(Phase::Missed),
            EventKind::Archived { .. } | EventKind::VisitorBlocked { .. } => {
                self.phase = Some(Phase::Archived);
                self.holder = None;
            }
            EventKind::TicketCreated { .. }
                if matches!(self.phase, Some(Phase::Waiting | Phase::Contact)) =>
            {
                self.phase = Some(Phase::Bot);
            }
            EventKind::VisitorMessage { .. } => self.visitor_typing = false,
            _ => {}
        }
    }

    /// The site socket's view of this conversation; it wins when it is newer.
    pub fn apply_summary(&mut self, summary: &ConversationSummary) {
        if summary.id != self.id {
            return;
        }
        let newer = self
            .summary
            .as_ref()
            .is_none_or(|known| known.updated_at <= summary.updated_at);
        if newer {
            if summary.phase == Phase::Live {
                self.taken_from_queue(summary.agent.as_ref());
            }
            self.phase = Some(summary.phase);
            self.holder = summary
                .agent
                .clone()
                .filter(|_| summary.phase == Phase::Live);
            self.summary = Some(summary.clone());
        }
    }

    /// Watching a waiting chat while a co-worker takes it is losing the race too, even when
    /// this agent's Accept never left: say "Taken by <name>" at once either way.
    fn taken_from_queue(&mut self, by: Option<&AgentRef>) {
        match by {
            Some(agent) if agent.id == self.me.id => self.taken_by = None,
            Some(agent) if self.phase == Some(Phase::Waiting) => {
                self.taken_by = Some(agent.clone())
            }
            _ => {}
        }
    }

    pub fn mine(&self) -> bool {
        self.phase == Some(Phase::Live) && self.holder.as_ref().is_some_and(|h| h.id == self.me.id)
    }

    /// Held by a co-worker: read-only for this agent, and who holds it.
    pub fn held_by_other(&self) -> Option<&AgentRef> {
        match (&self.holder, self.phase) {
            (Some(holder), Some(Phase::Live)) if holder.id != self.me.id => Some(holder),
            _ => None,
        }
    }

    /// Replies go to the visitor only from the agent holding the chat.
    pub fn can_reply(&self) -> bool {
        self.mine()
    }

    pub fn actions(&self) -> Actions {
        let mine = self.mine();
        let phase = self.phase;
        Actions {
            accept: phase == Some(Phase::Waiting),
            take_control: matches!(phase, Some(Phase::Bot | Phase::Contact)),
            join: matches!(phase, Some(Phase::Missed | Phase::Archived)),
            leave_and_archive: mine,
            review_and_archive: phase == Some(Phase::Missed),
            forward: mine,
            // Anyone may block a visitor the bot is talking to; a live chat only its holder.
            block: mine || (phase.is_some() && phase != Some(Phase::Live)),
        }
    }

    /// The visitor has read the agent's last message.
    pub fn seen_by_visitor(&self) -> bool {
        let last_agent = self
            .events
            .iter()
            .rev()
            .find(|e| matches!(e.kind, EventKind::AgentMessage { .. }));
        last_agent.is_some_and(|e| self.visitor_read >= e.seq)
    }

    /// A line a screen reader and the status bar can say about the chat.
    pub fn status_line(&self) -> String {
        if let Some(by) = &self.taken_by {
            return format!("Taken by {}", by.name);
        }
        match (self.phase, &self.holder) {
            (Some(Phase::Live), Some(h)) if h.id == self.me.id => "You hold this chat".into(),
            (Some(Phase::Live), Some(h)) => format!("Held by {} — read only", h.name),
            (Some(Phase::Waiting), _) => "Waiting for an agent".into(),
            (Some(Phase::Contact), _) => "Visitor is giving name and email".into(),
            (Some(Phase::Missed), _) => "Missed — the bot answers".into(),
            (Some(Phase::Archived), _) if self.blocked() => "Blocked — archived".into(),
            (Some(Phase::Archived), _) => "Archived — the bot answers".into(),
            (Some(Phase::Bot), _) => "The bot is answering".into(),
            _ => "Loading…".into(),
        }
    }

    pub fn blocked(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| s.blocked)
            || self
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::VisitorBlocked { .. }))
    }
}

#[cfg(test)]
#[path = "chat_tests.rs"]
mod tests;
