//! One conversation's state machine: bot → contact → waiting → live → archived, with missed.
//!
//! Every input is a method taking `now`; each returns the [`Effect`]s to carry out, or an error
//! that left the state untouched (checks happen before any change). The caller persists the
//! whole [`Conversation`] after every successful call and re-arms its alarm at
//! [`Conversation::next_deadline`].

mod agent;
mod attachments;
mod list_row;
mod operator;
mod pushes;
mod rating;
mod replay;
mod tickets;
mod transcripts;
mod types;
mod visitor;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::event::{AgentRef, Event, EventKind};
use crate::ladder::{TimerKind, TimerTable};
use crate::outbox::{AfterFailure, Outbox};
use crate::push::{PushAudience, PushKind};
use crate::settings::SiteSettings;
use crate::{Millis, Seq};

pub use agent::AgentAction;
pub use operator::{HistoryAuthor, HistoryMessage, OperatorLink};
pub use rating::BAD_RATING;
pub use replay::REPLAY_LIMIT;
pub use tickets::{TicketAnswer, TicketMessage};
pub use types::{Block, ConversationSummary, Delivery, Effect, Phase, TicketDraft, VisitorProfile};
pub use visitor::HolderReach;

/// The whole persisted state of one conversation (events are stored separately, by sequence).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub site_id: String,
    /// The site's settings as they were when the conversation started, knowledge base
    /// included. Shared, so the shell's copy per transition costs a pointer; stored once by
    /// the shell, apart from the state row (which never carries them).
    #[serde(skip)]
    pub settings: Arc<SiteSettings>,
    pub phase: Phase,
    pub visitor: VisitorProfile,
    pub agent: Option<AgentRef>,
    pub group: Option<String>,
    pub not_understood: u32,
    pub blocked: Option<Block>,
    pub waiting_since: Option<Millis>,
    /// A handoff asked the site for available agents and awaits the answer.
    pub handoff_pending: bool,
    /// Availability checks sent for the pending handoff; past [`HANDOFF_ATTEMPTS`] the visitor
    /// is told nobody can be reached and the bot answers again.
    #[serde(default)]
    pub handoff_attempts: u32,
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
    /// Undelivered outbox entries. Stored by the shell as rows of their own (with payloads),
    /// not in the state row, so a message does not rewrite them.
    #[serde(skip)]
    pub outbox: Outbox,
    /// When the site's list row was last sent (phase change or message).
    #[serde(default)]
    pub list_synced_at: Millis,
    /// The questions the bot's last answer offered as "Did you mean…?". The offer counts as not
    /// understood only if the visitor writes something else; writing (or clicking) one of them
    /// chooses it.
    #[serde(default)]
    pub offered: Vec<String>,
    /// The statistics count this conversation: its first visitor message wrote its facts, so
    /// conversations the bot handled alone are counted too.
    #[serde(default)]
    pub counted: bool,
    /// The visitor message that got the open offer (its event and text): recorded as
    /// unanswered if the visitor writes past the offer.
    #[serde(default)]
    pub offered_for: Option<(Seq, String)>,
    /// A rating was asked for (once per conversation).
    #[serde(default)]
    pub rating_asked: bool,
    /// The visitor may rate now (asked, not yet answered).
    #[serde(default)]
    pub rating_open: bool,
    /// Transcripts emailed so far, and the last event the latest one covered.
    #[serde(default)]
    pub transcripts_sent: u32,
    #[serde(default)]
    pub transcript_seq: Seq,
    /// Set when an outside bot platform handed this conversation over (Operator API).
    #[serde(default)]
    pub operator: Option<OperatorLink>,
    /// The visitor's last message (cut), for the first words of a push.
    #[serde(default)]
    pub last_visitor_text: Option<String>,
    /// When the current wait started, if a "chat waiting" push went out for it: leaving the
    /// wait sends the withdrawal (which expires when the wait would have).
    #[serde(default)]
    pub waiting_pushed: Option<Millis>,
    /// When the holder was last pushed a visitor message (the cooldown's start).
    #[serde(default)]
    pub message_pushed_at: Option<Millis>,
    /// Revisions of the site's list row sent so far: the site keeps the highest.
    #[serde(default)]
    pub list_rev: u64,
    /// Statistics facts entries written so far (their keys).
    #[serde(default)]
    pub facts_rev: u64,
}

/// Messages refresh the site's list row at most this often, themselves (in their commit).
pub const LIST_SYNC_MS: Millis = 5_000;
/// A chat that goes quiet gets its last message into the list within this long, by the alarm.
/// Longer than [`LIST_SYNC_MS`] so that a busy chat's own messages do the refreshing and the
/// alarm (a storage write to arm, a wake-up and a commit to run) comes once per this long, not
/// once per refresh: at 200 busy chats the alarm per refresh cost more than the messages.
pub const LIST_TRAIL_MS: Millis = 15_000;

