//! Stored conversation events. Each has a per-conversation sequence number so a client that
//! reconnects asks for "everything after N" and gets exactly what it missed.

use serde::{Deserialize, Serialize};

use crate::{Millis, Seq};

/// An agent as others see them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AgentRef {
    pub id: String,
    pub name: String,
}

/// A file sent in the chat. The bytes live in the attachments bucket under the conversation;
/// this is what clients show (a thumbnail for `inline` images, else a download link).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FileRef {
    pub id: String,
    pub name: String,
    /// The type the bytes were found to be, which is also the type it is served with.
    pub mime: String,
    pub size: u64,
    /// A safe raster image, shown inline; anything else is served as a download.
    pub inline: bool,
}

/// One stored event of a conversation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Event {
    pub seq: Seq,
    pub at: Millis,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Texts that structure the chat (waiting, missed, ...) are not sentences here:
/// each client renders them in the visitor's language.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    VisitorMessage {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    BotMessage {
        text: String,
        /// The widget shows "Talk to a person" under this answer.
        #[serde(default)]
        offer_human: bool,
        /// "Did you mean…?": the entries the bot offers, by their first question; the widget
        /// shows each as a button that sends [`crate::protocol::VisitorCommand::ChooseSuggestion`].
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        suggestions: Vec<String>,
    },
    AgentMessage {
        agent: AgentRef,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// A note between agents; never delivered to the visitor.
    InternalComment {
        agent: AgentRef,
        text: String,
    },
    /// The widget should ask for name and email.
    ContactRequested,
    ContactReceived {
        name: String,
        email: String,
    },
    /// "Please wait while we connect you to an agent."
    Waiting {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
    /// First ladder step: keep waiting.
    WaitNotice,
    /// The visitor may leave a message instead of waiting.
    LeaveMessageOffered,
    /// Nobody is online: how to reach the business instead.
    NoAgentsAvailable {
        contact_details: String,
    },
    AgentJoined {
        agent: AgentRef,
    },
    AgentLeft {
        agent: AgentRef,
    },
    /// Nobody accepted in time; the bot answers again.
    Missed {
        contact_details: String,
    },
    /// Sent back to the queue of another group.
    Forwarded {
        group: String,
    },
    TicketCreated {
        ticket_id: String,
    },
    /// Agents only: why the visitor was blocked.
    VisitorBlocked {
        agent: AgentRef,
        reason: String,
    },
    /// Agents only: the chat was archived.
    Archived {
        agent: AgentRef,
    },
    /// The widget asks "How was your chat?" on this scale.
    RatingRequested {
        scale: crate::settings::RatingScale,
    },
    /// The transcript was emailed to the visitor at `to`.
    TranscriptSent {
        to: String,
    },
    /// A file from the visitor (`agent` is `None`) or an agent. `internal`: attached to an
    /// internal note, so agents only.
    Attachment {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentRef>,
        file: FileRef,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        internal: bool,
    },
    /// The visitor's rating: 1–5 (thumbs: 1 down, 5 up), with an optional comment.
    Rated {
        score: u8,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        comment: String,
    },
}

impl EventKind {
    /// Whether the visitor's widget receives this event.
    pub fn visible_to_visitor(&self) -> bool {
        !matches!(
            self,
            Self::InternalComment { .. }
                | Self::VisitorBlocked { .. }
                | Self::Archived { .. }
                | Self::Attachment { internal: true, .. }
        )
    }

    /// A short text for lists and previews; `None` for events that carry no message.
    pub fn preview(&self) -> Option<&str> {
        match self {
            Self::VisitorMessage { text, .. }
            | Self::BotMessage { text, .. }
            | Self::AgentMessage { text, .. } => Some(text),
            _ => None,
        }
    }
}
