//! One conversation's state machine: bot → contact → waiting → live → archived, with missed.
//!
//! Every input is a method taking `now`; each returns the [`Effect`]s to carry out, or an error
//! that left the state untouched (checks happen before any change). The caller persists the
//! whole [`Conversation`] after every successful call and re-arms its alarm at
//! [`Conversation::next_deadline`].

mod agent;
mod visitor;

use serde::{Deserialize, Serialize};

use crate::event::{AgentRef, Event, EventKind};
use crate::ladder::{TimerKind, TimerTable};
use crate::settings::SiteSettings;
use crate::{Millis, Seq};

pub use agent::AgentAction;

/// Where the conversation is in its lifecycle.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The bot answers.
    Bot,
    /// Collecting the visitor's name and email before queueing.
    Contact,
    /// Agents are notified; the ladder runs.
    Waiting,
    /// One agent holds the chat.
    Live,
    /// Nobody accepted in time; the bot answers, agents see it under Missed.
    Missed,
    /// An agent left and archived it; the bot answers.
    Archived,
}

impl Phase {
    /// Phases in which the bot answers the visitor.
    pub fn bot_answers(self) -> bool {
        matches!(self, Self::Bot | Self::Missed | Self::Archived)
    }
}

/// What is known about the visitor. Everything here came from the visitor's browser: text only.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct VisitorProfile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub page: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    pub locale: Option<String>,
    pub location: Option<String>,
}

/// Why and by whom a visitor was blocked.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub by: AgentRef,
    pub reason: String,
    pub message: String,
}

/// A left message, to be stored as a ticket and sent to the site's webhook.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketDraft {
    pub ticket_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
}

/// What the caller must do after a transition. Persisting the conversation is implied.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Store this event and send it to every connected party allowed to see it.
    Emit(Event),
    /// Ask the site how many agents of `group` are online and available, then call
    /// [`Conversation::availability`].
    CheckAvailability { group: Option<String> },
    /// The chat started waiting: notify the available agents of its group.
    NotifyAgents { group: Option<String> },
    /// The agent no longer holds this chat: free one of their slots.
    ReleaseAgent { agent_id: String },
    /// Store a ticket and send it to the site's webhook.
    CreateTicket(TicketDraft),
    /// The phase changed: update lists (Active, Missed, Archived, Monitor).
    PhaseChanged { from: Phase, to: Phase },
}

/// A row of the dashboard lists.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ConversationSummary {
    pub id: String,
    pub site_id: String,
    pub phase: Phase,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub agent: Option<AgentRef>,
    pub visitor: VisitorProfile,
    #[serde(default)]
    pub waiting_since: Option<Millis>,
    pub started_at: Millis,
    pub updated_at: Millis,
    #[serde(default)]
    pub last_message: Option<String>,
    #[serde(default)]
    pub blocked: bool,
}

/// The whole persisted state of one conversation (events are stored separately, by sequence).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub site_id: String,
    pub settings: SiteSettings,
    pub phase: Phase,
    pub visitor: VisitorProfile,
    pub agent: Option<AgentRef>,
    pub group: Option<String>,
    pub not_understood: u32,
    pub blocked: Option<Block>,
    pub waiting_since: Option<Millis>,
    /// A handoff asked the site for available agents and awaits the answer.
    pub handoff_pending: bool,
    pub timers: TimerTable,
    pub last_seq: Seq,
    pub started_at: Millis,
    pub updated_at: Millis,
    pub last_message: Option<String>,
    pub visitor_read: Seq,
    pub agent_read: Seq,
    /// Client ids of recent messages, so a resend after a reconnect is stored once.
    pub recent_client_ids: Vec<String>,
    /// When the visitor's recent messages arrived, for the rate limit.
    #[serde(default)]
    pub recent_visitor_messages: Vec<Millis>,
    /// The questions the bot's last answer offered as "Did you mean…?". The offer counts as not
    /// understood only if the visitor writes something else; writing (or clicking) one of them
    /// chooses it.
    #[serde(default)]
    pub offered: Vec<String>,
}

const RECENT_CLIENT_IDS: usize = 64;

