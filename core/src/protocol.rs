//! The wire protocol: one enum per direction, JSON with a `type` tag.
//!
//! Visitor and agent sockets of a conversation receive [`ServerFrame`]s; agents' site socket (lists,
//! presence, notifications) also receives them. Stored events arrive as `{"type":"event","event":…}`
//! with a sequence number; typing and read receipts are ephemeral and carry none.

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, Phase};
use crate::error::ErrorCode;
use crate::event::{AgentRef, Event};
use crate::Seq;

/// Visitor → edge, on the conversation socket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
// Unknown fields are refused: a misspelt `client_id` must not silently lose its duplicate check.
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum VisitorCommand {
    /// `client_id` makes a resend after a reconnect harmless: the same id is stored once.
    Message {
        text: String,
        #[serde(default)]
        client_id: Option<String>,
    },
    Typing {
        typing: bool,
    },
    /// The "Talk to a person" button.
    RequestHuman,
    Contact {
        name: String,
        email: String,
    },
    LeaveMessage {
        name: String,
        email: String,
        message: String,
    },
    Read {
        seq: Seq,
    },
    Ping,
    /// "Email me this conversation" (to the email the visitor gave).
    EmailTranscript,
    /// The answer to "How was your chat?": 1–5 (thumbs: 1 or 5), optional comment.
    Rate {
        score: u8,
        #[serde(default)]
        comment: String,
    },
    /// "Delete this conversation": erases it for good (core::privacy), then the socket closes
    /// with [`CLOSE_ERASED`].
    Erase,
}

/// Agent → edge, on a conversation socket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
// Unknown fields are refused: a misspelt `client_id` must not silently lose its duplicate check.
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AgentCommand {
    /// Claim a waiting chat; the first accept wins.
    Accept,
    /// Take a bot conversation being monitored, without a visitor request.
    TakeControl,
    /// Re-open a missed or archived chat.
    Join,
    Message {
        text: String,
        #[serde(default)]
        client_id: Option<String>,
    },
    /// Internal comment: agents only.
    Comment {
        text: String,
    },
    Typing {
        typing: bool,
    },
    LeaveAndArchive,
    /// The holder goes offline and puts the chat back in the queue.
    ReturnToQueue,
    ReviewAndArchive,
    Forward {
        group: String,
    },
    Block {
        reason: String,
        message: String,
    },
    Read {
        seq: Seq,
    },
    Ping,
}

/// Agent → edge, on the site socket (presence and lists).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
// Unknown fields are refused: a misspelt `client_id` must not silently lose its duplicate check.
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SiteCommand {
    SetAvailability { available: bool },
    Ping,
}

/// Who is typing or has read.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Visitor,
    Agent,
}

/// WebSocket close code when the edge ends an agent's access (signed out, removed from the
/// site, role or groups changed): reconnect to be authorised again, or sign in.
pub const CLOSE_ACCESS_REVOKED: u16 = 4001;

/// WebSocket close code when a visitor opened more sockets on one conversation than
/// [`crate::limits::VISITOR_SOCKETS_PER_CONVERSATION`]: the oldest makes room for the newest.
pub const CLOSE_REPLACED: u16 = 4002;

/// WebSocket close code once the conversation was erased: it is gone, do not reconnect.
pub const CLOSE_ERASED: u16 = 4003;

/// Edge → visitor or agent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame on a conversation socket, before the replay of missed events.
    Welcome {
        conversation_id: String,
        phase: Phase,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentRef>,
        last_seq: Seq,
    },
    Event {
        event: Event,
    },
    Typing {
        by: Party,
        typing: bool,
    },
    Read {
        by: Party,
        seq: Seq,
    },
    /// To the agent who won the claim (or joined / took control).
    Claimed {
        conversation_id: String,
    },
    /// To every agent who lost the claim.
    AlreadyClaimed {
        conversation_id: String,
        by: AgentRef,
    },
    /// Site socket: the lists as they are now.
    Snapshot {
        conversations: Vec<ConversationSummary>,
        available: bool,
    },
    /// Site socket: a conversation appeared or changed (waiting, live, bot, gone).
    ConversationUpdated {
        conversation: ConversationSummary,
    },
    /// Site socket: a chat is waiting for this agent (sound + browser notification).
    ChatWaiting {
        conversation: ConversationSummary,
    },
    Availability {
        available: bool,
    },
    Error {
        code: ErrorCode,
        message: String,
    },
    Pong,
    /// Visitor socket, while waiting: where the chat stands in the queue (1 is next) and the
    /// site's usual wait around this hour, when there is enough history to tell.
    QueuePlace {
        position: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimate_ms: Option<crate::Millis>,
    },
    /// Site socket: a conversation was erased (core::privacy); drop it from every list.
    ConversationErased {
        conversation_id: String,
    },
}

/// Why a frame from a client was refused before reaching any rule.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum FrameError {
    /// Larger than the frame limit.
    #[error("frame of {len} bytes exceeds {max}")]
    TooLarge { len: usize, max: usize },
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    BadJson(String),
    /// JSON with a `type` this side does not know.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    /// A known type with missing or wrong fields.
    #[error("bad fields: {0}")]
    BadFields(String),
}

impl FrameError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } => ErrorCode::TooLarge,
            Self::BadJson(_) => ErrorCode::BadJson,
            Self::UnknownType(_) => ErrorCode::UnknownType,
            Self::BadFields(_) => ErrorCode::BadRequest,
        }
    }
}

/// Parses one client frame, telling malformed JSON, unknown types and bad fields apart.
/// `max_bytes` bounds the whole frame (message text plus JSON overhead).
pub fn parse_frame<T: serde::de::DeserializeOwned>(
    raw: &str,
    max_bytes: usize,
) -> Result<T, FrameError> {
    if raw.len() > max_bytes {
        return Err(FrameError::TooLarge {
            len: raw.len(),
            max: max_bytes,
        });
    }
    // The common case parses once; only a refused frame is looked at again to say why.
    let typed_error = match serde_json::from_str::<T>(raw) {
        Ok(frame) => return Ok(frame),
        Err(error) => error,
    };
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| FrameError::BadJson(e.to_string()))?;
    let kind = value.get("type").and_then(|t| t.as_str());
    let text = typed_error.to_string();
    Err(match kind {
        Some(kind) if text.starts_with("unknown variant") => FrameError::UnknownType(kind.into()),
        None => FrameError::BadFields("missing \"type\"".into()),
        _ => FrameError::BadFields(text),
    })
}

impl ServerFrame {
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Error {
            code,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising these plain data types cannot fail; an empty frame would be ignored.
        serde_json::to_string(self).unwrap_or_default()
    }
}
