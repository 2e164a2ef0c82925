//! Errors a conversation rule can refuse with. Every refusal leaves the state untouched.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::conversation::Phase;
use crate::event::AgentRef;

/// A stable, machine-readable code sent to clients with every error.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadJson,
    UnknownType,
    BadRequest,
    TooLarge,
    EmptyMessage,
    InvalidEmail,
    InvalidName,
    NotAllowed,
    AlreadyClaimed,
    TooManyChats,
    NotHolder,
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    Internal,
}

/// Why a conversation refused an input.
#[derive(Error, Debug, Clone, PartialEq)]
pub enum ConversationError {
    /// The text is empty after trimming.
    #[error("the message is empty")]
    EmptyMessage,
    /// The text is longer than the site allows.
    #[error("the message is {len} bytes; the limit is {max}")]
    TooLarge { len: usize, max: usize },
    /// The email address is not one.
    #[error("this does not look like an email address")]
    InvalidEmail,
    /// The name is empty, too long or contains control characters.
    #[error("please give a name of 1 to 80 characters")]
    InvalidName,
    /// The action does not apply in the conversation's current phase.
    #[error("not possible while the conversation is {phase:?}")]
    NotAllowed { phase: Phase },
    /// Another agent claimed the conversation first.
    #[error("already taken by {}", by.name)]
    AlreadyClaimed { by: AgentRef },
    /// Only the agent holding the conversation may do this.
    #[error("only {} can do this", holder.as_ref().map(|a| a.name.as_str()).unwrap_or("the agent holding the chat"))]
    NotHolder { holder: Option<AgentRef> },
    /// The group is not one of the site's groups.
    #[error("unknown group {0:?}")]
    UnknownGroup(String),
    /// Too many messages in a short time.
    #[error("you are sending messages too quickly; please wait a few seconds")]
    RateLimited,
    /// A read receipt for a message that does not exist (yet).
    #[error("there is no event {seq}; the last one is {last}")]
    UnknownSeq { seq: u64, last: u64 },
    /// A rating outside the site's scale (1–5; thumbs: 1 or 5).
    #[error("a rating of {score} is not on this site's scale")]
    InvalidRating { score: u8 },
    /// Typing frames far faster than anyone types.
    #[error("too many typing frames; at most {per_second} a second are relayed")]
    TypingFlood { per_second: u32 },
}

impl ConversationError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::EmptyMessage => ErrorCode::EmptyMessage,
            Self::TooLarge { .. } => ErrorCode::TooLarge,
            Self::InvalidEmail => ErrorCode::InvalidEmail,
            Self::InvalidName => ErrorCode::InvalidName,
            Self::NotAllowed { .. } | Self::UnknownGroup(_) => ErrorCode::NotAllowed,
            Self::AlreadyClaimed { .. } => ErrorCode::AlreadyClaimed,
            Self::NotHolder { .. } => ErrorCode::NotHolder,
            Self::RateLimited | Self::TypingFlood { .. } => ErrorCode::RateLimited,
            Self::UnknownSeq { .. } | Self::InvalidRating { .. } => ErrorCode::BadRequest,
        }
    }
}
