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
mod rating;
mod replay;
mod tickets;
mod transcripts;
mod visitor;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::event::{AgentRef, Event, EventKind};
use crate::ladder::{TimerKind, TimerTable};
use crate::outbox::{AfterFailure, DeliveryKind, Outbox};
use crate::push::{self, PushAudience, PushDraft, PushKind, Urgency};
use crate::settings::SiteSettings;
use crate::{Millis, Seq};

pub use agent::AgentAction;
pub use operator::{HistoryAuthor, HistoryMessage, OperatorLink};
pub use rating::BAD_RATING;
pub use replay::REPLAY_LIMIT;
pub use tickets::{TicketAnswer, TicketMessage};
pub use visitor::HolderReach;

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
    /// The chat started waiting on an auto-assign site: ask the site for the least-loaded
    /// available agent of the group (reserving their slot), then call
    /// [`Conversation::assigned`].
    AutoAssign { group: Option<String> },
    /// The agent no longer holds this chat: free one of their slots.
    ReleaseAgent { agent_id: String },
    /// Write this delivery into the outbox, in the same commit as the state, then deliver it
    /// (it is already in [`Conversation::outbox`] under [`Delivery::key`]).
    Deliver(Delivery),
    /// The phase changed: update lists (Active, Missed, Archived, Monitor).
    PhaseChanged { from: Phase, to: Phase },
    /// Messages changed the list row (preview, `updated_at`): send the summary to the site.
    /// At most once per [`LIST_SYNC_MS`], plus a trailing one from the alarm.
    ListChanged,
    /// Send the list row (revision `rev`, ringing nobody) to the site now, not through the
    /// outbox: a busy chat's refresh, which a later row supersedes if this one is lost. Saves
    /// the outbox row's write and its removal's commit on every refresh.
    ListPreview { rev: u64 },
}

/// Something that leaves the conversation's object through the durable outbox.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// A left message, into the Tickets table.
    Ticket(TicketDraft),
    /// The same ticket, to the site's webhook.
    TicketWebhook { ticket_id: String },
    /// The Missed/Archived index row (the summary when the shell writes the entry), as of
    /// event `seq`.
    IndexRow { seq: Seq },
    /// The statistics facts (derived from the events when the shell writes the entry).
    Facts { seq: Seq, rev: u64 },
    /// Event `seq`, to the operator platform the conversation came from (signed webhook).
    OperatorEvent { seq: Seq },
    /// The agent started or stopped typing, for the operator platform (signed webhook; a
    /// short-lived [`DeliveryKind::Signal`]).
    OperatorTyping { typing: bool, at: Millis },
    /// A Web Push to the agents' devices the site chooses for its audience.
    Push(PushDraft),
    /// A message of a ticket's thread, into D1 (`INSERT OR IGNORE` by id).
    TicketMessage(TicketMessage),
    /// An email, its content built in core; `key` is unique per conversation (the
    /// Message-ID is derived from it, so a repeated send is recognisable as the same mail).
    Email {
        key: String,
        email: crate::email::OutgoingEmail,
    },
    /// A question the bot could not answer, into D1 for the admins (`INSERT … ON CONFLICT DO
    /// NOTHING` by its key).
    Unanswered(crate::unanswered::Unanswered),
    /// The site frees `agent_id`'s slot for this chat (they left it as of event `seq`).
    /// Dropped undelivered if the agent holds the chat again by then
    /// ([`Conversation::release_applies`]): their new slot must stay.
    SlotRelease { agent_id: String, seq: Seq },
    /// The site's live-list row (the summary when the shell writes the entry), revision `rev`
    /// of [`Conversation::list_rev`]; `notify`: tell the agents a chat is waiting.
    ListRow { rev: u64, notify: bool },
}

impl Delivery {
    /// The outbox key: unique per conversation, the receiver's idempotency key. Every index
    /// row and facts entry has its own (by sequence number): the receiver keeps the newest, so
    /// an older one delivered late changes nothing, and no entry is ever replaced under a
    /// delivery in flight.
    pub fn key(&self) -> String {
        match self {
            Self::Ticket(draft) => format!("ticket:{}", draft.ticket_id),
            Self::TicketWebhook { ticket_id } => format!("webhook:ticket:{ticket_id}"),
            Self::IndexRow { seq } => format!("index:{seq}"),
            Self::Facts { rev, .. } => format!("facts:{rev}"),
            Self::OperatorEvent { seq } => format!("operator:{seq}"),
            Self::OperatorTyping { typing, at } => format!("operator-typing:{at}:{typing}"),
            Self::Push(draft) => draft.key(),
            Self::TicketMessage(message) => format!("ticket-message:{}", message.id),
            Self::Email { key, .. } => format!("email:{key}"),
            Self::Unanswered(question) => format!("unanswered:{}", question.seq),
            Self::SlotRelease { agent_id, seq } => format!("release:{agent_id}:{seq}"),
            Self::ListRow { rev, .. } => format!("list:{rev}"),
        }
    }

    pub fn kind(&self) -> DeliveryKind {
        match self {
            Self::Ticket(_) => DeliveryKind::Ticket,
            Self::TicketWebhook { .. } => DeliveryKind::Webhook,
            Self::IndexRow { .. } => DeliveryKind::IndexRow,
            Self::Facts { .. } => DeliveryKind::Facts,
            Self::OperatorEvent { .. } => DeliveryKind::Webhook,
            Self::OperatorTyping { .. } => DeliveryKind::Signal,
            Self::Push(_) => DeliveryKind::WebPush,
            Self::TicketMessage(_) => DeliveryKind::TicketMessage,
            Self::Email { .. } => DeliveryKind::Email,
            Self::Unanswered(_) => DeliveryKind::Unanswered,
            Self::SlotRelease { .. } => DeliveryKind::SlotRelease,
            Self::ListRow { .. } => DeliveryKind::ListRow,
        }
    }
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
    /// The outside platform that handed it over (Operator API); `None`: the widget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

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
    fn push(
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
