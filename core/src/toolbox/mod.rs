//! The agent's toolbox: what helps an agent answer a chat handed to them, computed from what the
//! conversation already holds (no model needed).
//!
//! - [`summary`]: the handoff summary at the top of a chat (why, what the bot answered and could
//!   not, pages, language, wait, earlier conversations), derived from the events;
//! - [`suggest`]: the knowledge base's best answers for a visitor's message, and KB search;
//! - [`canned`]: canned replies (site and personal), their `/` filter and their variables.

pub mod canned;
pub mod suggest;
pub mod summary;

pub use canned::{CannedError, CannedReply, CannedVars};
pub use suggest::{suggest, Suggestion};
pub use summary::{handoff_summary, AskedQuestion, EarlierConversation, HandoffReason};
pub use summary::{HandoffSummary, Outcome};
