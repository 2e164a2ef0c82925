//! The visitor's data on request (GDPR/CCPA): which conversations a request covers, what an
//! export contains, what an erase removes or makes anonymous, the erase log entry, and when the
//! site's retention setting erases a conversation. Pure rules; the edge fetches and deletes.
//!
//! It refuses to put any of the erased data in the log: an entry says who, when, how the
//! conversations were found and how many rows of each kind went, never an email, a name, a
//! conversation id or a message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, TicketMessage};
use crate::event::Event;
use crate::Millis;

/// The format name an export carries, so a reader knows what it holds.
pub const EXPORT_FORMAT: &str = "baton-visitor-export/1";

/// Conversations one retention sweep erases at most; the next sweep follows at once.
pub const RETENTION_BATCH: usize = 50;

/// A sweep runs at least this often while retention is on (new conversations age too).
pub const RETENTION_SWEEP_MAX_MS: Millis = 3_600_000;

/// Why a request was refused; nothing is read or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrivacyError {
    /// Neither or both of `email` and `conversation` were given.
    #[error("give exactly one of `email` or `conversation`")]
    OneLookup,
    /// The email is not an email address.
    #[error("`email` is not a valid email address")]
    BadEmail,
    /// The conversation id is not one this edge hands out.
    #[error("`conversation` must be a conversation id (32 lower-case hex characters)")]
    BadConversation,
    /// Nothing is stored about that visitor on this site.
    #[error("nothing is stored about that visitor on this site")]
    NotFound,
}

/// How an admin names the visitor: the email they gave, or one conversation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    Email(String),
    Conversation(String),
}

impl Lookup {
    /// Checks the request's two optional fields (blank counts as absent).
    pub fn parse(email: Option<&str>, conversation: Option<&str>) -> Result<Self, PrivacyError> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        let conversation = conversation.map(str::trim).filter(|c| !c.is_empty());
        match (email, conversation) {
            (Some(email), None) => crate::validate::email(email)
                .map(|e| Self::Email(e.to_lowercase()))
                .map_err(|_| PrivacyError::BadEmail),
            (None, Some(id)) if is_conversation_id(id) => Ok(Self::Conversation(id.to_string())),
            (None, Some(_)) => Err(PrivacyError::BadConversation),
            _ => Err(PrivacyError::OneLookup),
        }
    }

    /// Whether this conversation (by its summary) belongs to the visitor looked up.
    pub fn covers(&self, summary: &ConversationSummary) -> bool {
        match self {
            Self::Email(email) => summary
                .visitor
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email)),
            Self::Conversation(id) => summary.id == *id,
        }
    }

    /// How the log names the lookup (never its value).
    pub fn kind(&self) -> ErasureCause {
        match self {
            Self::Email(_) => ErasureCause::Email,
            Self::Conversation(_) => ErasureCause::Conversation,
        }
    }
}

/// Conversation ids are 32 lower-case hex characters (the edge's random ids).
pub fn is_conversation_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A ticket as stored, with its email thread.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ExportedTicket {
    pub id: String,
    pub conversation_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    pub transcript: String,
    pub status: String,
    pub created_at: Millis,
    pub thread: Vec<TicketMessage>,
}

/// One conversation as stored: its summary (visitor profile, phase, agent) and every event,
/// internal notes included (they are about the visitor too).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ExportedConversation {
    pub id: String,
    pub summary: Option<ConversationSummary>,
    pub events: Vec<Event>,
}

/// The one JSON file an admin downloads.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Export {
    pub format: String,
    pub site_id: String,
    pub lookup: Lookup,
    pub exported_at: Millis,
    pub conversations: Vec<ExportedConversation>,
    pub tickets: Vec<ExportedTicket>,
    /// The visitor's questions the bot could not answer, as recorded for the admins.
    #[serde(default)]
    pub unanswered: Vec<crate::unanswered::Unanswered>,
    /// Email replies from the visitor's address that the Email Worker refused (a forged or
    /// unknown reply address): addresses and the reason, never the content.
    #[serde(default)]
    pub refused_emails: Vec<RefusedEmail>,
}

