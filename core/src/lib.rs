//! Baton's conversation rules, shared by the edge worker, the widget, the dashboard and the tests.
//!
//! Sans-IO: nothing here touches a socket, a database or a clock. Time comes in as an argument
//! ([`Millis`], absolute epoch milliseconds); decisions come out as [`Effect`]s for the caller to
//! carry out (persist, broadcast, ask the site for available agents, create a ticket, re-arm the
//! alarm at [`Conversation::next_deadline`]). This crate refuses to depend on `worker`, `web-sys`
//! or `leptos`, so every rule runs natively in tests with a simulated clock.

pub mod api;
pub mod attachment;
pub mod bot;
pub mod conversation;
pub mod digest;
pub mod email;
pub mod email_reply;
pub mod error;
pub mod event;
pub mod faq_import;
pub mod ladder;
pub mod limits;
pub mod onboarding;
pub mod outbox;
pub mod privacy;
pub mod protocol;
pub mod push;
pub mod queue;
pub mod roster;
pub mod settings;
pub mod settings_update;
pub mod site;
pub mod stats;
pub mod toolbox;
pub mod transcript;
pub mod unanswered;
pub mod validate;

pub use bot::{Bot, BotReply};
pub use conversation::{
    AgentAction, Conversation, ConversationSummary, Delivery, Effect, HistoryAuthor,
    HistoryMessage, HolderReach, OperatorLink, Phase, TicketAnswer, TicketDraft, TicketMessage,
    VisitorProfile, REPLAY_LIMIT,
};
pub use error::{ConversationError, ErrorCode};
pub use event::{AgentRef, Event, EventKind, FileRef};
pub use ladder::{TimerKind, TimerTable};
pub use outbox::{DeliveryKind, Outbox};
pub use settings::{FaqEntry, SiteSettings};

/// Absolute time in milliseconds since the Unix epoch. The only notion of time in this crate.
pub type Millis = i64;

/// Per-conversation sequence number of a stored event; clients resume from the last one they saw.
pub type Seq = u64;