impl Conversation {
    /// A new conversation with the bot's greeting as its first event.
    pub fn start(
        id: String,
        site_id: String,
        settings: SiteSettings,
        visitor: VisitorProfile,
        now: Millis,
    ) -> (Self, Vec<Effect>) {
        let greeting = settings.greeting.clone();
        let mut conversation = Self {
            id,
            site_id,
            settings,
            phase: Phase::Bot,
            visitor,
            agent: None,
            group: None,
            not_understood: 0,
            blocked: None,
            waiting_since: None,
            handoff_pending: false,
            timers: TimerTable::default(),
            last_seq: 0,
            started_at: now,
            updated_at: now,
            last_message: None,
            visitor_read: 0,
            agent_read: 0,
            recent_client_ids: Vec::new(),
            recent_visitor_messages: Vec::new(),
            offered: Vec::new(),
        };
        let mut effects = Vec::new();
        if !greeting.is_empty() {
            conversation.emit(
                &mut effects,
                now,
                EventKind::BotMessage {
                    text: greeting,
                    offer_human: false,
                    suggestions: Vec::new(),
                },
            );
        }
        (conversation, effects)
    }

    /// When the alarm must next wake this conversation.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.timers.next_deadline()
    }

    pub fn summary(&self) -> ConversationSummary {
        ConversationSummary {
            id: self.id.clone(),
            site_id: self.site_id.clone(),
            phase: self.phase,
            group: self.group.clone(),
            agent: self.agent.clone(),
            visitor: self.visitor.clone(),
            waiting_since: self.waiting_since,
            started_at: self.started_at,
            updated_at: self.updated_at,
            last_message: self.last_message.clone(),
            blocked: self.blocked.is_some(),
        }
    }

    /// Runs the ladder steps due at `now`. Safe to call at any time, any number of times.
    pub fn on_alarm(&mut self, now: Millis) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.phase != Phase::Waiting {
            self.timers.clear();
            return effects;
        }
        for step in self.timers.take_due(now) {
            match step {
                TimerKind::WaitNotice => self.emit(&mut effects, now, EventKind::WaitNotice),
                TimerKind::LeaveMessageOffer => {
                    self.emit(&mut effects, now, EventKind::LeaveMessageOffered)
                }
                TimerKind::Missed => {
                    self.timers.clear();
                    self.not_understood = 0;
                    let contact_details = self.settings.contact_details.clone();
                    self.set_phase(&mut effects, Phase::Missed);
                    self.emit(&mut effects, now, EventKind::Missed { contact_details });
                    break;
                }
            }
        }
        effects
    }

    /// Appends an event with the next sequence number.
    fn emit(&mut self, effects: &mut Vec<Effect>, now: Millis, kind: EventKind) {
        self.last_seq += 1;
        self.updated_at = now;
        if let Some(preview) = kind.preview() {
            self.last_message = Some(preview.chars().take(140).collect());
        }
        effects.push(Effect::Emit(Event {
            seq: self.last_seq,
            at: now,
            kind,
        }));
    }

    fn set_phase(&mut self, effects: &mut Vec<Effect>, to: Phase) {
        let from = self.phase;
        if from != to {
            self.phase = to;
            effects.push(Effect::PhaseChanged { from, to });
        }
    }

    fn start_waiting(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        self.waiting_since = Some(now);
        self.timers = TimerTable::waiting_ladder(&self.settings, now);
        self.set_phase(effects, Phase::Waiting);
        let group = self.group.clone();
        self.emit(
            effects,
            now,
            EventKind::Waiting {
                group: group.clone(),
            },
        );
        effects.push(Effect::NotifyAgents { group });
    }

    /// Remembers a client id; returns false if it was already seen (a resend).
    fn first_time(&mut self, client_id: Option<&str>) -> bool {
        let Some(id) = client_id else { return true };
        if self.recent_client_ids.iter().any(|seen| seen == id) {
            return false;
        }
        if self.recent_client_ids.len() >= RECENT_CLIENT_IDS {
            self.recent_client_ids.remove(0);
        }
        self.recent_client_ids.push(id.to_string());
        true
    }
}
