//! The conversation's data besides its state: its phase, the visitor's profile, a block, a
//! ticket draft, the effects a transition returns, the deliveries that go through the outbox,
//! and the row the site's lists show.

use serde::{Deserialize, Serialize};

use super::TicketMessage;
use crate::event::{AgentRef, Event};
use crate::outbox::DeliveryKind;
use crate::push::PushDraft;
use crate::{Millis, Seq};

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