/// Availability checks of one handoff before giving up on the site.
pub const HANDOFF_ATTEMPTS: u32 = 3;
/// Wait this long for the site's answer to the first check; doubled for each later one.
pub const HANDOFF_RETRY_MS: Millis = 4_000;

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
            settings: Arc::new(settings),
            phase: Phase::Bot,
            visitor,
            agent: None,
            group: None,
            not_understood: 0,
            blocked: None,
            waiting_since: None,
            handoff_pending: false,
            handoff_attempts: 0,
            timers: TimerTable::default(),
            last_seq: 0,
            started_at: now,
            updated_at: now,
            last_message: None,
            visitor_read: 0,
            agent_read: 0,
            recent_client_ids: Vec::new(),
            recent_visitor_messages: Vec::new(),
            outbox: Outbox::default(),
            list_synced_at: now,
            offered: Vec::new(),
            counted: false,
            offered_for: None,
            rating_asked: false,
            rating_open: false,
            transcripts_sent: 0,
            transcript_seq: 0,
            operator: None,
            last_visitor_text: None,
            waiting_pushed: None,
            message_pushed_at: None,
            list_rev: 0,
            facts_rev: 0,
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
        // A new bot conversation appears under Monitor: one row, greeting included.
        effects.retain(|e| *e != Effect::ListChanged);
        conversation.timers.disarm(TimerKind::ListSync);
        conversation.list_row(&mut effects, now);
        (conversation, effects)
    }

    /// When the alarm must next wake this conversation: the next ladder step or handoff retry,
    /// or the next outbox retry, whichever comes first.
    pub fn next_deadline(&self) -> Option<Millis> {
        match (self.timers.next_deadline(), self.outbox.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The receiver confirmed an outbox entry.
    pub fn delivered(&mut self, key: &str) {
        self.outbox.delivered(key);
    }

    /// An outbox delivery failed at `now`: when to retry, or that it was given up.
    pub fn delivery_failed(&mut self, key: &str, now: Millis) -> Option<AfterFailure> {
        self.outbox.failed(key, now)
    }

    /// Whether a queued release of `agent_id`'s slot still applies: not if they hold the chat
    /// again (a re-join), whose slot the site must keep.
    pub fn release_applies(&self, agent_id: &str) -> bool {
        self.agent
            .as_ref()
            .is_none_or(|holder| holder.id != agent_id)
    }

    /// Writes the statistics facts again (the shell derives them from every event when it
    /// writes the entry); from then on the conversation is counted.
    /// One entry per transition is enough: its payload is derived when the shell stores it.
    pub(crate) fn refresh_facts(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        self.counted = true;
        if effects
            .iter()
            .any(|e| matches!(e, Effect::Deliver(Delivery::Facts { .. })))
        {
            return;
        }
        // Keyed by a revision of their own: two transitions with no event between them must
        // not share a key (the second would replace an entry whose delivery is in flight).
        self.facts_rev += 1;
        let (seq, rev) = (self.last_seq, self.facts_rev);
        self.deliver(effects, Delivery::Facts { seq, rev }, now);
    }

    /// Queues a delivery (once per transition) and tells the shell to write it.
    fn deliver(&mut self, effects: &mut Vec<Effect>, delivery: Delivery, now: Millis) {
        let key = delivery.key();
        let already = effects
            .iter()
            .any(|e| matches!(e, Effect::Deliver(d) if d.key() == key));
        if !already {
            self.outbox.enqueue(key, delivery.kind(), now);
            effects.push(Effect::Deliver(delivery));
        }
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
            channel: self.operator.as_ref().map(|link| link.channel.clone()),
        }
    }

    /// Runs the ladder steps and handoff retries due at `now`. Safe to call at any time, any
    /// number of times. Outbox retries due at `now` are the shell's to run ([`Outbox::due`]).
    pub fn on_alarm(&mut self, now: Millis) -> Vec<Effect> {
        let mut effects = Vec::new();
        for step in self.timers.take_due(now) {
            match step {
                TimerKind::HandoffRetry => self.retry_handoff(&mut effects, now),
                TimerKind::ListSync => {
                    if self.list_behind() {
                        self.sync_list(&mut effects, now);
                    }
                }
                TimerKind::BotRating => self.bot_conversation_ended(&mut effects, now),
                // A ladder step of a chat that no longer waits is stale.
                _ if self.phase != Phase::Waiting => {}
                TimerKind::WaitNotice => self.emit(&mut effects, now, EventKind::WaitNotice),
                TimerKind::LeaveMessageOffer => {
                    self.emit(&mut effects, now, EventKind::LeaveMessageOffered)
                }
                TimerKind::Missed => {
                    self.timers.clear();
                    self.not_understood = 0;
                    let contact_details = self.settings.contact_details.clone();
                    self.set_phase(&mut effects, Phase::Missed, now);
                    self.emit(&mut effects, now, EventKind::Missed { contact_details });
                    break;
                }
            }
        }
        if self.phase != Phase::Waiting {
            self.timers.clear_ladder();
        }
        effects
    }

    /// Appends an event with the next sequence number.
    fn emit(&mut self, effects: &mut Vec<Effect>, now: Millis, kind: EventKind) {
        self.last_seq += 1;
        self.updated_at = now;
        let message = kind.preview().is_some();
        if let Some(preview) = kind.preview() {
            self.last_message = Some(preview.chars().take(140).collect());
        }
        let seq = self.last_seq;
        self.tell_platform(effects, seq, &kind, now);
        // Facts are a function of the events: any event they read rewrites them, phase change
        // or not (a handoff that found nobody available changes no phase).
        let moves_facts = crate::stats::moves_facts(&kind);
        effects.push(Effect::Emit(Event { seq, at: now, kind }));
        if message {
            self.list_touched(effects, now);
        }
        if moves_facts && self.counted {
            self.refresh_facts(effects, now);
        }
    }

    /// Moves to `to`. Reaching Missed, Archived or Live updates the conversation's index row
    /// through the outbox, and any change its statistics facts.
    fn set_phase(&mut self, effects: &mut Vec<Effect>, to: Phase, now: Millis) {
        let from = self.phase;
        if from != to {
            self.phase = to;
            // The phase change refreshes the site's row itself.
            self.list_synced_at = now;
            self.timers.disarm(TimerKind::ListSync);
            effects.push(Effect::PhaseChanged { from, to });
            self.list_row(effects, now);
            if let Some(since) = self
                .waiting_pushed
                .take()
                .filter(|_| from == Phase::Waiting)
            {
                let by = self.agent.clone().filter(|_| to == Phase::Live);
                let waiting_since = self.waiting_since.replace(since);
                self.push(
                    effects,
                    PushKind::Withdrawn,
                    PushAudience::Notified,
                    by,
                    now,
                );
                self.waiting_since = waiting_since;
            }
            let listed = matches!(to, Phase::Missed | Phase::Archived | Phase::Live);
            if listed {
                let seq = self.last_seq;
                self.deliver(effects, Delivery::IndexRow { seq }, now);
            }
            // Every phase change can move a fact (queued, accepted, missed), listed or not.
            if listed || self.counted {
                self.refresh_facts(effects, now);
            }
        }
    }

    fn start_waiting(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        self.waiting_since = Some(now);
        self.timers = TimerTable::waiting_ladder(&self.settings, now);
        self.set_phase(effects, Phase::Waiting, now);
        let group = self.group.clone();
        self.emit(
            effects,
            now,
            EventKind::Waiting {
                group: group.clone(),
            },
        );
        if self.settings.auto_assign {
            effects.push(Effect::AutoAssign { group });
        } else {
            self.notify_agents(effects, group, now);
        }
    }

    /// Agents with a dashboard open hear of the waiting chat on their site socket; their
    /// devices (and those of agents whose dashboard is closed) get a push.
    fn notify_agents(&mut self, effects: &mut Vec<Effect>, group: Option<String>, now: Millis) {
        effects.push(Effect::NotifyAgents {
            group: group.clone(),
        });
        self.list_row_notifies(effects, now);
        self.waiting_pushed = Some(self.waiting_since.unwrap_or(now));
        self.push(
            effects,
            PushKind::ChatWaiting,
            PushAudience::Waiting { group },
            None,
            now,
        );
    }

    /// The site's answer to [`Effect::AutoAssign`]: the chosen agent (their slot reserved)
    /// takes the chat; if it was taken meanwhile their slot goes back; if nobody could take
    /// it, the available agents are notified as on a first-accept site.
    pub fn assigned(&mut self, agent: Option<&AgentRef>, now: Millis) -> Vec<Effect> {
        match agent {
            Some(agent) => match self.claim(agent, AgentAction::Accept, now) {
                Ok(mut effects) => {
                    let agent_id = agent.id.clone();
                    let to = PushAudience::Agent { agent_id };
                    self.push(&mut effects, PushKind::ChatAssigned, to, None, now);
                    effects
                }
                Err(_) => vec![Effect::ReleaseAgent {
                    agent_id: agent.id.clone(),
                }],
            },
            None if self.phase == Phase::Waiting => {
                let mut effects = Vec::new();
                self.notify_agents(&mut effects, self.group.clone(), now);
                effects
            }
            None => Vec::new(),
        }
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