/// One refused email reply, as logged. `recipient` is the reply address it was sent to, left
/// out when the address belongs to no ticket of the exporting site (it may name another's).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RefusedEmail {
    pub sender: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    pub reason: String,
    pub received_at: Millis,
}

impl Export {
    /// Adds the recorded unanswered questions of the exported conversations (any others are
    /// left out), oldest first.
    pub fn with_unanswered(mut self, mut rows: Vec<crate::unanswered::Unanswered>) -> Self {
        rows.retain(|row| {
            self.conversations
                .iter()
                .any(|c| c.id == row.conversation_id)
        });
        rows.sort_by_key(|row| (row.at, row.key()));
        rows.dedup_by(|a, b| a.key() == b.key());
        self.unanswered = rows;
        self
    }

    /// Adds the refused email replies sent from the looked-up email (none for a lookup by
    /// conversation), oldest first.
    pub fn with_refused_emails(mut self, mut rows: Vec<RefusedEmail>) -> Self {
        match &self.lookup {
            Lookup::Email(email) => rows.retain(|row| row.sender.eq_ignore_ascii_case(email)),
            Lookup::Conversation(_) => rows.clear(),
        }
        rows.sort_by_key(|row| row.received_at);
        self.refused_emails = rows;
        self
    }
}

/// Puts the export together: only this site's conversations that the lookup covers (a
/// conversation named by id counts even without a summary), tickets of those conversations or
/// of that email, oldest first. Nothing found is [`PrivacyError::NotFound`].
pub fn export(
    site_id: &str,
    lookup: &Lookup,
    conversations: Vec<ExportedConversation>,
    tickets: Vec<ExportedTicket>,
    now: Millis,
) -> Result<Export, PrivacyError> {
    let mut conversations: Vec<ExportedConversation> = conversations
        .into_iter()
        .filter(|c| match &c.summary {
            Some(summary) => summary.site_id == site_id && lookup.covers(summary),
            None => matches!(lookup, Lookup::Conversation(id) if *id == c.id),
        })
        .collect();
    conversations.sort_by_key(|c| (c.summary.as_ref().map(|s| s.started_at), c.id.clone()));
    conversations.dedup_by(|a, b| a.id == b.id);
    let mut tickets: Vec<ExportedTicket> = tickets
        .into_iter()
        .filter(|t| {
            conversations.iter().any(|c| c.id == t.conversation_id)
                || matches!(lookup, Lookup::Email(e) if t.email.eq_ignore_ascii_case(e))
        })
        .collect();
    tickets.sort_by_key(|t| (t.created_at, t.id.clone()));
    tickets.dedup_by(|a, b| a.id == b.id);
    if conversations.is_empty() && tickets.is_empty() {
        return Err(PrivacyError::NotFound);
    }
    Ok(Export {
        format: EXPORT_FORMAT.into(),
        site_id: site_id.into(),
        lookup: lookup.clone(),
        exported_at: now,
        conversations,
        tickets,
        unanswered: Vec::new(),
        refused_emails: Vec::new(),
    })
}

/// The kinds of stored rows an erase touches, as the log counts them.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ErasedKind {
    /// The conversation's state and token (deleted).
    Conversations,
    /// Its events: messages, notes, ratings (deleted).
    Events,
    /// Outbox rows not yet delivered and Web Push records (deleted).
    Deliveries,
    /// Missed/Archived index rows (deleted).
    IndexRows,
    /// Live-list rows at the site (deleted).
    LiveRows,
    /// Tickets (deleted).
    Tickets,
    /// Tickets' email threads (deleted).
    TicketMessages,
    /// Failed webhook/email deliveries kept for admins (deleted).
    DeliveryFailures,
    /// Attachments in storage (deleted).
    Attachments,
    /// Questions the bot could not answer, recorded for the admins (deleted).
    UnansweredQuestions,
    /// Email replies from the visitor's address the Email Worker refused (deleted).
    RefusedEmails,
    /// Statistics facts: kept for the counts, no longer linked to the conversation.
    FactsAnonymised,
}

/// Who asked for the erase.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Eraser {
    /// An admin of the site (their id and display name: agents are not the erased party).
    Admin { agent_id: String, name: String },
    /// The visitor from the widget, holding the conversation's token.
    Visitor,
    /// The site's retention setting.
    Retention,
}

/// How the erased conversations were found.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErasureCause {
    Email,
    Conversation,
    Visitor,
    Retention,
}

/// Counts of erased rows by kind, added up over the conversations of one request.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ErasedCounts(pub BTreeMap<ErasedKind, u32>);

impl ErasedCounts {
    pub fn add(&mut self, kind: ErasedKind, count: u32) {
        if count > 0 {
            *self.0.entry(kind).or_default() += count;
        }
    }

    pub fn merge(&mut self, other: &ErasedCounts) {
        for (kind, count) in &other.0 {
            self.add(*kind, *count);
        }
    }

    pub fn get(&self, kind: ErasedKind) -> u32 {
        self.0.get(&kind).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One line of the site's erase log: who, when, how found, how many of what. Kept for good
/// (the log is the proof of the erase); it holds none of the erased data.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ErasureRecord {
    pub id: String,
    pub site_id: String,
    pub at: Millis,
    pub by: Eraser,
    pub cause: ErasureCause,
    pub conversations: u32,
    pub counts: ErasedCounts,
}

/// The log entry for one request; `None` when it erased nothing (retention with nothing due,
/// a repeat): an empty line would only be noise.
pub fn record(
    id: String,
    site_id: &str,
    by: Eraser,
    cause: ErasureCause,
    counts: ErasedCounts,
    now: Millis,
) -> Option<ErasureRecord> {
    if counts.is_empty() {
        return None;
    }
    Some(ErasureRecord {
        id,
        site_id: site_id.into(),
        at: now,
        by,
        conversations: counts.get(ErasedKind::Conversations),
        cause,
        counts,
    })
}

/// The id a statistics fact gets once its conversation is erased: counts stay, the link to
/// the conversation (and through it the visitor) goes. `random` comes from the edge.
pub fn anonymous_fact_id(random: &str) -> String {
    format!("erased-{random}")
}

/// Conversations last active before this time are due for erasure (`None`: retention off).
pub fn retention_cutoff(retention_ms: Millis, now: Millis) -> Option<Millis> {
    (retention_ms > 0).then(|| now - retention_ms)
}

/// Whether a conversation last active at `updated_at` is due. A waiting or live chat is never
/// erased under the visitor: it is active by definition, whatever its last update.
pub fn retention_due(summary: &ConversationSummary, retention_ms: Millis, now: Millis) -> bool {
    use crate::conversation::Phase;
    let active = matches!(summary.phase, Phase::Waiting | Phase::Live);
    !active && retention_cutoff(retention_ms, now).is_some_and(|cutoff| summary.updated_at < cutoff)
}

/// When the next sweep runs: when the oldest remaining conversation comes due, or after
/// [`RETENTION_SWEEP_MAX_MS`] (new ones age too), never in the past; at once when the last
/// sweep was a full batch. `None`: retention is off, no alarm.
pub fn next_sweep(
    retention_ms: Millis,
    oldest_left: Option<Millis>,
    full_batch: bool,
    now: Millis,
) -> Option<Millis> {
    if retention_ms <= 0 {
        return None;
    }
    if full_batch {
        return Some(now);
    }
    let latest = now + RETENTION_SWEEP_MAX_MS.min(retention_ms);
    let due = oldest_left.map_or(latest, |oldest| (oldest + retention_ms + 1).min(latest));
    Some(due.max(now + 1))
}

#[cfg(test)]
#[path = "privacy_tests.rs"]
mod tests;
